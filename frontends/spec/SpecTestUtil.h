// Helpers shared by the spec parser's tests.
#ifndef LOOM_FRONTENDS_SPEC_SPECTESTUTIL_H_
#define LOOM_FRONTENDS_SPEC_SPECTESTUTIL_H_

#include <sstream>
#include <string>
#include <vector>

namespace loom::spec::testing {

// A file of the source tree (models/llama/tiny.textproto, test/specs/...).
inline std::string sourcePath(const std::string &relative) {
  return std::string(LOOM_SOURCE_DIR) + "/" + relative;
}

// The error lines of an `errors` string, without their newlines.
inline std::vector<std::string> errorLines(const std::string &errors) {
  std::vector<std::string> lines;
  std::istringstream in(errors);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// A complete, valid spec in few lines, for tests that plant one mistake by replacing a string.
inline const char *const kSmallSpec = R"(family: LLAMA
vocabulary { kind: BLT_BYTES }
transformer {
  num_layers: 2 dim: 64 num_heads: 4 num_kv_heads: 2 ffn_hidden: 192 norm_eps: 1e-5
  rope { theta: 10000 layout: HALF_SPLIT }
}
shape { batch: 4 sequence: 64 }
)";

}  // namespace loom::spec::testing

#endif  // LOOM_FRONTENDS_SPEC_SPECTESTUTIL_H_
