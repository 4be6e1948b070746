// The field a syntax error sits in. protobuf's parse errors say what token was wrong
// ('Expected ":", found "64".') but not in which field; a researcher wants "transformer.dim".
#ifndef LOOM_FRONTENDS_SPEC_SYNTAXCONTEXT_H_
#define LOOM_FRONTENDS_SPEC_SYNTAXCONTEXT_H_

#include <string>
#include <string_view>

namespace loom::spec::detail {

// Reads `textBefore` (the spec up to the error) as textproto tokens and returns the path of the
// field being written there, e.g. "transformer.dim" or "parameters[1].std" (indices only for
// repeated fields of ModelSpec's schema); between fields, the message they are in ("" at the
// top level).
std::string syntaxContext(std::string_view textBefore);

}  // namespace loom::spec::detail

#endif  // LOOM_FRONTENDS_SPEC_SYNTAXCONTEXT_H_
