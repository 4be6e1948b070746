#include "runtime/io/npy_header.h"

#include <cctype>
#include <limits>

namespace loom::rt {
namespace {

class DictParser {
 public:
  DictParser(std::string_view text, const std::string& file, uint64_t file_offset)
      : text_(text), file_(file), file_offset_(file_offset) {}

  Result<NpyHeaderDict> Parse() {
    NpyHeaderDict dict;
    bool has_descr = false, has_fortran = false, has_shape = false;
    SkipSpace();
    if (!Consume('{')) return Error("expected '{' at the start of the header dict");
    while (true) {
      SkipSpace();
      if (Consume('}')) break;
      size_t key_pos = pos_;
      LOOM_ASSIGN_OR_RETURN(std::string key, ParseString());
      SkipSpace();
      if (!Consume(':')) return Error("expected ':' after key '" + key + "'");
      SkipSpace();
      bool* seen = key == "descr"           ? &has_descr
                   : key == "fortran_order" ? &has_fortran
                   : key == "shape"         ? &has_shape
                                            : nullptr;
      if (!seen) {
        pos_ = key_pos;
        return Error("unknown key '" + key +
                     "' (an npy header holds exactly 'descr', 'fortran_order' and 'shape')");
      }
      if (*seen) {
        pos_ = key_pos;
        return Error("duplicate key '" + key + "'");
      }
      *seen = true;
      if (key == "descr") {
        if (Peek() == '[') {
          return MakeStatus(StatusCode::kUnsupported, file_, ": structured dtype (a list descr) ",
                            "at file offset ", file_offset_ + pos_,
                            " is unsupported; Loom reads plain numeric arrays");
        }
        LOOM_ASSIGN_OR_RETURN(dict.descr, ParseString());
      } else if (key == "fortran_order") {
        LOOM_ASSIGN_OR_RETURN(dict.fortran_order, ParseBool());
      } else {
        LOOM_ASSIGN_OR_RETURN(dict.shape, ParseShape());
      }
      SkipSpace();
      if (Consume(',')) continue;
      if (Consume('}')) break;
      return Error("expected ',' or '}' after the value of '" + key + "'");
    }
    SkipSpace();
    if (pos_ != text_.size()) return Error("unexpected text after the closing '}'");
    if (!has_descr) return Error("missing key 'descr'");
    if (!has_fortran) return Error("missing key 'fortran_order'");
    if (!has_shape) return Error("missing key 'shape'");
    return dict;
  }

 private:
  Status Error(const std::string& what) const {
    return MakeStatus(StatusCode::kInvalidFormat, file_, ": malformed npy header dict at file offset ",
                      file_offset_ + pos_, ": ", what);
  }
  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool Consume(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  Result<std::string> ParseString() {
    char quote = Peek();
    if (quote != '\'' && quote != '"') return Error("expected a quoted string");
    ++pos_;
    size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      // numpy never writes escapes or newlines in these strings; refusing them keeps the
      // grammar small instead of re-implementing Python's string literal rules.
      if (text_[pos_] == '\\') return Error("escape sequences are not supported in header strings");
      if (text_[pos_] == '\n') return Error("unterminated string");
      ++pos_;
    }
    if (pos_ == text_.size()) return Error("unterminated string");
    std::string value(text_.substr(start, pos_ - start));
    ++pos_;
    return value;
  }

  Result<bool> ParseBool() {
    for (auto [word, value] : {std::pair<std::string_view, bool>{"True", true}, {"False", false}}) {
      if (text_.substr(pos_, word.size()) == word) {
        size_t end = pos_ + word.size();
        if (end < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[end])) ||
                                   text_[end] == '_')) {
          break;
        }
        pos_ = end;
        return value;
      }
    }
    return Error("'fortran_order' must be True or False");
  }

  Result<int64_t> ParseDim() {
    size_t start = pos_;
    uint64_t value = 0;
    constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
      uint64_t digit = static_cast<uint64_t>(text_[pos_] - '0');
      if (value > (kMax - digit) / 10) {
        pos_ = start;
        return Error("shape dim exceeds 2^63 - 1");
      }
      value = value * 10 + digit;
      ++pos_;
    }
    if (pos_ == start) return Error("shape dims must be non-negative integers");
    if (text_[start] == '0' && pos_ - start > 1) {
      pos_ = start;
      return Error("shape dim with a leading zero (not a Python int literal)");
    }
    return static_cast<int64_t>(value);
  }

  Result<Shape> ParseShape() {
    if (!Consume('(')) return Error("'shape' must be a tuple such as (2, 3) or (4,) or ()");
    Shape shape;
    SkipSpace();
    if (Consume(')')) return shape;
    while (true) {
      if (shape.size() == kNpyMaxRank) {
        return Error("shape has more than " + std::to_string(kNpyMaxRank) + " dims");
      }
      LOOM_ASSIGN_OR_RETURN(int64_t dim, ParseDim());
      shape.push_back(dim);
      SkipSpace();
      if (Consume(',')) {
        SkipSpace();
        if (Consume(')')) return shape;
        continue;
      }
      if (Consume(')')) {
        // In Python (3) is the int 3, not a tuple, and numpy refuses it.
        if (shape.size() == 1) return Error("'(N)' is not a tuple; a 1-d shape is written (N,)");
        return shape;
      }
      return Error("expected ',' or ')' in 'shape'");
    }
  }

  std::string_view text_;
  const std::string& file_;
  uint64_t file_offset_;
  size_t pos_ = 0;
};

}  // namespace

Result<NpyHeaderDict> ParseNpyHeaderDict(std::string_view text, const std::string& file,
                                         uint64_t file_offset) {
  return DictParser(text, file, file_offset).Parse();
}

std::string FormatNpyHeaderDict(std::string_view descr, const Shape& shape) {
  // Python's repr of a tuple: (), (4,), (2, 3).
  std::string tuple = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) tuple += ", ";
    tuple += std::to_string(shape[i]);
  }
  if (shape.size() == 1) tuple += ",";
  tuple += ")";
  std::string dict = "{'descr': '" + std::string(descr) +
                     "', 'fortran_order': False, 'shape': " + tuple + ", }";
  // numpy.lib.format pads so that the first dim can grow to 21 digits without moving the data
  // (GROWTH_AXIS_MAX_DIGITS); matching it makes our files byte-identical to numpy's.
  constexpr size_t kGrowthAxisMaxDigits = 21;
  if (!shape.empty()) {
    size_t digits = std::to_string(shape[0]).size();
    if (digits < kGrowthAxisMaxDigits) dict.append(kGrowthAxisMaxDigits - digits, ' ');
  }
  return dict;
}

}  // namespace loom::rt
