// The planted mistakes of test/specs: every error line, with its exact FILE:LINE:COL prefix and
// the field its message names.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "frontends/spec/SpecParser.h"
#include "frontends/spec/SpecTestUtil.h"

namespace loom::spec {
namespace {

using testing::errorLines;
using testing::sourcePath;

struct Expected {
  const char *location;  // "LINE:COL"
  const char *field;     // the path the message starts with
  const char *says;      // a phrase of the message
};

// file -> its errors, in file order.
const std::map<std::string, std::vector<Expected>> &planted() {
  static const std::map<std::string, std::vector<Expected>> table = {
      {"unknown_field.textproto",
       {{"6:3", "transformer.num_head", "has no field named \"num_head\". Did you mean \"num_heads\"?"}}},
      {"heads_not_dividing_width.textproto",
       {{"5:25", "transformer.num_heads", "6 does not divide transformer.dim (64)"}}},
      {"kv_heads_not_dividing_heads.textproto",
       {{"6:3", "transformer.num_kv_heads", "3 does not divide transformer.num_heads (4)"}}},
      {"bad_dims.textproto",
       {{"6:3", "transformer.dim", "must be > 0, not 0"},
        {"8:3", "transformer.ffn_hidden", "must be > 0, not -192"}}},
      {"std_on_ones_rule.textproto",
       {{"13:3", "parameters[1].std", "applies only to init NORMAL; this rule's init is ONES"}}},
      {"pattern_matches_nothing.textproto",
       {{"11:14", "parameters[1].pattern",
         "\"model.layers.*.attention.wq.weight\" matches no parameter of this model"}}},
      {"syntax_error.textproto", {{"6:12", "transformer.norm_eps", "Expected \":\", found \"1e-5\"."}}},
      {"wrong_vocabulary_size.textproto",
       {{"5:3", "vocabulary.size", "BLT_BYTES has 260 ids (4 special ids, then the 256 bytes), not 256"}}},
      {"odd_head_dim.textproto",
       {{"5:25", "transformer.num_heads", "48 / 16 = 3 is odd; RoPE rotates pairs of channels"}}},
      {"normal_without_std.textproto",
       {{"9:1", "parameters[0].std", "missing; init NORMAL needs std > 0"},
        {"10:53", "parameters[1].std", "must be finite and > 0 for init NORMAL, not -0.5"}}},
      {"special_ids_clash.textproto",
       {{"5:3", "vocabulary.pad_id", "32 is not a special id of BLT_BYTES"},
        {"7:3", "vocabulary.eos_id", "1 is used by both vocabulary.bos_id and vocabulary.eos_id"}}},
      {"unknown_enum_value.textproto",
       {{"6:31", "transformer.rope.layout",
         "Unknown enumeration value of \"ROTATE_HALF\" for field \"layout\". Values: INTERLEAVED, "
         "HALF_SPLIT."}}},
      {"missing_architecture.textproto",
       {{"5:1", "transformer.dim", "missing; the spec must state it"},
        {"5:1", "transformer.norm_eps", "missing; the spec must state it"},
        {"5:1", "transformer.rope", "missing; state theta and layout"},
        {"11:3", "shape.max_decode_length", "32 is shorter than shape.sequence (64)"}}},
      {"overflowing_dims.textproto",
       {{"5:1", "transformer", "the parameter count (* 8 bytes) does not fit in int64"},
        {"9:1", "shape", "does not fit in int64"}}},
  };
  return table;
}

TEST(PlantedErrors, EachFileReportsItsMistakesAtTheirFields) {
  for (const auto &[file, expected] : planted()) {
    SCOPED_TRACE(file);
    const std::string path = sourcePath("test/specs/" + file);
    std::string errors;
    EXPECT_FALSE(parseModelSpecFile(path, errors));
    auto lines = errorLines(errors);
    ASSERT_EQ(lines.size(), expected.size()) << errors;
    for (size_t i = 0; i < lines.size(); ++i) {
      const std::string prefix = path + ":" + expected[i].location + ": error: " +
                                 expected[i].field + ": ";
      EXPECT_EQ(lines[i].rfind(prefix, 0), 0u) << lines[i] << "\nexpected prefix: " << prefix;
      EXPECT_NE(lines[i].find(expected[i].says), std::string::npos) << lines[i];
    }
  }
}

// A planted file without expectations would test nothing.
TEST(PlantedErrors, EveryPlantedFileHasExpectations) {
  std::set<std::string> files;
  for (const auto &entry : std::filesystem::directory_iterator(sourcePath("test/specs")))
    if (entry.path().extension() == ".textproto") files.insert(entry.path().filename().string());
  std::set<std::string> covered;
  for (const auto &[file, expected] : planted()) covered.insert(file);
  EXPECT_EQ(files, covered);
}

}  // namespace
}  // namespace loom::spec
