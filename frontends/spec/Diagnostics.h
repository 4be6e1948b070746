// Errors about a spec, kept until all checks have run and then printed in file order, one line
// each: `FILE:LINE:COL: error: MESSAGE` (the form compilers use, so editors can jump to it).
#ifndef LOOM_FRONTENDS_SPEC_DIAGNOSTICS_H_
#define LOOM_FRONTENDS_SPEC_DIAGNOSTICS_H_

#include <string>
#include <string_view>
#include <vector>

#include "frontends/spec/SpecParser.h"

namespace loom::spec::detail {

class Diagnostics {
 public:
  void error(SourceLocation location, std::string message);
  bool empty() const { return errors_.empty(); }
  // Appends every error, ordered by line then column (ties keep the order they were found in).
  void appendTo(std::string &out) const;

 private:
  struct Entry {
    SourceLocation location;
    std::string message;
  };
  std::vector<Entry> errors_;
};

// A string from the spec, quoted and made printable for a message: control bytes and bytes
// outside ASCII as \xNN, and cut after 64 bytes, so that an error stays one readable line.
std::string quotedText(std::string_view text);
// A real from the spec in a message: "%g" (1e-05, 0.02, nan, inf).
std::string number(double value);

}  // namespace loom::spec::detail

#endif  // LOOM_FRONTENDS_SPEC_DIAGNOSTICS_H_
