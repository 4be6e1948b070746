// Reads a ModelSpec textproto (frontends/spec/model_spec.proto), checks it and fills in defaults.
//
// A researcher's first contact with Loom is a spec that does not compile, so every error points
// at the spec line (DESIGN.md §1): each is one line `FILE:LINE:COL: error: FIELD: MESSAGE`,
// 1-based, LINE:COL at the first character of the offending field's name, and all semantic errors
// of a file are reported at once. Nothing here depends on MLIR: the parser builds with the
// runtime alone (-DLOOM_BUILD_COMPILER=OFF).
//
// Defaults, applied to `ParsedModelSpec::spec` when a field is absent from the text:
//   name                     the file's stem ("tiny" for models/llama/tiny.textproto)
//   dtype                    "f32" (the reference backend's exact type; bf16 must be asked for)
//   vocabulary.size          260 for BLT_BYTES (the only size it has, models.md §1.2)
//   vocabulary.pad/bos/eos   0 / 1 / 2 for BLT_BYTES (the schema's layout)
//   transformer.num_kv_heads num_heads (plain multi-head attention, as Hugging Face's LlamaConfig)
//   transformer.tie_embeddings false
//   shape.max_decode_length  shape.sequence
//   a parameter no rule matches: NORMAL std 0.02 for matrices and embeddings, ONES for norms
//                            (Hugging Face LlamaPreTrainedModel._init_weights, initializer_range)
// No default for the architecture numbers (num_layers, dim, num_heads, ffn_hidden, norm_eps,
// rope.theta, rope.layout), the family, the vocabulary kind or batch and sequence: Llama
// variants differ in each (θ 1e4 vs 5e5, eps 1e-5 vs 1e-6, interleaved vs half-split RoPE), so
// a guessed value would silently build another model.
#ifndef LOOM_FRONTENDS_SPEC_SPECPARSER_H_
#define LOOM_FRONTENDS_SPEC_SPECPARSER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "frontends/spec/model_spec.pb.h"

namespace loom::spec {

struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based byte column (a tab counts as one)
};

class ParsedModelSpec {
 public:
  ModelSpec spec;  // defaults filled in (see above)
  std::string file;
  // Where each field written in the file starts, by path ("transformer.num_heads",
  // "parameters[1].std"); a field the text leaves out has no entry, even once defaulted.
  std::map<std::string, SourceLocation, std::less<>> locations;

  // Location of the field at `path`: dotted field names with [i] for repeated fields, e.g.
  // "transformer.num_heads", "parameters[1].std"; falls back to the nearest located ancestor,
  // then file:1:1.
  SourceLocation locate(std::string_view path) const;
  // Whether the file writes the field at `path` (proto3 scalars have no presence of their own).
  bool stated(std::string_view path) const { return locations.count(path) != 0; }
};

// Parse, check and default a spec. On any error returns nullopt and appends one line per error
// to `errors`. Never crashes, whatever the bytes.
std::optional<ParsedModelSpec> parseModelSpecFile(const std::string &path, std::string &errors);
std::optional<ParsedModelSpec> parseModelSpecText(std::string_view text, const std::string &fileName,
                                                  std::string &errors);

// One Hugging Face Llama parameter and the rule that applies to it.
struct ParameterInfo {
  std::string name;            // e.g. "model.layers.0.self_attn.q_proj.weight"
  std::vector<int64_t> shape;  // [rows, cols] = [out, in] as Hugging Face stores it; [D] for norms
  ParameterRule::Init init;
  double std;                  // NORMAL only, else 0
  bool frozen;
  int ruleIndex;               // index into spec.parameters of the last matching rule; -1 = default
};

// In a fixed order: model.embed_tokens.weight [V, D]; per layer i: model.layers.{i}.
// input_layernorm.weight [D], self_attn.{q,k,v,o}_proj.weight, post_attention_layernorm.weight
// [D], mlp.{gate,up,down}_proj.weight; model.norm.weight [D]; lm_head.weight [V, D] unless
// tie_embeddings. `spec` must come from the parser (checked); an unchecked one with an absurd
// layer count gives an empty table.
std::vector<ParameterInfo> llamaParameters(const ParsedModelSpec &spec);

}  // namespace loom::spec

#endif  // LOOM_FRONTENDS_SPEC_SPECPARSER_H_
