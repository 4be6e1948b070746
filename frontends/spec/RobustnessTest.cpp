// No input crashes the parser or gives a malformed error: mutated specs, random bytes, extreme
// numbers. Deterministic (fixed seeds), a second or so.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <string>

#include "frontends/spec/SpecParser.h"
#include "frontends/spec/SpecTestUtil.h"

namespace loom::spec {
namespace {

using testing::errorLines;
using testing::sourcePath;

std::string tinyText() {
  std::ifstream in(sourcePath("models/llama/tiny.textproto"));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Parses `text` and checks the contract: success with no errors and a sane table, or failure
// with only well-formed error lines whose locations lie inside the text.
void checkContract(const std::string &text) {
  std::string errors;
  auto parsed = parseModelSpecText(text, "m.textproto", errors);
  if (parsed) {
    EXPECT_EQ(errors, "");
    int64_t total = 0;
    for (const ParameterInfo &p : llamaParameters(*parsed)) {
      int64_t n = 1;
      for (int64_t d : p.shape) {
        EXPECT_GT(d, 0) << p.name;
        ASSERT_FALSE(__builtin_mul_overflow(n, d, &n)) << p.name;
      }
      ASSERT_FALSE(__builtin_add_overflow(total, n, &total));
    }
    EXPECT_GT(total, 0);
    return;
  }
  static const std::regex kLine(R"(m\.textproto:([1-9][0-9]*):([1-9][0-9]*): error: [ -~]+)");
  auto lines = errorLines(errors);
  ASSERT_FALSE(lines.empty()) << "failed without an error\n" << text;
  auto textLines = errorLines(text + "\n");  // the same line split as the text's
  for (const std::string &line : lines) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, kLine)) << line;
    size_t row = std::stoul(m[1]), column = std::stoul(m[2]);
    ASSERT_LE(row, textLines.size() + 1) << line;
    size_t width = row <= textLines.size() ? textLines[row - 1].size() : 0;
    EXPECT_LE(column, width + 1) << line;
  }
}

TEST(SpecRobustness, MutatedSpecs) {
  const std::string tiny = tinyText();
  static const char kAlphabet[] = ":{}[]<>#\"'\\\t\n -.0123456789eEx_*,;abcNORMAL\0\xff\x80";
  const std::string alphabet(kAlphabet, sizeof kAlphabet - 1);  // the NUL included
  std::mt19937_64 rng(20240611);
  for (int round = 0; round < 3000; ++round) {
    std::string text = tiny;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      size_t at = rng() % text.size();
      switch (rng() % 4) {
        case 0: text[at] = alphabet[rng() % alphabet.size()]; break;
        case 1: text.erase(at, 1 + rng() % 8); break;
        case 2: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
        case 3: text.insert(at, text.substr(rng() % text.size(), rng() % 40)); break;
      }
    }
    SCOPED_TRACE(round);
    checkContract(text);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(SpecRobustness, RandomBytes) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 300; ++round) {
    std::string text(rng() % 600, '\0');
    for (char &c : text) c = static_cast<char>(rng());
    SCOPED_TRACE(round);
    checkContract(text);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(SpecRobustness, ExtremeNumbers) {
  const std::string tiny = tinyText();
  const char *values[] = {"0",    "-1",   "1",         "9223372036854775807", "-9223372036854775808",
                          "2147483648", "4294967297", "1e308", "-1e-308", "nan", "inf", "-inf",
                          "0x7fffffffffffffff", "1e999"};
  // Every number of the tiny spec in turn, replaced by each extreme.
  static const std::regex kNumber(R"(\b[0-9][0-9.e+-]*\b)");
  std::vector<std::pair<size_t, size_t>> spans;
  for (auto it = std::sregex_iterator(tiny.begin(), tiny.end(), kNumber); it != std::sregex_iterator();
       ++it)
    spans.emplace_back(it->position(), it->length());
  ASSERT_GT(spans.size(), 15u);
  for (auto [at, length] : spans) {
    for (const char *value : values) {
      std::string text = tiny;
      text.replace(at, length, value);
      SCOPED_TRACE(text.substr(at > 20 ? at - 20 : 0, 60));
      checkContract(text);
    }
  }
}

TEST(SpecRobustness, HugeAndEmptyInputs) {
  checkContract("");
  checkContract(std::string(1000, '{'));
  checkContract(std::string(100000, '\n'));
  std::string errors;
  EXPECT_FALSE(parseModelSpecText(std::string(17 << 20, ' '), "big.textproto", errors));
  EXPECT_EQ(errors, "big.textproto:1:1: error: the spec is 17825792 bytes; a spec is at most 16 MiB\n");
}

}  // namespace
}  // namespace loom::spec
