#!/usr/bin/env bash
# Builds, here (no GPU needed), the folder the GPU check carries to the device machine:
#   tools/gpu/prepare.sh BUILD_DIR PACK [CASE...]
# (the CMake target `gpu-pack` runs it into BUILD_DIR/gpu-pack; the build fails when the pack
# is over 48 MiB). CASE names what to compile (default: all of them):
#   model_tiny        the tiny Llama (@forward, @grad_step, @apply_step)
#   op_<case>         a golden op case of test/goldens/ops (attention cases retyped to f32, as
#                     the CPU tests run them); its golden inputs travel as inputs.safetensors
#   op_all            every golden op case with static shapes
#   bench_<name>      tools/gpu/bench/<name>.mlir (attention, rms_norm, matmul, linear_bias) at
#                     training size; bench_all: all of them
# PACK/cases/<case>/  each a CUDA bundle (loomc --target=cuda: kernels.cubin for sm_90,
#                     kernels.ptx, kernels.so for the host, kernels_cuda.json, manifest.pb)
# PACK/bin/*.xz       loom-gpu-check, ptx_check and loom-run: runtime tools linked statically but
#                     for glibc (OpenBLAS's kernels for every x86 CPU make each about 33 MB),
#                     CUDA, cuBLASLt and NCCL dlopened; stripped and xz-compressed (about 4 MB)
# PACK/lib/*.xz       the shared libraries they and the bundles need beyond glibc (OpenBLAS, its
#                     Fortran runtime, libcrypto), xz-compressed; lib/fallback/ libstdc++ and
#                     libgcc_s, used only where the device's own are older
# PACK/check.sh, PACK/torch_anchor.py   what runs there (tools/gpu/check.sh)
# PACK/PACK_INFO      commit, date, cases, sizes
# PACK/.gitignore     "*": never committed; the run tool's carry parameter takes it.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 2 ] || { echo "usage: tools/gpu/prepare.sh BUILD_DIR PACK [CASE...]" >&2; exit 2; }
build=$(cd "$1" && pwd)
pack=$2
shift 2
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(model_tiny op_all bench_all)
limit_mib=${LOOM_GPU_PACK_LIMIT_MIB:-48}

find_tool() {  # the first of BUILD/bin/NAME, BUILD/**/NAME
  local found
  for found in "$build/bin/$1" $(find "$build" -path "$build/runtime-standalone" -prune -o -name "$1" -type f -perm -u+x -print 2>/dev/null); do
    [ -x "$found" ] && { echo "$found"; return; }
  done
  echo "prepare.sh: no $1 in $build (build it first)" >&2
  exit 1
}
# One assignment each: a missing tool stops the script here (set -e), before any compiling.
loomc=$(find_tool loomc)
gpu_check=$(find_tool loom-gpu-check)
ptx_check=$(find_tool ptx_check)
loom_run=$(find_tool loom-run)
tools=("$gpu_check" "$ptx_check" "$loom_run")

rm -rf "$pack"
mkdir -p "$pack/bin" "$pack/lib/fallback" "$pack/cases"
echo '*' > "$pack/.gitignore"

compile() {  # compile NAME INPUT [LOOMC ARGS...]
  local name=$1 input=$2
  shift 2
  if ! "$loomc" "$input" --target=cuda -o "$pack/cases/$name" "$@" > "$pack/cases/.$name.log" 2>&1; then
    cat "$pack/cases/.$name.log" >&2
    echo "prepare.sh: loomc failed on $input" >&2
    exit 1
  fi
  rm -f "$pack/cases/.$name.log"
}

op_case() {  # op_case CASE: a golden op case, unless its shapes are bounded
  local case=$1 source=$root/test/goldens/ops/$1.mlir
  [ -f "$source" ] || { echo "prepare.sh: no golden op case $case" >&2; exit 1; }
  # Bounded dims (tensor<?x..., #loom.bound>) need bound materialization, which is not built.
  if grep -q 'tensor<[^>]*?' "$source"; then
    echo "prepare.sh: op_$case skipped: bounded dims (bound materialization is not built)"
    return
  fi
  local input=$source
  if [[ $case == attention* ]]; then  # the runtime's attention is f32: tensor types only
    input=$(mktemp --suffix=.mlir)
    sed 's/xf64>/xf32>/g' "$source" > "$input"
  fi
  compile "op_$case" "$input" --compile-from=autodiff
  [ "$input" = "$source" ] || rm -f "$input"
  cp "$root/test/goldens/ops/$case.safetensors" "$pack/cases/op_$case/inputs.safetensors"
}

for c in "${cases[@]}"; do
  case $c in
    model_tiny) compile model_tiny "$root/models/llama/tiny.textproto" ;;
    op_all)
      for source in "$root"/test/goldens/ops/*.mlir; do op_case "$(basename "$source" .mlir)"; done ;;
    op_*) op_case "${c#op_}" ;;
    bench_all)
      for source in "$root"/tools/gpu/bench/*.mlir; do
        compile "bench_$(basename "$source" .mlir)" "$source" --compile-from=autodiff
      done ;;
    bench_*)
      [ -f "$root/tools/gpu/bench/${c#bench_}.mlir" ] || { echo "prepare.sh: no tools/gpu/bench/${c#bench_}.mlir" >&2; exit 1; }
      compile "$c" "$root/tools/gpu/bench/${c#bench_}.mlir" --compile-from=autodiff ;;
    *) echo "prepare.sh: unknown case '$c'" >&2; exit 2 ;;
  esac
done

for tool in "${tools[@]}"; do
  cp "$tool" "$pack/bin/"
  strip "$pack/bin/$(basename "$tool")"
done
cp "$root/tools/gpu/check.sh" "$root/tools/gpu/torch_anchor.py" "$pack/"

# Shared libraries beyond the C library: from ldd of the tools and of one bundle's kernels.so
# (every bundle's host kernels need the same: the C and math libraries at most).
system='^(linux-vdso|ld-linux|libc|libm|libdl|libpthread|librt|libutil)\.so'
fallback='^(libstdc\+\+|libgcc_s)\.so'
for binary in "$pack"/bin/* $(find "$pack/cases" -name kernels.so | head -1); do
  ldd "$binary" | awk '/=> \// { print $1, $3 }'
done | sort -u | while read -r soname path; do
  if [[ $soname =~ $system ]]; then continue; fi
  dir="$pack/lib"
  if [[ $soname =~ $fallback ]]; then dir="$pack/lib/fallback"; fi
  xz -9 -T1 -c "$path" > "$dir/$soname.xz"
done
for tool in "$pack"/bin/*; do
  xz -9 -T2 "$tool"
done

{
  echo "commit $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet || echo '+changes')"
  echo "packed $(date -u +%FT%TZ) on $(uname -m)"
  echo "cases $(ls "$pack/cases" | wc -l): $(ls "$pack/cases" | sed 's/_.*//' | sort | uniq -c | awk '{printf "%s %s, ", $1, $2}')"
} > "$pack/PACK_INFO"

# Every generated kernel of the tiny Llama through ptxas -v: no spills, no local memory.
if [ -f "$pack/cases/model_tiny/kernels.ptx" ]; then
  ptxas=${LOOM_PTXAS:-$(command -v ptxas || echo /usr/local/cuda/bin/ptxas)}
  "$ptxas" -arch=sm_90 -v "$pack/cases/model_tiny/kernels.ptx" -o /dev/null > "$pack/ptxas.log" 2>&1 \
    || { cat "$pack/ptxas.log" >&2; echo "prepare.sh: ptxas refused model_tiny's kernels.ptx" >&2; exit 1; }
  kernels=$(grep -c "^ptxas info *: Compiling entry function" "$pack/ptxas.log" || true)
  # Nonzero stack, spills, or local memory (ptxas reports "N bytes lmem" only when there is some).
  spilling=$({ grep -E "bytes spill (stores|loads)|bytes stack frame|bytes lmem" "$pack/ptxas.log" || true; } \
               | { grep -Ev "^ *0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads" || true; } \
               | { grep -Ev "[^0-9]0 bytes lmem" || true; } | wc -l)
  echo "ptxas model_tiny: $kernels kernels, $spilling with stack, spills or local memory" >> "$pack/PACK_INFO"
  [ "$spilling" -eq 0 ] || { cat "$pack/ptxas.log" >&2; echo "prepare.sh: model_tiny's kernels spill" >&2; exit 1; }
fi

size_kib=$(du -sk "$pack" | cut -f1)
echo "size $((size_kib / 1024)) MiB ($size_kib KiB, limit $limit_mib MiB)" >> "$pack/PACK_INFO"
cat "$pack/PACK_INFO"
if [ "$size_kib" -gt $((limit_mib * 1024)) ]; then
  echo "prepare.sh: $pack is $size_kib KiB, over the $limit_mib MiB the device check may carry" >&2
  exit 1
fi
echo "prepare.sh: $pack is ready"
