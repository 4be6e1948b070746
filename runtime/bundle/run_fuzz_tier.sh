#!/usr/bin/env bash
# The fuzz tier (issue 5): mutated manifests (ctest label `fuzz`) and mutated safetensors/npy
# files (runtime/io's robustness test), then the CUDA executor's tests with the stand-in driver
# and cuBLASLt (device arenas, the host mirror, graphs, the attention kernels under host
# emulation), under AddressSanitizer and UndefinedBehaviorSanitizer,
# in a runtime-only build of its own, so that a crash, an out-of-bounds read or UB on any
# input fails loudly. Not part of tier 0 or 1: it needs its own instrumented build.
#
#   runtime/bundle/run_fuzz_tier.sh [SCRATCH_DIR]     (default: /tmp/loom-fuzz-tier)
#   LOOM_FUZZ_JOBS=N   build jobs (default 1: the CI machine has two cores, DESIGN.md §8)
set -euo pipefail

source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
scratch="${1:-/tmp/loom-fuzz-tier}"
jobs="${LOOM_FUZZ_JOBS:-1}"
flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"

cmake -G Ninja -S "$source_dir" -B "$scratch" \
  -DLOOM_BUILD_COMPILER=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_C_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCMAKE_MODULE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
ninja -C "$scratch" -j "$jobs" loom-runtime-bundle-fuzz loom-runtime-io-robustness-test \
  loom-runtime-cuda-tests loom_mock_libcuda loom_mock_cublaslt

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# Only the fuzz binaries are built here, so ctest runs just the label it can discover.
ctest --test-dir "$scratch" -L fuzz --output-on-failure
"$scratch/runtime/io/loom-runtime-io-robustness-test"
"$scratch/runtime/device/cuda/loom-runtime-cuda-tests"
