// The Hugging Face Llama parameter layout and the glob rules that pick each parameter's init,
// shared by the checker (a rule must match something) and llamaParameters().
#ifndef LOOM_FRONTENDS_SPEC_LLAMALAYOUT_H_
#define LOOM_FRONTENDS_SPEC_LLAMALAYOUT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "frontends/spec/model_spec.pb.h"

namespace loom::spec::detail {

// Far beyond any published Llama (405B has 126 layers), low enough that listing every
// parameter name and matching each rule against them stays instant.
inline constexpr int64_t kMaxLayers = 4096;

struct ParameterShape {
  std::string name;
  std::vector<int64_t> shape;
};

// Names and shapes in llamaParameters()'s order. Empty when num_layers is outside
// [1, kMaxLayers]; shapes are meaningful only for a checked transformer.
std::vector<ParameterShape> llamaParameterShapes(const ModelSpec &spec);

// Glob of ParameterRule.pattern: `*` matches any run of characters (dots included); every other
// character matches itself.
bool globMatch(std::string_view pattern, std::string_view name);

}  // namespace loom::spec::detail

#endif  // LOOM_FRONTENDS_SPEC_LLAMALAYOUT_H_
