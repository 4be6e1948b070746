#!/usr/bin/env bash
# ctest ptx-check-without-gpu: what of ptx_check runs without a GPU.
#   test_ptx_check.sh PTX_CHECK LOOMC SPEC WORKDIR MOCK_LIBCUDA LOOM_CUDA_EMULATE
# 1. loomc --ptx writes kernels.ptx and kernels_cuda.json beside a CPU bundle that still loads.
# 2. --cpu-only: the command-by-command walk equals rt::Program::Run byte for byte.
# 3. The GPU path without a CUDA driver fails with exit 2 and "libcuda.so.1 not found".
# 4. A bundle without --ptx is refused with exit 3, naming the missing kernel table.
# 5. With the stand-in driver (testing/mock_libcuda.cpp), whose launches run a kernels .so:
#    - the CUDA lowering emulated on the host (loom-cuda-emulate: fusion, thread distribution,
#      barriers, block tiling, shared temporaries, sin/cos; each block's threads one after
#      another between barriers) agrees with the CPU kernels on every launch of the walk, and
#      the table and timings print (exit 0);
#    - with the CPU kernels themselves: a planted error in one kernel's output is a MISMATCH
#      naming it (exit 1); a failing cuLaunchKernel is named (exit 2).
set -euo pipefail
ptx_check=$1 loomc=$2 spec=$3 work=$4 mock=$5 emulate=$6
rm -rf "$work" && mkdir -p "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

if ! "$loomc" "$spec" --target=cpu -o "$work/bundle" --ptx > "$work/loomc.log" 2>&1; then
  cat "$work/loomc.log"
  if grep -q "no libdevice" "$work/loomc.log" && [ "${CI:-}" != true ]; then
    echo "*** no CUDA toolkit: ptx-check-without-gpu is SKIPPED. Install the CUDA toolkit to run it. ***"
    exit 77
  fi
  fail "loomc --ptx failed"
fi
grep -q "kernels.ptx: .* CUDA kernels (sm_90)" "$work/loomc.log" || fail "loomc --ptx: $(cat "$work/loomc.log")"
for f in manifest.pb kernels.so kernels.ptx kernels_cuda.json; do
  [ -s "$work/bundle/$f" ] || fail "no $f in the bundle"
done
grep -q '^.target sm_90' "$work/bundle/kernels.ptx" || fail "kernels.ptx is not for sm_90"

set +e
"$ptx_check" "$work/bundle" --cpu-only > "$work/cpu-only.log" 2>&1
rc=$?
set -e
cat "$work/cpu-only.log"
[ $rc -eq 0 ] || fail "--cpu-only exited $rc"
grep -q "matches rt::Program::Run byte for byte" "$work/cpu-only.log" || fail "--cpu-only did not compare"

# No driver: a library that is certainly absent, and the default name where this machine has
# no libcuda.so.1 (as on the CI machines).
libraries=("$work/no-such-dir/libcuda.so.1")
if ! ldconfig -p 2>/dev/null | grep -q 'libcuda\.so\.1 '; then libraries+=(libcuda.so.1); fi
for library in "${libraries[@]}"; do
  set +e
  "$ptx_check" "$work/bundle" --cuda-library "$library" > "$work/gpu.log" 2>&1
  rc=$?
  set -e
  cat "$work/gpu.log"
  [ $rc -eq 2 ] || fail "without a driver ($library) ptx_check exited $rc, not 2"
  grep -q "libcuda.so.1 not found" "$work/gpu.log" || fail "no clear message without a driver"
done

"$loomc" "$spec" --target=cpu -o "$work/no-ptx" > /dev/null
set +e
"$ptx_check" "$work/no-ptx" > "$work/no-ptx.log" 2>&1
rc=$?
set -e
cat "$work/no-ptx.log"
[ $rc -eq 3 ] || fail "a bundle without --ptx: exit $rc, not 3"
grep -q "no kernel table" "$work/no-ptx.log" || fail "a bundle without --ptx: unclear message"
"$loomc" "$spec" --target=cpu --compile-to=fusion -o "$work/fusion.mlir"
"$emulate" "$work/fusion.mlir" -o "$work/emulated.so"

run() {  # run KERNELS_SO EXPECTED_RC LOG ARGS...: ptx_check with the stand-in driver
  local kernels=$1 expected=$2 log=$3
  shift 3
  set +e
  LOOM_MOCK_CUDA_KERNELS="$kernels" "$ptx_check" "$work/bundle" \
    --cuda-library "$mock" --reps 3 "$@" > "$log" 2>&1
  local rc=$?
  set -e
  cat "$log"
  [ $rc -eq "$expected" ] || fail "ptx_check $* with the stand-in driver exited $rc, not $expected"
}
run "$work/emulated.so" 0 "$work/mock.log"
grep -q "all agree with the CPU kernels" "$work/mock.log" || fail "no agreement line"
grep -q "^  elementwise .* ratio" "$work/mock.log" || fail "no elementwise timing"
grep -q "^  row_reduction .* ratio" "$work/mock.log" || fail "no row-reduction timing"

victim=$(python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))
print(next(k["name"] for k in t["kernels"]
           if k["strategy"] == "row_reduction" and k["buffers"][-1]["dtype"] == "f32"))' \
  "$work/bundle/kernels_cuda.json")
LOOM_MOCK_CUDA_CORRUPT=$victim run "$work/bundle/kernels.so" 1 "$work/mock-corrupt.log"
grep -A1 "^$victim " "$work/mock-corrupt.log" | grep -q "MISMATCH" || fail "the planted error in $victim was not reported"

LOOM_MOCK_CUDA_FAIL=cuLaunchKernel run "$work/bundle/kernels.so" 2 "$work/mock-fail.log"
grep -q "cuLaunchKernel(.*) failed: CUDA_ERROR_LAUNCH_FAILED" "$work/mock-fail.log" || fail "the failing call was not named"
echo "PASS"
