// The parser on valid specs (defaults, locations) and on single planted mistakes written inline;
// the planted files of test/specs are in PlantedErrorsTest.cpp.
#include <gtest/gtest.h>

#include <string>

#include "frontends/spec/SpecParser.h"
#include "frontends/spec/SpecTestUtil.h"

namespace loom::spec {
namespace {

using testing::errorLines;
using testing::kSmallSpec;
using testing::sourcePath;

TEST(SpecParser, ShippedTinyParses) {
  std::string errors;
  auto parsed = parseModelSpecFile(sourcePath("models/llama/tiny.textproto"), errors);
  ASSERT_TRUE(parsed) << errors;
  EXPECT_EQ(errors, "");
  const ModelSpec &s = parsed->spec;
  EXPECT_EQ(s.name(), "llama-tiny");
  EXPECT_EQ(s.family(), ModelSpec::LLAMA);
  EXPECT_EQ(s.dtype(), "f32");
  EXPECT_EQ(s.vocabulary().size(), 260);
  EXPECT_EQ(s.transformer().num_layers(), 2);
  EXPECT_EQ(s.transformer().dim(), 64);
  EXPECT_EQ(s.transformer().num_kv_heads(), 2);
  EXPECT_EQ(s.transformer().rope().layout(), Rope::HALF_SPLIT);
  EXPECT_EQ(s.shape().max_decode_length(), 64);  // defaulted to the sequence
  EXPECT_FALSE(parsed->stated("shape.max_decode_length"));
}

TEST(SpecParser, ShippedLlama3ShapeParses) {
  std::string errors;
  auto parsed = parseModelSpecFile(sourcePath("models/llama/llama3_8b.textproto"), errors);
  ASSERT_TRUE(parsed) << errors;
  const ModelSpec &s = parsed->spec;
  EXPECT_EQ(s.dtype(), "bf16");
  EXPECT_EQ(s.transformer().rope().theta(), 500000);
  // The vocabulary states only its kind: size and special ids come from BLT_BYTES.
  EXPECT_EQ(s.vocabulary().size(), 260);
  EXPECT_EQ(s.vocabulary().pad_id(), 0);
  EXPECT_EQ(s.vocabulary().bos_id(), 1);
  EXPECT_EQ(s.vocabulary().eos_id(), 2);
  EXPECT_EQ(s.shape().max_decode_length(), 2048);
}

TEST(SpecParser, FillsDefaults) {
  std::string errors;
  auto parsed = parseModelSpecText(
      "family: LLAMA vocabulary { kind: BLT_BYTES }\n"
      "transformer { num_layers: 1 dim: 8 num_heads: 2 ffn_hidden: 16 norm_eps: 1e-6\n"
      "              rope { theta: 1e4 layout: INTERLEAVED } }\n"
      "shape { batch: 1 sequence: 8 }\n",
      "some/dir/minimal.textproto", errors);
  ASSERT_TRUE(parsed) << errors;
  const ModelSpec &s = parsed->spec;
  EXPECT_EQ(s.name(), "minimal");  // the file's stem
  EXPECT_EQ(s.dtype(), "f32");
  EXPECT_EQ(s.vocabulary().size(), 260);
  EXPECT_EQ(s.vocabulary().eos_id(), 2);
  EXPECT_EQ(s.transformer().num_kv_heads(), 2);  // = num_heads
  EXPECT_FALSE(s.transformer().tie_embeddings());
  EXPECT_EQ(s.shape().max_decode_length(), 8);
}

TEST(SpecParser, LocatesFieldsAndFallsBackToAncestors) {
  std::string errors;
  auto parsed = parseModelSpecText(std::string(kSmallSpec) +
                                       "parameters { pattern: \"*\" init: ONES }\n",
                                   "small.textproto", errors);
  ASSERT_TRUE(parsed) << errors;
  auto at = [&](const char *path) {
    SourceLocation l = parsed->locate(path);
    return l.file + ":" + std::to_string(l.line) + ":" + std::to_string(l.column);
  };
  EXPECT_EQ(at("transformer.num_heads"), "small.textproto:4:25");
  EXPECT_EQ(at("transformer.rope.layout"), "small.textproto:5:23");
  EXPECT_EQ(at("parameters[0].init"), "small.textproto:8:27");
  EXPECT_EQ(at("parameters[0].std"), "small.textproto:8:1");       // absent: its rule
  EXPECT_EQ(at("shape.max_decode_length"), "small.textproto:7:1");  // defaulted: its message
  EXPECT_EQ(at("parameters[3].pattern"), "small.textproto:1:1");    // no such rule: the file
  EXPECT_EQ(at(""), "small.textproto:1:1");
}

TEST(SpecParser, CountsATabAsOneColumn) {
  // protobuf's tokenizer puts a tab at the next multiple of 8; editors and clang count bytes.
  std::string text = kSmallSpec;
  text.replace(text.find("  num_layers"), 2, "\t");
  text.replace(text.find("num_heads: 4"), 12, "num_heads: 6");
  std::string errors;
  EXPECT_FALSE(parseModelSpecText(text, "tab.textproto", errors));
  EXPECT_EQ(errors, "tab.textproto:4:24: error: transformer.num_heads: 6 does not divide "
                    "transformer.dim (64)\n");
}

// One mistake planted in kSmallSpec by replacing `from` with `to` and appending `append`.
struct Planted {
  const char *from, *to, *append;
  const char *location;  // "LINE:COL"
  const char *message;   // what follows "error: "; starts with the field's path
};

class PlantedInline : public ::testing::TestWithParam<Planted> {};

TEST_P(PlantedInline, ReportsTheFieldAtItsLocation) {
  const Planted &p = GetParam();
  std::string text = kSmallSpec;
  size_t at = text.find(p.from);
  ASSERT_NE(at, std::string::npos) << p.from;
  text.replace(at, std::string(p.from).size(), p.to);
  text += p.append;
  std::string errors;
  EXPECT_FALSE(parseModelSpecText(text, "inline.textproto", errors));
  auto lines = errorLines(errors);
  ASSERT_EQ(lines.size(), 1u) << errors;
  EXPECT_EQ(lines[0], std::string("inline.textproto:") + p.location + ": error: " + p.message);
}

INSTANTIATE_TEST_SUITE_P(
    SpecParser, PlantedInline,
    ::testing::Values(
        Planted{"family: LLAMA", "", "", "1:1", "family: missing; set family: LLAMA"},
        Planted{"family: LLAMA", "family: FAMILY_UNSPECIFIED", "", "1:1",
                "family: Loom builds only LLAMA so far, not FAMILY_UNSPECIFIED"},
        Planted{"family: LLAMA", "family: 7", "", "1:1",
                "family: Loom builds only LLAMA so far, not 7"},
        Planted{"family: LLAMA", "name: \"\" family: LLAMA", "", "1:1",
                "name: must not be empty"},
        Planted{"family: LLAMA", "family: LLAMA dtype: \"fp16\"", "", "1:15",
                "dtype: \"fp16\" is not one of \"f32\", \"bf16\", \"f64\""},
        Planted{"kind: BLT_BYTES", "", "", "2:1", "vocabulary.kind: missing; set kind: BLT_BYTES"},
        Planted{"kind: BLT_BYTES", "kind: 5", "", "2:14",
                "vocabulary.kind: 5 is not a kind Loom knows (BLT_BYTES)"},
        Planted{"kind: BLT_BYTES", "kind: BLT_BYTES bos_id: -1", "", "2:30",
                "vocabulary.bos_id: -1 is not a special id of BLT_BYTES (0..3; 4..259 are bytes)"},
        Planted{"num_layers: 2", "num_layers: 5000", "", "4:3",
                "transformer.num_layers: 5000 exceeds Loom's limit of 4096 layers"},
        Planted{"num_kv_heads: 2", "num_kv_heads: 0", "", "4:38",
                "transformer.num_kv_heads: must be > 0, not 0"},
        Planted{"norm_eps: 1e-5", "norm_eps: 0", "", "4:70",
                "transformer.norm_eps: must be finite and > 0, not 0"},
        Planted{"norm_eps: 1e-5", "norm_eps: nan", "", "4:70",
                "transformer.norm_eps: must be finite and > 0, not nan"},
        Planted{"theta: 10000", "theta: -1", "", "5:10",
                "transformer.rope.theta: must be finite and > 0, not -1"},
        Planted{"theta: 10000", "theta: inf", "", "5:10",
                "transformer.rope.theta: must be finite and > 0, not inf"},
        Planted{"layout: HALF_SPLIT", "", "", "5:3",
                "transformer.rope.layout: missing; INTERLEAVED (Meta's reference, BLT) or "
                "HALF_SPLIT (Hugging Face checkpoints)"},
        Planted{"batch: 4", "batch: 0", "", "7:9", "shape.batch: must be > 0, not 0"},
        Planted{"sequence: 64", "", "", "7:1", "shape.sequence: missing; the spec must state it"},
        Planted{"sequence: 64", "sequence: 64 max_decode_length: 0", "", "7:31",
                "shape.max_decode_length: 0 is shorter than shape.sequence (64)"},
        Planted{"shape", "shape", "parameters { pattern: \"*\" }", "8:1",
                "parameters[0].init: missing; one of NORMAL, ZEROS, ONES"},
        Planted{"shape", "shape", "parameters { pattern: \"*\" init: 9 }", "8:27",
                "parameters[0].init: 9 is not NORMAL, ZEROS or ONES"},
        Planted{"shape", "shape", "parameters { pattern: \"\" init: ZEROS }", "8:14",
                "parameters[0].pattern: must not be empty (`*` matches every parameter)"},
        Planted{"shape", "shape", "parameters { pattern: \"*\" init: ZEROS std: 0 }", "8:39",
                "parameters[0].std: applies only to init NORMAL; this rule's init is ZEROS"},
        // A rule written in list form is located like any other.
        Planted{"shape", "shape",
                "parameters: [{ pattern: \"*\" init: ONES }, { pattern: \"lm*\" init: ONES std: 1 }]",
                "8:71", "parameters[1].std: applies only to init NORMAL; this rule's init is ONES"},
        // The training block: the learning rate and the step count are required.
        Planted{"shape", "shape", "training { lr: -1 total_steps: 10 }", "8:12",
                "training.lr: must be finite and > 0, not -1"},
        Planted{"shape", "shape", "training { lr: 1e-3 }", "8:1",
                "training.total_steps: missing; the spec must state it"},
        Planted{"shape", "shape", "training { lr: 1e-3 total_steps: 10 warmup_steps: 50 }", "8:37",
                "training.warmup_steps: 50 is more than training.total_steps (10)"},
        Planted{"shape", "shape", "training { lr: 1e-3 min_lr: 1e-2 total_steps: 10 }", "8:21",
                "training.min_lr: must be in [0, training.lr], not 0.01"},
        Planted{"shape", "shape", "training { lr: 1e-3 total_steps: 10 beta2: 1 }", "8:37",
                "training.beta2: must be in [0, 1), not 1"},
        Planted{"shape", "shape", "training { lr: 1e-3 total_steps: 10 clip_norm: -1 }", "8:37",
                "training.clip_norm: must be finite and >= 0 (0 disables clipping), not -1"},
        // Errors of protobuf's parser get the field's path too.
        Planted{"dim: 64", "dim: 99999999999999999999", "", "4:22",
                "transformer.dim: Integer out of range (99999999999999999999)"},
        Planted{"dim: 64", "dim: 64.5", "", "4:22",
                "transformer.dim: Expected integer, got: 64.5"},
        Planted{"family: LLAMA", "family: LLAMA dtype: 'f32' dtype: 'bf16'", "", "1:28",
                "dtype: Non-repeated field \"dtype\" is specified multiple times."},
        Planted{"shape", "shape", "colour: 1", "8:1",
                "colour: Message type \"loom.spec.ModelSpec\" has no field named \"colour\". Its "
                "fields: name, family, dtype, vocabulary, transformer, shape, parameters, training."},
        Planted{"}\nshape { batch: 4 sequence: 64 }\n", "", "", "6:1",
                "transformer: Expected identifier, got:  (at the end of the file)"}));

TEST(SpecParser, ReportsEveryErrorInFileOrder) {
  std::string text = kSmallSpec;
  text.replace(text.find("norm_eps: 1e-5"), 14, "norm_eps: -1");
  text.replace(text.find("batch: 4"), 8, "batch: -4");
  text.replace(text.find("dim: 64"), 7, "dim: 63");
  std::string errors;
  EXPECT_FALSE(parseModelSpecText(text, "many.textproto", errors));
  auto lines = errorLines(errors);
  ASSERT_EQ(lines.size(), 3u) << errors;
  EXPECT_EQ(lines[0].rfind("many.textproto:4:25: error: transformer.num_heads: 4 does not divide", 0), 0u);
  EXPECT_EQ(lines[1].rfind("many.textproto:4:70: error: transformer.norm_eps:", 0), 0u);
  EXPECT_EQ(lines[2].rfind("many.textproto:7:9: error: shape.batch:", 0), 0u);
}

TEST(SpecParser, AppendsToExistingErrors) {
  std::string errors = "earlier\n";
  EXPECT_FALSE(parseModelSpecText("family: LLAMA", "a.textproto", errors));
  EXPECT_EQ(errors.rfind("earlier\na.textproto:1:1: error: ", 0), 0u);
}

TEST(SpecParser, RefusesFilesItCannotRead) {
  std::string errors;
  EXPECT_FALSE(parseModelSpecFile(sourcePath("test/specs/no-such-file.textproto"), errors));
  EXPECT_EQ(errors, sourcePath("test/specs/no-such-file.textproto") +
                        ":1:1: error: cannot read the spec: no such file\n");
  errors.clear();
  EXPECT_FALSE(parseModelSpecFile(sourcePath("test/specs"), errors));
  EXPECT_EQ(errors, sourcePath("test/specs") + ":1:1: error: not a regular file\n");
}

}  // namespace
}  // namespace loom::spec
