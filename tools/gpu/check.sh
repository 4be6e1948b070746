#!/usr/bin/env bash
# The GPU check (DESIGN.md §8, GPU tier), run ON the device machine from the repository root:
#   bash tools/gpu/check.sh [PACK]        (PACK: the folder tools/gpu/prepare.sh made, gpu-pack/)
# Runs ptx_check on the carried bundle: every kernel launch of @forward, @grad_step and
# @apply_step of the tiny Llama, on the GPU from kernels.ptx against the CPU kernels on the same
# bytes, then the timing of the largest elementwise and row-reduction kernels against cuMemcpy.
# Exit status: ptx_check's (0 agree, 1 mismatch, 2 CUDA error or no driver, 3 other), 124 when
# it ran out of time. Everything it prints also goes to $OUT/ptx_check.log when $OUT is set.
set -uo pipefail
pack=${1:-gpu-pack}
[ $# -gt 0 ] && shift   # the rest goes to ptx_check
limit=${LOOM_GPU_CHECK_TIMEOUT:-180}
if [ ! -x "$pack/bin/ptx_check" ] || [ ! -f "$pack/bundle/kernels.ptx" ]; then
  echo "check.sh: $pack is not a GPU pack (run tools/gpu/prepare.sh first, then carry $pack)" >&2
  exit 3
fi
# The runtime's shared libraries (OpenBLAS, libcrypto, ...) travel with the pack, xz-compressed
# (unpacked with xz, or Python's lzma where there is no xz).
unxz_to() {
  if command -v xz > /dev/null; then xz -dc "$1" > "$2"
  else python3 -c 'import lzma, sys; sys.stdout.buffer.write(lzma.open(sys.argv[1]).read())' "$1" > "$2"
  fi
}
lib=$(mktemp -d /tmp/loom-gpu-lib.XXXXXX)
for f in "$pack"/lib/*.xz; do
  [ -e "$f" ] || continue
  unxz_to "$f" "$lib/$(basename "${f%.xz}")" || { echo "check.sh: cannot unpack $f" >&2; exit 3; }
done
export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# libstdc++ and libgcc_s travel too, but are used only where the machine's own are too old.
if ldd "$pack/bin/ptx_check" 2>&1 | grep -q 'not found'; then
  mkdir -p "$lib/fallback"
  for f in "$pack"/lib/fallback/*.xz; do
    [ -e "$f" ] && unxz_to "$f" "$lib/fallback/$(basename "${f%.xz}")"
  done
  export LD_LIBRARY_PATH="$lib:$lib/fallback${LD_LIBRARY_PATH#$lib}"
  ldd "$pack/bin/ptx_check" 2>&1 | grep 'not found' >&2 && echo "check.sh: libraries missing (above)" >&2
fi
log=${OUT:+$OUT/ptx_check.log}
log=${log:-/dev/null}
{
  echo "== $(date -u +%FT%TZ) $(uname -m) $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null || echo 'nvidia-smi: not available')"
  echo "== pack: $(cat "$pack/PACK_INFO" 2>/dev/null | tr '\n' ' ')"
} | tee "$log"
timeout --kill-after=10 "$limit" "$pack/bin/ptx_check" "$pack/bundle" --threads 8 --reps 50 "$@" 2>&1 \
  | tee -a "$log"
rc=${PIPESTATUS[0]}
[ $rc -eq 124 ] && echo "check.sh: ptx_check ran out of time (${limit}s)" | tee -a "$log"
echo "== ptx_check exit status $rc" | tee -a "$log"
rm -rf "$lib"
exit $rc
