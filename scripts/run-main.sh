#!/usr/bin/env bash
# The main job: installs what is missing, builds the compiler, and compiles the
# default model (models/llama/tiny.textproto) through the pipeline that exists
# today (the builder, then the input phase), printing what it did.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${LOOM_BUILD_DIR:-$root/build}"
spec="${1:-$root/models/llama/tiny.textproto}"

bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh" loom-opt loomc

out="$build/$(basename "$spec" .textproto)"
echo
echo "== $spec -> loom IR (@forward, @loss, @prefill, @decode_step; one shared @layer)"
"$build/bin/loomc" "$spec" --compile-to=builder -o "$out.builder.mlir"
"$build/bin/loom-opt" "$out.builder.mlir" --print-op-stats -o /dev/null
echo "== the input phase (canonicalize with IEEE-correct folds, CSE, symbol DCE)"
"$build/bin/loomc" "$out.builder.mlir" --compile-from=builder --compile-to=input --mlir-timing \
  -o "$out.input.mlir"
"$build/bin/loom-opt" "$out.input.mlir" --print-op-stats -o /dev/null
echo "== wrote $out.builder.mlir and $out.input.mlir"
echo "   (later phases -- autodiff, target selection, bounds, fusion, codegen -- are not built yet;"
echo "    loomc says so if asked for them)"
