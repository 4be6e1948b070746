// What the semantic checks share: the spec being checked, where its fields are, and the
// error sink. Every message starts with the field's path, so it names the field.
#ifndef LOOM_FRONTENDS_SPEC_CHECKER_H_
#define LOOM_FRONTENDS_SPEC_CHECKER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "frontends/spec/Diagnostics.h"
#include "frontends/spec/SpecParser.h"

namespace loom::spec::detail {

class Checker {
 public:
  Checker(ParsedModelSpec &parsed, Diagnostics &diagnostics)
      : parsed_(parsed), diagnostics_(diagnostics) {}

  ModelSpec &spec() { return parsed_.spec; }
  bool stated(std::string_view path) const { return parsed_.stated(path); }

  // "PATH: MESSAGE" at PATH's location (or its nearest written ancestor's).
  void error(std::string_view path, const std::string &message) {
    diagnostics_.error(parsed_.locate(path), std::string(path) + ": " + message);
  }
  void missing(std::string_view path, const std::string &hint) {
    error(path, "missing; " + hint);
  }

  // An architecture number with no default: it must be written and > 0.
  bool requirePositive(std::string_view path, int64_t value) {
    if (!stated(path)) {
      missing(path, "the spec must state it");
      return false;
    }
    if (value <= 0) {
      error(path, "must be > 0, not " + std::to_string(value));
      return false;
    }
    return true;
  }
  // A real that must be written, finite and > 0 (NaN and infinity are refused).
  bool requirePositiveFinite(std::string_view path, double value);

 private:
  ParsedModelSpec &parsed_;
  Diagnostics &diagnostics_;
};

// The checks of `training`, with its defaults (ValidateTraining.cpp).
void checkTraining(Checker &checker);
// The checks of `parameters` (ValidateRules.cpp).
void checkParameterRules(Checker &checker);
// Sizes derived from a valid vocabulary and transformer; the activations too when the shape is
// valid (ValidateSizes.cpp).
void checkSizes(Checker &checker, bool shapeOk);

}  // namespace loom::spec::detail

#endif  // LOOM_FRONTENDS_SPEC_CHECKER_H_
