#include "frontends/spec/SourceMap.h"

#include <algorithm>

namespace loom::spec::detail {

namespace {
constexpr int kTabWidth = 8;  // google::protobuf::io::Tokenizer::kTabWidth
}  // namespace

SourceText::SourceText(std::string_view text, std::string file)
    : text_(text), file_(std::move(file)) {
  lineStarts_.push_back(0);
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') lineStarts_.push_back(i + 1);
}

size_t SourceText::offset(int line0, int column0) const {
  if (line0 < 0) return 0;
  size_t line = std::min<size_t>(static_cast<size_t>(line0), lineStarts_.size() - 1);
  size_t begin = lineStarts_[line];
  size_t end = line + 1 < lineStarts_.size() ? lineStarts_[line + 1] - 1 : text_.size();
  // Walk the line as the tokenizer did until its column reaches column0.
  int display = 0;
  size_t byte = begin;
  while (byte < end && display < column0) {
    display = text_[byte] == '\t' ? display + kTabWidth - display % kTabWidth : display + 1;
    ++byte;
  }
  return byte;
}

SourceLocation SourceText::at(size_t offset) const {
  offset = std::min(offset, text_.size());
  size_t line = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), offset) -
                lineStarts_.begin() - 1;
  return {file_, static_cast<int>(line) + 1, static_cast<int>(offset - lineStarts_[line]) + 1};
}

void collectLocations(const google::protobuf::Message &message,
                      const google::protobuf::TextFormat::ParseInfoTree &tree,
                      const SourceText &text, const std::string &prefix,
                      std::map<std::string, SourceLocation, std::less<>> &out) {
  using google::protobuf::FieldDescriptor;
  const auto *descriptor = message.GetDescriptor();
  const auto *reflection = message.GetReflection();
  for (int f = 0; f < descriptor->field_count(); ++f) {
    const FieldDescriptor *field = descriptor->field(f);
    std::string base = prefix.empty() ? field->name() : prefix + "." + field->name();
    bool isMessage = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    if (field->is_repeated()) {
      int count = reflection->FieldSize(message, field);
      for (int i = 0; i < count; ++i) {
        std::string path = base + "[" + std::to_string(i) + "]";
        auto location = tree.GetLocation(field, i);
        if (location.line >= 0) out[path] = text.at(location.line, location.column);
        if (!isMessage) continue;
        if (const auto *nested = tree.GetTreeForNested(field, i))
          collectLocations(reflection->GetRepeatedMessage(message, field, i), *nested, text, path,
                           out);
      }
      continue;
    }
    auto location = tree.GetLocation(field, -1);
    if (location.line >= 0) out[base] = text.at(location.line, location.column);
    if (isMessage && reflection->HasField(message, field))
      if (const auto *nested = tree.GetTreeForNested(field, -1))
        collectLocations(reflection->GetMessage(message, field), *nested, text, base, out);
  }
}

}  // namespace loom::spec::detail

namespace loom::spec {

SourceLocation ParsedModelSpec::locate(std::string_view path) const {
  // "parameters[1].std" -> "parameters[1]" -> "parameters" -> "" (the file).
  while (!path.empty()) {
    if (auto it = locations.find(path); it != locations.end()) return it->second;
    size_t cut = path.find_last_of(".[");
    path = cut == std::string_view::npos ? std::string_view() : path.substr(0, cut);
  }
  return {file, 1, 1};
}

}  // namespace loom::spec
