// Where things are in a spec's text: protobuf's 0-based (line, column) turned into the 1-based
// locations Loom prints, and the table of every field the text writes, by path.
#ifndef LOOM_FRONTENDS_SPEC_SOURCEMAP_H_
#define LOOM_FRONTENDS_SPEC_SOURCEMAP_H_

#include <google/protobuf/text_format.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "frontends/spec/SpecParser.h"

namespace loom::spec::detail {

class SourceText {
 public:
  SourceText(std::string_view text, std::string file);

  // protobuf's tokenizer counts a tab as up to the next multiple of 8 columns; editors and
  // clang count bytes, so the column is converted back to bytes. Out-of-range positions (an
  // error at the end of input, line -1) are clamped into the text.
  SourceLocation at(int line0, int column0) const { return at(offset(line0, column0)); }
  // The same, through a byte offset into the text.
  size_t offset(int line0, int column0) const;
  SourceLocation at(size_t offset) const;

  std::string_view text() const { return text_; }
  const std::string &file() const { return file_; }

 private:
  std::string_view text_;
  std::string file_;
  std::vector<size_t> lineStarts_;
};

// Records in `out` the start of every field written in the text, under paths such as
// "transformer.rope.theta" and "parameters[2].pattern".
void collectLocations(const google::protobuf::Message &message,
                      const google::protobuf::TextFormat::ParseInfoTree &tree,
                      const SourceText &text, const std::string &prefix,
                      std::map<std::string, SourceLocation, std::less<>> &out);

}  // namespace loom::spec::detail

#endif  // LOOM_FRONTENDS_SPEC_SOURCEMAP_H_
