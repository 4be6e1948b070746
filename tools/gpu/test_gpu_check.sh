#!/usr/bin/env bash
# ctest gpu-check-without-gpu: the GPU check end to end on a machine without a GPU.
#   test_gpu_check.sh BUILD_DIR WORKDIR MOCK_LIBCUDA MOCK_CUBLASLT
# 1. prepare.sh packs the tiny Llama, every golden op case and the bench cases as CUDA bundles
#    (cubin, PTX, host kernels) under the size limit.
# 2. loom-gpu-check runs every case through the CUDA executor against the same bundle on the
#    CPU, with the stand-in driver and cuBLASLt (runtime/device/cuda/testing): device arenas and
#    their host mirror, cuBLASLt's column-major GEMM with the bias epilogue, the attention
#    kernels' CUDA source under host emulation, copies, fills, graph capture and replay. Every
#    case must agree (exit 0). What only the device checks: SASS, libdevice and the real
#    libraries (check.sh, run with the `run` tool where a session has a GPU).
# 3. A planted error in one kernel of the tiny Llama is a MISMATCH naming the output (exit 1).
# 4. check.sh end to end with the stand-ins: exit 0 and its summary. The attention cases run last; a sticky kernel fault (a failing launch) stops the run at
#    that case with exit 2.
# 5. Without a CUDA driver: exit 2, "libcuda.so.1 not found" and the hint to use --device cpu.
set -euo pipefail
build=$1 work=$2 mock=$3 mock_cublaslt=$4
root=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$work" && mkdir -p "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
# CUDA bundles need ptxas (the cubin) and the runtime's attention kernels need nvcc: without the
# CUDA toolkit this test skips loudly, except under CI=true, where it fails.
if ! command -v ptxas > /dev/null && [ ! -x /usr/local/cuda/bin/ptxas ] && [ -z "${LOOM_PTXAS:-}" ]; then
  [ "${CI:-}" = true ] && fail "no CUDA toolkit (ptxas) under CI=true"
  echo "*** no CUDA toolkit: gpu-check-without-gpu is SKIPPED. Install the CUDA toolkit to run it. ***"
  exit 77
fi

bash "$root/tools/gpu/prepare.sh" "$build" "$work/pack" model_tiny op_all bench_all > "$work/prepare.log" 2>&1 \
  || { cat "$work/prepare.log"; fail "prepare.sh failed"; }
tail -4 "$work/prepare.log"
for f in bin/loom-gpu-check.xz bin/ptx_check.xz bin/loom-run.xz check.sh torch_anchor.py PACK_INFO \
         cases/model_tiny/kernels.cubin cases/model_tiny/kernels.ptx cases/model_tiny/kernels.so \
         cases/op_binary_add/inputs.safetensors; do
  [ -s "$work/pack/$f" ] || fail "no $f in the pack"
done

mkdir -p "$work/bin"
for f in "$work"/pack/bin/*.xz; do
  xz -dc "$f" > "$work/bin/$(basename "${f%.xz}")" && chmod +x "$work/bin/$(basename "${f%.xz}")"
done
ldd "$work/bin/loom-gpu-check" | grep -Eq 'libopenblas|libprotobuf|libcrypto|libstdc' \
  && fail "loom-gpu-check is not static but for glibc: $(ldd "$work/bin/loom-gpu-check")"
# The bench cases are compiled and packed (above) but run only on a GPU: at their sizes the
# stand-ins' naive GEMM and emulated attention would take minutes.
mkdir -p "$work/bench"
mv "$work"/pack/cases/bench_* "$work/bench/"
bundles=$(ls -d "$work"/pack/cases/* | tr '\n' ':')
check() {  # check LOG [ENV...]: loom-gpu-check on the pack with the stand-ins
  local log=$1
  shift
  set +e
  env LOOM_CUDA_DRIVER="$mock" LOOM_CUBLASLT="$mock_cublaslt" LOOM_MOCK_CUDA_BUNDLES="$bundles" "$@" \
    "$work/bin/loom-gpu-check" "$work/pack/cases" --reps 2 --threads 2 > "$work/$log" 2>&1
  rc=$?
  set -e
}

check all.log
cases=$(ls "$work/pack/cases" | wc -l)
sed -n "/== agreement/,/^$/p" "$work/all.log" | grep -v " ok$" || true  # the failing rows, if any
[ $rc -eq 0 ] || { cat "$work/all.log"; fail "loom-gpu-check exited $rc with the stand-ins"; }
grep -q "loom-gpu-check: $cases of $cases cases agree" "$work/all.log" || fail "not every case agreed"
grep -q "^model_tiny .*model .* ok$" "$work/all.log" || fail "the tiny model's row is missing"
grep -q "@grad_step" "$work/all.log" || fail "no step timings"

# A planted error: 1 added to the first f32 of the first generated kernel's last buffer.
kernel=$(grep -m1 -o '^\.visible \.entry [A-Za-z0-9_]*' "$work/pack/cases/model_tiny/kernels.ptx" | awk '{print $3}')
check corrupt.log LOOM_MOCK_CUDA_CORRUPT="$kernel"
[ $rc -eq 1 ] || { cat "$work/corrupt.log"; fail "a corrupted $kernel exited $rc, not 1"; }
grep -q "MISMATCH" "$work/corrupt.log" || fail "no MISMATCH for the corrupted $kernel"

# check.sh itself, as the device machine runs it (unpacking, library paths, ptx_check, the
# summary), with the stand-ins.
mkdir -p "$work/check-out"
set +e
env OUT="$work/check-out" LOOM_CUDA_DRIVER="$mock" LOOM_CUBLASLT="$mock_cublaslt" \
  LOOM_MOCK_CUDA_BUNDLES="$bundles" bash "$work/pack/check.sh" "$work/pack" > "$work/check.log" 2>&1
rc=$?
set -e
[ $rc -eq 0 ] || { cat "$work/check.log"; fail "check.sh exited $rc with the stand-ins"; }
grep -A2 "^== summary" "$work/check.log" | grep -q "loom-gpu-check: $cases of $cases cases agree" \
  || { cat "$work/check.log"; fail "check.sh's summary lacks the agreement line"; }
grep -q "kernels launched; all agree with the CPU kernels" "$work/check-out/gpu_check.log" \
  || fail "check.sh's log lacks ptx_check's agreement"

# A kernel fault is sticky on a real GPU: the run stops there, naming the case, and the
# hand-written attention kernels come last so that a fault in them spares the other cases.
grep -E '^(ok|MISMATCH|ERROR) +' "$work/all.log" | tail -1 | grep -q attention \
  || fail "the attention cases do not run last"
check sticky.log LOOM_MOCK_CUDA_FAIL=cuLaunchKernel
[ $rc -eq 2 ] || { cat "$work/sticky.log"; fail "a failing launch exited $rc, not 2"; }
grep -q "the CUDA context is lost after case" "$work/sticky.log" || fail "no stop after a sticky error"
[ "$(grep -c '^ERROR ' "$work/sticky.log")" -eq 1 ] || fail "cases ran after a sticky error"

set +e
LOOM_CUDA_DRIVER=/nonexistent/libcuda.so.1 "$work/bin/loom-gpu-check" "$work/pack/cases" \
  --filter model_tiny > "$work/nodriver.log" 2>&1
rc=$?
set -e
[ $rc -eq 2 ] || { cat "$work/nodriver.log"; fail "without a driver: exit $rc, not 2"; }
grep -q "libcuda.so.1 not found.*--device cpu" "$work/nodriver.log" || fail "no clear no-driver message"
echo "PASS: $cases cases through the CUDA executor with the stand-ins"
