#include "frontends/spec/Diagnostics.h"

#include <algorithm>
#include <cstdio>

namespace loom::spec::detail {

namespace {
// Appends `c` as is when it is printable ASCII, else as \xNN.
void appendPrintable(std::string &out, unsigned char c) {
  if (c >= 0x20 && c < 0x7f) {
    out += static_cast<char>(c);
    return;
  }
  char buffer[5];
  std::snprintf(buffer, sizeof buffer, "\\x%02x", c);
  out += buffer;
}
}  // namespace

void Diagnostics::error(SourceLocation location, std::string message) {
  // One error, one printable line: protobuf's messages echo the offending token, which may be a
  // newline or a stray byte of a binary file. Loom's own parts are ASCII (see quotedText).
  std::string clean;
  for (char c : message) {
    if (c == '\n' || c == '\t')
      clean += ' ';
    else
      appendPrintable(clean, static_cast<unsigned char>(c));
  }
  errors_.push_back({std::move(location), std::move(clean)});
}

void Diagnostics::appendTo(std::string &out) const {
  std::vector<const Entry *> sorted;
  for (const Entry &entry : errors_) sorted.push_back(&entry);
  std::stable_sort(sorted.begin(), sorted.end(), [](const Entry *a, const Entry *b) {
    return a->location.line != b->location.line ? a->location.line < b->location.line
                                                : a->location.column < b->location.column;
  });
  for (const Entry *entry : sorted) {
    const SourceLocation &at = entry->location;
    out += at.file + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) +
           ": error: " + entry->message + "\n";
  }
}

std::string quotedText(std::string_view text) {
  constexpr size_t kMaxShown = 64;
  std::string out = "\"";
  for (size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    if (text[i] == '"' || text[i] == '\\') out += '\\';
    appendPrintable(out, static_cast<unsigned char>(text[i]));
  }
  out += text.size() > kMaxShown ? "\"..." : "\"";
  return out;
}

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

}  // namespace loom::spec::detail
