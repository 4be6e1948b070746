#!/usr/bin/env bash
# Builds, here (no GPU needed), what the GPU check carries to the device machine:
#   tools/gpu/prepare.sh [BUILD_DIR] [PACK]     (defaults: build-cu, gpu-pack)
# PACK/bin/ptx_check   the checker (runtime libraries linked in, protobuf static, libcuda dlopened)
# PACK/lib/*.xz        the shared libraries it and the bundle need beyond glibc (OpenBLAS, its
#                      Fortran runtime, libcrypto), xz-compressed; lib/fallback/ libstdc++ and
#                      libgcc_s, used only where the device's own are older than these
# PACK/bundle/         the tiny Llama compiled with loomc --target=cpu --ptx (manifest.pb,
#                      kernels.so, kernels.ptx, kernels_cuda.json)
# PACK/PACK_INFO       what was packed: commit, date, sizes, the ptxas figures of kernels.ptx
# PACK/.gitignore      "*": the pack is never committed; the run tool's carry parameter takes it.
# Before it finishes it runs the pack here: ptx_check --cpu-only must pass.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build-cu}
pack=${2:-$root/gpu-pack}
ninja -C "$build" -j "${LOOM_JOBS:-1}" loomc ptx_check
rm -rf "$pack"
mkdir -p "$pack/bin" "$pack/lib/fallback"
echo '*' > "$pack/.gitignore"

"$build/bin/loomc" "$root/models/llama/tiny.textproto" --target=cpu -o "$pack/bundle" --ptx
cp "$build/tools/gpu/ptx_check" "$pack/bin/ptx_check"
strip "$pack/bin/ptx_check"

# Shared libraries beyond the C library: from ldd of the checker and the bundle's kernels.
system='^(linux-vdso|ld-linux|libc|libm|libdl|libpthread|librt|libutil)\.so'
fallback='^(libstdc\+\+|libgcc_s)\.so'
for binary in "$pack/bin/ptx_check" "$pack/bundle/kernels.so"; do
  ldd "$binary" | awk '/=> \// { print $1, $3 }'
done | sort -u | while read -r soname path; do
  if [[ $soname =~ $system ]]; then continue; fi
  dir="$pack/lib"
  if [[ $soname =~ $fallback ]]; then dir="$pack/lib/fallback"; fi
  xz -9 -T1 -c "$path" > "$dir/$soname.xz"
done

{
  echo "commit $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet || echo '+changes')"
  echo "packed $(date -u +%FT%TZ) on $(uname -m)"
  echo "kernels $(grep -c '^.visible .entry' "$pack/bundle/kernels.ptx") in kernels.ptx ($(wc -c < "$pack/bundle/kernels.ptx") bytes)"
} > "$pack/PACK_INFO"
ptxas=${LOOM_PTXAS:-$(command -v ptxas || echo /usr/local/cuda/bin/ptxas)}
if [ -x "$ptxas" ]; then
  "$ptxas" -arch=sm_90 -v "$pack/bundle/kernels.ptx" -o /dev/null > "$pack/ptxas.log" 2>&1 \
    || { cat "$pack/ptxas.log"; echo "prepare.sh: ptxas refused kernels.ptx" >&2; exit 1; }
  echo "ptxas $("$ptxas" --version | tail -1): accepted" >> "$pack/PACK_INFO"
fi

# The CPU side of the check, here: the walk equals rt::Program::Run.
"$pack/bin/ptx_check" "$pack/bundle" --cpu-only
echo "prepare.sh: $pack is ready ($(du -sh "$pack" | cut -f1)):"
find "$pack" -type f | sort | xargs ls -la
