#!/usr/bin/env bash
# The main job: installs what is missing, builds the compiler, and compiles the
# shipped example model through the pipeline that exists today (the input
# phase), printing what it did.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${LOOM_BUILD_DIR:-$root/build}"

bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh" loom-opt

example="$root/examples/llama_block.mlir"
opt="$build/bin/loom-opt"
echo
echo "== $example: ops as written"
"$opt" "$example" --print-op-stats -o /dev/null
echo "== after the input phase (canonicalize with IEEE-correct folds, CSE, symbol DCE)"
"$opt" "$example" --loom-phase-input --print-op-stats --mlir-timing -o "$build/llama_block.input.mlir"
echo "== compiled IR written to $build/llama_block.input.mlir"
echo "   (later phases -- autodiff, target selection, bounds, fusion, codegen -- are not built yet)"
