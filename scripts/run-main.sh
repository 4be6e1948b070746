#!/usr/bin/env bash
# The main job: installs what is missing, builds Loom, compiles the default model
# (models/llama/tiny.textproto) through the phases built so far (builder, input, autodiff) and
# trains it on CPU on the shipped corpus for the spec's 300 steps, showing the loss against the
# corpus's byte-unigram entropy. Training runs in the reference interpreter (exact, not fast)
# until compiled CPU kernels and loom-run exist.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${LOOM_BUILD_DIR:-$root/build}"
spec="${1:-$root/models/llama/tiny.textproto}"
steps="${LOOM_STEPS:-300}"

bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh" loom-opt loomc loom-train-ref

out="$build/$(basename "$spec" .textproto)"
echo
echo "== compile $spec: @forward, @loss, @prefill, @decode_step (one shared @layer), then"
echo "   @grad_step (autodiff) and @apply_step (clip, non-finite skip, AdamW, warmup+cosine)"
"$build/bin/loomc" "$spec" --compile-to=autodiff --mlir-timing -o "$out.autodiff.mlir"
"$build/bin/loom-opt" "$out.autodiff.mlir" --print-op-stats -o /dev/null
echo "== train on data/corpus/corpus.txt ($steps steps)"
"$build/bin/loom-train-ref" "$out.autodiff.mlir" --corpus "$root/data/corpus/corpus.txt" \
  --steps "$steps" --save "$out.trained.safetensors"
echo "== compiled program: $out.autodiff.mlir; trained weights: $out.trained.safetensors"
