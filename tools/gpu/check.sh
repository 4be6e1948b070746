#!/usr/bin/env bash
# The GPU check (DESIGN.md §8, GPU tier), run ON the device machine, from the repository root
# with the pack carried (the `gpu-pack` target builds it; tools/gpu/README.md):
#   bash tools/gpu/check.sh PACK        (or, inside the pack: bash check.sh .)
# In one call of at most LOOM_GPU_CHECK_TIMEOUT seconds (default 250, every timeout's grace
# included, so the whole call stays under 5 minutes):
#  1. `loom-run devices`: the GPU, its driver, cuBLASLt, NCCL, the attention kernels;
#  2. ptx_check on the tiny Llama: every generated kernel launch alone, GPU against CPU;
#  3. loom-gpu-check on PACK/cases: every core op, the tiny Llama's @forward, @grad_step and
#     @apply_step and its chained training step (then every parameter and optimizer arena), and
#     the bench cases, on the GPU (eager, captured, replayed) against the same bundles' host
#     kernels on the CPU; the bench cases' kernels and library calls timed against a same-run
#     device-to-device copy;
#  4. the same attention, RMSNorm, GEMMs and copy in PyTorch where the machine has it with CUDA
#     (torch_anchor.py);
#  5. a short summary table: agreement, step times, loom's and PyTorch's timings side by side.
# Exit status: loom-gpu-check's (0 agree, 1 mismatch, 2 CUDA error or no GPU, 3 other), else
# ptx_check's, 124 when time ran out. Everything also goes to $OUT/gpu_check.log when $OUT is set.
set -uo pipefail
pack=${1:-gpu-pack}
limit=${LOOM_GPU_CHECK_TIMEOUT:-250}
start=$SECONDS
if [ ! -f "$pack/bin/loom-gpu-check.xz" ] || [ ! -d "$pack/cases" ]; then
  echo "check.sh: $pack is not a GPU pack (build the gpu-pack target, then carry it)" >&2
  exit 3
fi
# The tools' shared libraries travel xz-compressed (unpacked with xz, or Python's lzma).
unxz_to() {
  if command -v xz > /dev/null; then xz -dc "$1" > "$2"
  else python3 -c 'import lzma, sys; sys.stdout.buffer.write(lzma.open(sys.argv[1]).read())' "$1" > "$2"
  fi
}
lib=$(mktemp -d /tmp/loom-gpu-lib.XXXXXX)
trap 'rm -rf "$lib"' EXIT
bin=$lib/bin
mkdir -p "$bin"
for f in "$pack"/bin/*.xz; do
  unxz_to "$f" "$bin/$(basename "${f%.xz}")" && chmod +x "$bin/$(basename "${f%.xz}")" \
    || { echo "check.sh: cannot unpack $f" >&2; exit 3; }
done
for f in "$pack"/lib/*.xz; do
  [ -e "$f" ] || continue
  unxz_to "$f" "$lib/$(basename "${f%.xz}")" || { echo "check.sh: cannot unpack $f" >&2; exit 3; }
done
# The driver, cuBLASLt and NCCL where the loader does not find them: the driver's mount
# (/usr/local/nvidia under gVisor), the CUDA toolkit, then the pip wheels beside PyTorch.
cuda_libs=""
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/local/cuda/lib64 \
    /usr/local/cuda/targets/x86_64-linux/lib /usr/local/cuda-13*/lib64 /usr/local/cuda-13*/lib \
    /opt/torch/.venv/lib/python3*/site-packages/nvidia/cu13/lib \
    /opt/torch/.venv/lib/python3*/site-packages/nvidia/*/lib; do
  [ -d "$d" ] && cuda_libs="$cuda_libs:$d"
done
export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}$cuda_libs"
# libstdc++ and libgcc_s travel too, used only where the machine's own are too old.
if ldd "$bin/loom-gpu-check" 2>&1 | grep -q 'not found'; then
  mkdir -p "$lib/fallback"
  for f in "$pack"/lib/fallback/*.xz; do
    [ -e "$f" ] && unxz_to "$f" "$lib/fallback/$(basename "${f%.xz}")"
  done
  export LD_LIBRARY_PATH="$lib:$lib/fallback:${LD_LIBRARY_PATH#$lib:}"
  ldd "$bin/loom-gpu-check" 2>&1 | grep 'not found' >&2 && echo "check.sh: libraries missing (above)" >&2
fi
log=${OUT:+$OUT/gpu_check.log}
log=${log:-/dev/null}
left() { echo $((limit - (SECONDS - start))); }
# A timeout for the next step: what is left minus `reserve`, at least 5 s.
budget() { local t=$(( $(left) - $1 )); echo $(( t < 5 ? 5 : t )); }

{
  echo "== $(date -u +%FT%TZ) $(uname -m) $(timeout 20 nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader 2>/dev/null || echo 'nvidia-smi: not available')"
  echo "== pack: $(tr '\n' ' ' < "$pack/PACK_INFO" 2>/dev/null)"
  echo "== $(ldd --version 2>&1 | head -1) (the pack needs GLIBC_2.36)"
  echo "== loom-run devices"
  timeout --kill-after=5 30 "$bin/loom-run" devices
} 2>&1 | tee "$log"

# Each generated kernel of the tiny Llama alone first (a long per-kernel table), then the cases.
prc=0
if [ -d "$pack/cases/model_tiny" ]; then
  echo "== ptx_check $pack/cases/model_tiny (each generated kernel launch alone, GPU against CPU)" | tee -a "$log"
  timeout --kill-after=5 "$(( limit / 3 ))" "$bin/ptx_check" "$pack/cases/model_tiny" \
    --threads 8 --reps 50 2>&1 | tee "$lib/ptx_check.log" | tee -a "$log"
  prc=${PIPESTATUS[0]}
fi

echo "== loom-gpu-check $pack/cases" | tee -a "$log"
gpu_log=$(mktemp /tmp/loom-gpu-check.XXXXXX)
timeout --kill-after=5 "$(budget 30)" "$bin/loom-gpu-check" "$pack/cases" --reps 20 2>&1 \
  | tee "$gpu_log" | tee -a "$log"
rc=${PIPESTATUS[0]}
[ $rc -eq 124 ] && echo "check.sh: loom-gpu-check ran out of time" | tee -a "$log"
[ $rc -eq 0 ] && rc=$prc

torch_log=$(mktemp /tmp/loom-torch.XXXXXX)
if [ "$(left)" -gt 15 ] && timeout 30 python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2> /dev/null; then
  echo "== PyTorch anchors (torch_anchor.py, the bench cases' shapes)" | tee -a "$log"
  timeout --kill-after=5 "$(budget 8)" python3 "$(dirname "$0")/torch_anchor.py" 2>&1 \
    | tee "$torch_log" | tee -a "$log"
else
  echo "== PyTorch anchors: skipped (no torch with CUDA on this machine, or no time left)" | tee -a "$log"
fi

# The short table: agreement, the timed kernels of loom and PyTorch side by side.
{
  echo
  echo "== summary"
  grep -E "^loom-gpu-check: [0-9]+ of [0-9]+ cases agree" "$gpu_log" || echo "loom-gpu-check: no result"
  grep -hE "kernels launched; |^ptx_check: " "$lib/ptx_check.log" 2> /dev/null | tail -1
  grep -E "^(MISMATCH|ERROR) " "$gpu_log" | head -5
  grep -E "^model_tiny +@" "$gpu_log"
  echo "loom (vs a same-run copy of the same bytes):"
  grep -E "^case +command|^bench_" "$gpu_log" | grep -v " ok$"
  if [ -s "$torch_log" ]; then echo "PyTorch:"; cat "$torch_log"; fi
} 2>&1 | tee -a "$log"
rm -f "$gpu_log" "$torch_log"
echo "== check.sh exit status $rc after $((SECONDS - start)) s" | tee -a "$log"
exit $rc
