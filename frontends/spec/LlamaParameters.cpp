// llamaParameters(): the parameter table of a checked Llama spec, each entry with the rule that
// decides its init and frozen mark (the last matching rule wins, model_spec.proto).
#include "frontends/spec/LlamaLayout.h"
#include "frontends/spec/SpecParser.h"

namespace loom::spec {

namespace {
// What a parameter no rule matches gets: Hugging Face LlamaPreTrainedModel._init_weights draws
// Linear and Embedding weights from N(0, initializer_range = 0.02) and sets RMSNorm weights to
// one. In Llama every 1-D parameter is a norm weight.
constexpr double kDefaultStd = 0.02;
}  // namespace

std::vector<ParameterInfo> llamaParameters(const ParsedModelSpec &parsed) {
  const auto &rules = parsed.spec.parameters();
  std::vector<ParameterInfo> out;
  for (auto &[name, shape] : detail::llamaParameterShapes(parsed.spec)) {
    ParameterInfo info{std::move(name), std::move(shape), ParameterRule::NORMAL, kDefaultStd,
                       false, -1};
    if (info.shape.size() == 1) {
      info.init = ParameterRule::ONES;
      info.std = 0;
    }
    for (int i = rules.size() - 1; i >= 0; --i) {
      if (!detail::globMatch(rules[i].pattern(), info.name)) continue;
      info.init = rules[i].init();
      info.std = rules[i].init() == ParameterRule::NORMAL ? rules[i].std() : 0;
      info.frozen = rules[i].frozen();
      info.ruleIndex = i;
      break;
    }
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace loom::spec
