#include "runtime/train/schedule.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "runtime/io/read_file.h"

namespace loom::rt {
namespace {

struct Token {
  std::string text;
  int line = 0;
  bool string = false;  // a quoted literal (its text without the quotes)
};

// Identifiers and numbers, quoted strings, and one-character punctuation; '#' comments dropped.
Result<std::vector<Token>> Tokenize(std::string_view text, const std::string& label) {
  std::vector<Token> tokens;
  int line = 1;
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      ++i;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '"' || c == '\'') {
      size_t j = i + 1;
      while (j < text.size() && text[j] != c && text[j] != '\n') j += text[j] == '\\' ? 2 : 1;
      if (j >= text.size() || text[j] != c) {
        return MakeStatus(StatusCode::kInvalidFormat, label, ":", line, ": unterminated string");
      }
      tokens.push_back({std::string(text.substr(i + 1, j - i - 1)), line, true});
      i = j + 1;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '+' ||
               c == '.') {
      size_t j = i + 1;
      while (j < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_' ||
              text[j] == '.' || ((text[j] == '-' || text[j] == '+') &&
                                 (text[j - 1] == 'e' || text[j - 1] == 'E')))) {
        ++j;
      }
      tokens.push_back({std::string(text.substr(i, j - i)), line, false});
      i = j;
    } else {
      tokens.push_back({std::string(1, c), line, false});
      ++i;
    }
  }
  return tokens;
}

class Reader {
 public:
  Reader(std::vector<Token> tokens, std::string label)
      : tokens_(std::move(tokens)), label_(std::move(label)) {}

  bool AtEnd() const { return at_ >= tokens_.size(); }
  const Token& Peek() const { return tokens_[at_]; }
  bool Is(const char* text) const { return !AtEnd() && !Peek().string && Peek().text == text; }
  Token Next() { return tokens_[at_++]; }
  int Line() const { return AtEnd() ? (tokens_.empty() ? 1 : tokens_.back().line) : Peek().line; }

  Status Error(const std::string& what) const {
    return MakeStatus(StatusCode::kInvalidFormat, label_, ":", Line(), ": ", what);
  }

  // A field name; then an optional ':' before a message, a required one before a scalar.
  Result<std::string> FieldName() {
    if (AtEnd() || Peek().string || !(std::isalpha(static_cast<unsigned char>(Peek().text[0])) ||
                                      Peek().text[0] == '_')) {
      return Error("expected a field name");
    }
    std::string name = Next().text;
    if (Is(":")) Next();
    return name;
  }

  // Skips one value: a scalar, a string (adjacent strings concatenate), a [list] or a {message}.
  Status SkipValue() {
    if (AtEnd()) return Error("expected a value");
    if (Is("{") || Is("<")) {
      const std::string close = Is("{") ? "}" : ">";
      Next();
      while (!Is(close.c_str())) {
        if (AtEnd()) return Error("missing '" + close + "'");
        LOOM_ASSIGN_OR_RETURN(std::string name, FieldName());
        (void)name;
        LOOM_RETURN_IF_ERROR(SkipValue());
        SkipSeparator();
      }
      Next();
      return OkStatus();
    }
    if (Is("[")) {
      Next();
      while (!Is("]")) {
        if (AtEnd()) return Error("missing ']'");
        LOOM_RETURN_IF_ERROR(SkipValue());
        if (Is(",")) Next();
      }
      Next();
      return OkStatus();
    }
    if (Peek().string) {
      while (!AtEnd() && Peek().string) Next();
      return OkStatus();
    }
    if (Is("}") || Is("]") || Is(":") || Is(",") || Is(";")) return Error("expected a value");
    Next();
    return OkStatus();
  }

  void SkipSeparator() {
    if (Is(",") || Is(";")) Next();
  }

 private:
  std::vector<Token> tokens_;
  std::string label_;
  size_t at_ = 0;
};

bool ParseDouble(const std::string& text, double* out) {
  errno = 0;
  char* end = nullptr;
  *out = std::strtod(text.c_str(), &end);
  return !text.empty() && *end == '\0' && errno == 0 && std::isfinite(*out);
}

bool ParseInt(const std::string& text, int64_t* out) {
  errno = 0;
  char* end = nullptr;
  long long value = std::strtoll(text.c_str(), &end, 10);
  *out = value;
  return !text.empty() && *end == '\0' && errno == 0;
}

bool ParseUint(const std::string& text, uint64_t* out) {
  errno = 0;
  char* end = nullptr;
  if (text.empty() || text[0] == '-') return false;
  unsigned long long value = std::strtoull(text.c_str(), &end, 10);
  *out = value;
  return *end == '\0' && errno == 0;
}

}  // namespace

double LearningRate(const LrSchedule& s, int64_t t) {
  const double step = static_cast<double>(t);
  const double warmup = static_cast<double>(s.warmup_steps);
  if (step < warmup) return s.lr / std::max(1.0, warmup) * (step + 1.0);
  const double progress =
      std::min(1.0, (step - warmup) / std::max(1.0, static_cast<double>(s.total_steps) - warmup));
  return s.min_lr + 0.5 * (s.lr - s.min_lr) * (1.0 + std::cos(progress * M_PI));
}

Result<SpecTraining> ParseSpecTraining(std::string_view text, const std::string& label) {
  LOOM_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(text, label));
  Reader reader(std::move(tokens), label);
  SpecTraining out;
  bool found = false, has_lr = false, has_total = false;
  while (!reader.AtEnd()) {
    LOOM_ASSIGN_OR_RETURN(std::string name, reader.FieldName());
    if (name != "training") {
      LOOM_RETURN_IF_ERROR(reader.SkipValue());
      reader.SkipSeparator();
      continue;
    }
    if (!reader.Is("{")) return reader.Error("training: expected '{'");
    if (found) return reader.Error("training: the block appears twice");
    found = true;
    reader.Next();
    while (!reader.Is("}")) {
      if (reader.AtEnd()) return reader.Error("training: missing '}'");
      LOOM_ASSIGN_OR_RETURN(std::string field, reader.FieldName());
      const bool known = field == "lr" || field == "min_lr" || field == "warmup_steps" ||
                         field == "total_steps" || field == "seed";
      if (!known) {
        LOOM_RETURN_IF_ERROR(reader.SkipValue());
        reader.SkipSeparator();
        continue;
      }
      if (reader.AtEnd() || reader.Peek().string) {
        return reader.Error("training." + field + ": expected a number");
      }
      const std::string value = reader.Next().text;
      bool ok = true;
      if (field == "lr") {
        ok = ParseDouble(value, &out.schedule.lr);
        has_lr = true;
      } else if (field == "min_lr") {
        ok = ParseDouble(value, &out.schedule.min_lr);
      } else if (field == "warmup_steps") {
        ok = ParseInt(value, &out.schedule.warmup_steps);
      } else if (field == "total_steps") {
        ok = ParseInt(value, &out.schedule.total_steps);
        has_total = true;
      } else {
        uint64_t seed = 0;
        ok = ParseUint(value, &seed);
        out.seed = seed;
      }
      if (!ok) return reader.Error("training." + field + ": '" + value + "' is not a valid number");
      reader.SkipSeparator();
    }
    reader.Next();
    reader.SkipSeparator();
  }
  if (!found) {
    return MakeStatus(StatusCode::kInvalidArgument, label,
                      ": no training block (the spec of a bundle that trains has one)");
  }
  if (!has_lr || !has_total) {
    return MakeStatus(StatusCode::kInvalidArgument, label, ": training: ",
                      has_lr ? "total_steps" : "lr", " is missing");
  }
  return out;
}

Result<SpecTraining> ReadSpecTraining(const std::string& path) {
  LOOM_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  return ParseSpecTraining(text, path);
}

}  // namespace loom::rt
