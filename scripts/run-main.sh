#!/usr/bin/env bash
# The main job: installs what is missing, builds Loom, compiles the default model
# (models/llama/tiny.textproto) into a CPU bundle (kernels.so + command plans), trains it on the
# CPU on the shipped corpus with loom-run train for the spec's 300 steps (checkpoints in
# $build/tiny.ckpt; a rerun resumes, LOOM_FRESH=1 starts over), and checks the result: the mean
# loss of the last 20 steps must be at least 0.5 nats below the corpus's byte-unigram entropy
# (the loss of the best model that ignores context). With loom-run generate built, it also
# prints a sample.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${LOOM_BUILD_DIR:-$root/build}"
spec="${1:-$root/models/llama/tiny.textproto}"
corpus="$root/data/corpus/corpus.txt"
margin=0.5

bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh" loomc loom-run

name="$(basename "$spec" .textproto)"
bundle="$build/$name.bundle"
ckpt="$build/$name.ckpt"
loomrun="$build/runtime/tools/loom-run"
echo
echo "== compile $spec -> $bundle"
echo "   (@forward, @loss, @prefill, @decode_step, @grad_step, @apply_step: fused kernels, plans)"
"$build/bin/loomc" "$spec" --target=cpu -o "$bundle"
fresh=()
if [ "${LOOM_FRESH:-0}" = 1 ]; then fresh=(--no-resume); fi
echo "== train on $corpus (checkpoints in $ckpt)"
start=$(date +%s.%N)
"$loomrun" train "$bundle" --spec "$spec" --data "$corpus" --checkpoint-dir "$ckpt" \
  --log-every 25 --progress never "${fresh[@]}"
end=$(date +%s.%N)

python3 - "$ckpt/metrics.jsonl" "$corpus" "$margin" "$start" "$end" <<'EOF'
import json, math, sys
from collections import Counter
metrics, corpus, margin, start, end = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
losses = [json.loads(line)["loss"] for line in open(metrics) if line.strip()]
data = open(corpus, "rb").read()
counts = Counter(data)
entropy = -sum(c / len(data) * math.log(c / len(data)) for c in counts.values())
last = losses[-20:]
mean = sum(last) / len(last)
print(f"== {len(losses)} steps; mean loss of the last {len(last)}: {mean:.4f} nats; byte-unigram "
      f"entropy of the corpus: {entropy:.4f} nats ({mean - entropy:+.4f}); bound: entropy - {margin}; "
      f"wall time of this run {end - start:.1f} s")
if mean > entropy - margin:
    sys.exit(f"main job: the loss {mean:.4f} is not below {entropy - margin:.4f}")
print("== the model beats the unigram bound")
EOF

if "$loomrun" generate --help > /dev/null 2>&1; then
  echo "== sample (temperature 0.8, top-k 20, seed 1, KV cache)"
  "$loomrun" generate "$bundle" --checkpoint "$ckpt" --prompt "The King said" \
    --max-tokens 120 --temperature 0.8 --top-k 20 --seed 1
  echo
fi
echo "== bundle: $bundle; checkpoints: $ckpt"
