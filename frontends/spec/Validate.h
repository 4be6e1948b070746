// The semantic checks of a parsed spec and its defaults (listed in SpecParser.h).
#ifndef LOOM_FRONTENDS_SPEC_VALIDATE_H_
#define LOOM_FRONTENDS_SPEC_VALIDATE_H_

#include "frontends/spec/Diagnostics.h"
#include "frontends/spec/SpecParser.h"

namespace loom::spec::detail {

// Fills absent fields that have a default into parsed.spec and reports every error in
// `diagnostics`, each located at the offending field (or, for a missing one, at its parent).
void checkAndDefault(ParsedModelSpec &parsed, Diagnostics &diagnostics);

}  // namespace loom::spec::detail

#endif  // LOOM_FRONTENDS_SPEC_VALIDATE_H_
