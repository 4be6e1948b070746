// parseModelSpecText / parseModelSpecFile: protobuf's text parser with a location tree and an
// error collector, then the semantic checks (Validate.cpp).
#include "frontends/spec/SpecParser.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/text_format.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "frontends/spec/Diagnostics.h"
#include "frontends/spec/FieldHints.h"
#include "frontends/spec/SourceMap.h"
#include "frontends/spec/SyntaxContext.h"
#include "frontends/spec/Validate.h"

namespace loom::spec {

namespace {

// A spec is a few kilobytes; anything past this is not a spec (and protobuf's input streams
// take int sizes).
constexpr size_t kMaxSpecBytes = 16 << 20;

// Syntax errors and unknown fields, as protobuf reports them (0-based), located and explained.
class Collector : public google::protobuf::io::ErrorCollector {
 public:
  Collector(const detail::SourceText &text, detail::Diagnostics &diagnostics)
      : text_(text), diagnostics_(diagnostics) {}
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string &message) override {
    // protobuf points past a bad name (at the ':' after an unknown field); Loom points at it.
    size_t at = text_.offset(line, column), end = at;
    if (detail::Subject subject = detail::subjectOf(message); !subject.name.empty()) {
      size_t found = text_.text().rfind(subject.name, at);
      if (found != std::string_view::npos) {
        at = found;
        end = found + (subject.isField ? subject.name.size() : 0);
      }
    }
    // The path of the field written up to the error (the bad field's own name included).
    std::string field = detail::syntaxContext(text_.text().substr(0, end));
    std::string where = at >= text_.text().size() ? " (at the end of the file)" : "";
    diagnostics_.error(text_.at(at), (field.empty() ? "" : field + ": ") + message + where +
                                         detail::hintFor(message));
  }

 private:
  const detail::SourceText &text_;
  detail::Diagnostics &diagnostics_;
};

}  // namespace

std::optional<ParsedModelSpec> parseModelSpecText(std::string_view text, const std::string &fileName,
                                                  std::string &errors) {
  detail::SourceText source(text, fileName);
  detail::Diagnostics diagnostics;
  if (text.size() > kMaxSpecBytes) {
    diagnostics.error(source.at(0, 0), "the spec is " + std::to_string(text.size()) +
                                           " bytes; a spec is at most 16 MiB");
    diagnostics.appendTo(errors);
    return std::nullopt;
  }

  ParsedModelSpec parsed;
  parsed.file = fileName;
  google::protobuf::TextFormat::ParseInfoTree tree;
  Collector collector(source, diagnostics);
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  parser.WriteLocationsTo(&tree);
  google::protobuf::io::ArrayInputStream input(text.data(), static_cast<int>(text.size()));
  if (!parser.Parse(&input, &parsed.spec)) {
    if (diagnostics.empty()) diagnostics.error(source.at(0, 0), "the spec does not parse");
    diagnostics.appendTo(errors);
    return std::nullopt;
  }

  detail::collectLocations(parsed.spec, tree, source, "", parsed.locations);
  detail::checkAndDefault(parsed, diagnostics);
  if (!diagnostics.empty()) {
    diagnostics.appendTo(errors);
    return std::nullopt;
  }
  return parsed;
}

std::optional<ParsedModelSpec> parseModelSpecFile(const std::string &path, std::string &errors) {
  auto fail = [&](const std::string &why) -> std::optional<ParsedModelSpec> {
    detail::Diagnostics diagnostics;
    diagnostics.error({path, 1, 1}, why);
    diagnostics.appendTo(errors);
    return std::nullopt;
  };
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return fail(std::filesystem::exists(path, ec) ? "not a regular file"
                                                  : "cannot read the spec: no such file");
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return fail("cannot read the spec: " + ec.message());
  if (size > kMaxSpecBytes)
    return fail("the spec is " + std::to_string(size) + " bytes; a spec is at most 16 MiB");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return fail("cannot read the spec");
  return parseModelSpecText(text.str(), path, errors);
}

}  // namespace loom::spec
