#include "frontends/spec/LlamaLayout.h"

namespace loom::spec::detail {

std::vector<ParameterShape> llamaParameterShapes(const ModelSpec &spec) {
  const Transformer &t = spec.transformer();
  if (t.num_layers() < 1 || t.num_layers() > kMaxLayers) return {};
  const int64_t vocab = spec.vocabulary().size();
  const int64_t dim = t.dim();
  const int64_t headDim = t.num_heads() > 0 ? dim / t.num_heads() : 0;
  // The checker calls this before it knows the dims are consistent (it needs the names only):
  // a shape may then be meaningless, but computing it must not overflow.
  int64_t kvDim = 0;
  if (__builtin_mul_overflow(t.num_kv_heads(), headDim, &kvDim)) kvDim = 0;
  const int64_t hidden = t.ffn_hidden();

  std::vector<ParameterShape> out;
  out.reserve(static_cast<size_t>(t.num_layers()) * 9 + 3);
  out.push_back({"model.embed_tokens.weight", {vocab, dim}});
  for (int64_t i = 0; i < t.num_layers(); ++i) {
    const std::string layer = "model.layers." + std::to_string(i) + ".";
    out.push_back({layer + "input_layernorm.weight", {dim}});
    out.push_back({layer + "self_attn.q_proj.weight", {dim, dim}});
    out.push_back({layer + "self_attn.k_proj.weight", {kvDim, dim}});
    out.push_back({layer + "self_attn.v_proj.weight", {kvDim, dim}});
    out.push_back({layer + "self_attn.o_proj.weight", {dim, dim}});
    out.push_back({layer + "post_attention_layernorm.weight", {dim}});
    out.push_back({layer + "mlp.gate_proj.weight", {hidden, dim}});
    out.push_back({layer + "mlp.up_proj.weight", {hidden, dim}});
    out.push_back({layer + "mlp.down_proj.weight", {dim, hidden}});
  }
  out.push_back({"model.norm.weight", {dim}});
  if (!t.tie_embeddings()) out.push_back({"lm_head.weight", {vocab, dim}});
  return out;
}

bool globMatch(std::string_view pattern, std::string_view name) {
  // Greedy matching with one backtrack point (the last `*`): linear in practice, never
  // exponential.
  size_t p = 0, n = 0;
  size_t starP = std::string_view::npos, starN = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      starP = p++;
      starN = n;
    } else if (p < pattern.size() && pattern[p] == name[n]) {
      ++p;
      ++n;
    } else if (starP != std::string_view::npos) {
      p = starP + 1;
      n = ++starN;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace loom::spec::detail
