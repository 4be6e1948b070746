// Checks of the parameter rules: each rule is complete and consistent, and its pattern names
// at least one parameter of this model (a typo in a pattern would otherwise silently leave
// the parameter on its default init and unfrozen).
#include <cmath>

#include "frontends/spec/Checker.h"
#include "frontends/spec/LlamaLayout.h"

namespace loom::spec::detail {

namespace {
// Limits that keep matching every rule against every name instant on any input; a real spec
// has a handful of short rules.
constexpr int kMaxRules = 1024;
constexpr size_t kMaxPatternLength = 256;

// Checks rule `i` apart from what its pattern matches; returns whether the pattern is usable.
bool checkRule(Checker &c, int i, const ParameterRule &rule) {
  const std::string at = "parameters[" + std::to_string(i) + "]";
  bool patternOk = false;
  if (rule.pattern().empty())
    c.error(at + ".pattern", "must not be empty (`*` matches every parameter)");
  else if (rule.pattern().size() > kMaxPatternLength)
    c.error(at + ".pattern", "longer than " + std::to_string(kMaxPatternLength) + " characters");
  else
    patternOk = true;

  const bool normal = rule.init() == ParameterRule::NORMAL;
  if (rule.init() == ParameterRule::INIT_UNSPECIFIED)
    c.missing(at + ".init", "one of NORMAL, ZEROS, ONES");
  else if (!ParameterRule::Init_IsValid(rule.init()))
    c.error(at + ".init", std::to_string(rule.init()) + " is not NORMAL, ZEROS or ONES");

  const std::string stdPath = at + ".std";
  if (normal) {
    if (!c.stated(stdPath))
      c.missing(stdPath, "init NORMAL needs std > 0");
    else if (!(rule.std() > 0) || !std::isfinite(rule.std()))
      c.error(stdPath, "must be finite and > 0 for init NORMAL, not " + number(rule.std()));
  } else if (c.stated(stdPath) && ParameterRule::Init_IsValid(rule.init()) &&
             rule.init() != ParameterRule::INIT_UNSPECIFIED) {
    c.error(stdPath, "applies only to init NORMAL; this rule's init is " +
                     ParameterRule::Init_Name(rule.init()));
  }
  return patternOk;
}

}  // namespace

void checkParameterRules(Checker &c) {
  const auto &rules = c.spec().parameters();
  if (rules.size() > kMaxRules) {
    c.error("parameters[" + std::to_string(kMaxRules) + "]",
            "more than " + std::to_string(kMaxRules) + " parameter rules");
    return;
  }
  // Names depend on num_layers and tie_embeddings only; empty when num_layers is invalid
  // (already reported), and then patterns cannot be judged.
  const std::vector<ParameterShape> names = llamaParameterShapes(c.spec());
  for (int i = 0; i < rules.size(); ++i) {
    if (!checkRule(c, i, rules[i]) || names.empty()) continue;
    bool matches = false;
    for (const ParameterShape &p : names)
      if ((matches = globMatch(rules[i].pattern(), p.name))) break;
    if (!matches)
      c.error("parameters[" + std::to_string(i) + "].pattern",
              quotedText(rules[i].pattern()) +
                  " matches no parameter of this model (names look like "
                  "\"model.layers.0.self_attn.q_proj.weight\"; `*` matches any run of characters)");
  }
}

}  // namespace loom::spec::detail
