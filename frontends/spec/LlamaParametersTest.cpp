// The Hugging Face Llama parameter table: names, shapes, order, counts and the rule behind each.
#include <gtest/gtest.h>

#include <string>

#include "frontends/spec/LlamaLayout.h"
#include "frontends/spec/SpecParser.h"
#include "frontends/spec/SpecTestUtil.h"

namespace loom::spec {
namespace {

using testing::kSmallSpec;
using testing::sourcePath;

ParsedModelSpec parseOrDie(const std::string &text) {
  std::string errors;
  auto parsed = parseModelSpecText(text, "test.textproto", errors);
  EXPECT_TRUE(parsed) << errors;
  return parsed ? *parsed : ParsedModelSpec{};
}

ParsedModelSpec parseFileOrDie(const std::string &relative) {
  std::string errors;
  auto parsed = parseModelSpecFile(sourcePath(relative), errors);
  EXPECT_TRUE(parsed) << errors;
  return parsed ? *parsed : ParsedModelSpec{};
}

int64_t elements(const ParameterInfo &p) {
  int64_t n = 1;
  for (int64_t d : p.shape) n *= d;
  return n;
}

int64_t total(const std::vector<ParameterInfo> &table) {
  int64_t n = 0;
  for (const ParameterInfo &p : table) n += elements(p);
  return n;
}

// The count of a Llama from its numbers, written independently of the table.
int64_t llamaCount(int64_t V, int64_t D, int64_t L, int64_t H, int64_t KV, int64_t F, bool tied) {
  const int64_t kvDim = KV * (D / H);
  const int64_t layer = 2 * D + 2 * D * D + 2 * kvDim * D + 3 * D * F;
  return V * D * (tied ? 1 : 2) + L * layer + D;
}

TEST(LlamaParameters, TinyTableInHuggingFaceOrder) {
  ParsedModelSpec tiny = parseFileOrDie("models/llama/tiny.textproto");
  auto table = llamaParameters(tiny);
  ASSERT_EQ(table.size(), 1u + 2 * 9 + 2);
  using Shape = std::vector<int64_t>;
  const std::pair<std::string, Shape> expected[] = {
      {"model.embed_tokens.weight", {260, 64}},
      {"model.layers.0.input_layernorm.weight", {64}},
      {"model.layers.0.self_attn.q_proj.weight", {64, 64}},
      {"model.layers.0.self_attn.k_proj.weight", {32, 64}},  // 2 KV heads × head dim 16
      {"model.layers.0.self_attn.v_proj.weight", {32, 64}},
      {"model.layers.0.self_attn.o_proj.weight", {64, 64}},
      {"model.layers.0.post_attention_layernorm.weight", {64}},
      {"model.layers.0.mlp.gate_proj.weight", {192, 64}},
      {"model.layers.0.mlp.up_proj.weight", {192, 64}},
      {"model.layers.0.mlp.down_proj.weight", {64, 192}},
      {"model.layers.1.input_layernorm.weight", {64}},
  };
  for (size_t i = 0; i < std::size(expected); ++i) {
    EXPECT_EQ(table[i].name, expected[i].first);
    EXPECT_EQ(table[i].shape, expected[i].second) << table[i].name;
  }
  EXPECT_EQ(table[19].name, "model.norm.weight");
  EXPECT_EQ(table[19].shape, Shape{64});
  EXPECT_EQ(table[20].name, "lm_head.weight");
  EXPECT_EQ(table[20].shape, (Shape{260, 64}));

  // 2·16,640 (embeddings, lm_head) + 2 · 49,280 (layers) + 64 (final norm).
  EXPECT_EQ(total(table), 131904);
  EXPECT_EQ(total(table), llamaCount(260, 64, 2, 4, 2, 192, false));
}

TEST(LlamaParameters, TinyRulesGiveHuggingFaceInit) {
  auto table = llamaParameters(parseFileOrDie("models/llama/tiny.textproto"));
  for (const ParameterInfo &p : table) {
    bool norm = p.shape.size() == 1;
    EXPECT_EQ(p.init, norm ? ParameterRule::ONES : ParameterRule::NORMAL) << p.name;
    EXPECT_EQ(p.std, norm ? 0.0 : 0.02) << p.name;
    EXPECT_EQ(p.ruleIndex, norm ? 1 : 0) << p.name;
    EXPECT_FALSE(p.frozen) << p.name;
  }
}

TEST(LlamaParameters, Llama3ShapeCounts) {
  auto table = llamaParameters(parseFileOrDie("models/llama/llama3_8b.textproto"));
  ASSERT_EQ(table.size(), 1u + 32 * 9 + 2);
  const int64_t embeddings = 2 * 260 * 4096;  // embed_tokens and the untied lm_head
  // Llama 3 8B outside its embeddings: 32 layers × 218,112,000 + the final norm's 4,096.
  EXPECT_EQ(total(table) - embeddings, 6979588096);
  EXPECT_EQ(total(table), llamaCount(260, 4096, 32, 32, 8, 14336, false));
  // With Llama 3's own 128,256-token vocabulary the same formula gives the published 8.03B.
  EXPECT_EQ(llamaCount(128256, 4096, 32, 32, 8, 14336, false), 8030261248);

  // The example frozen mark: the embeddings, and nothing else.
  for (const ParameterInfo &p : table) {
    EXPECT_EQ(p.frozen, p.name == "model.embed_tokens.weight") << p.name;
    if (p.frozen) {
      EXPECT_EQ(p.ruleIndex, 2);
    }
  }
  EXPECT_EQ(table[2].shape, (std::vector<int64_t>{4096, 4096}));  // q_proj
  EXPECT_EQ(table[3].shape, (std::vector<int64_t>{1024, 4096}));  // k_proj: 8 KV heads × 128
}

TEST(LlamaParameters, TiedEmbeddingsHaveNoLmHead) {
  std::string text = kSmallSpec;
  text.replace(text.find("norm_eps"), 0, "tie_embeddings: true ");
  auto table = llamaParameters(parseOrDie(text));
  ASSERT_EQ(table.size(), 1u + 2 * 9 + 1);
  EXPECT_EQ(table.back().name, "model.norm.weight");
  EXPECT_EQ(total(table), llamaCount(260, 64, 2, 4, 2, 192, true));
}

TEST(LlamaParameters, DefaultsWithoutRules) {
  auto table = llamaParameters(parseOrDie(kSmallSpec));
  for (const ParameterInfo &p : table) {
    EXPECT_EQ(p.ruleIndex, -1) << p.name;
    EXPECT_EQ(p.init, p.shape.size() == 1 ? ParameterRule::ONES : ParameterRule::NORMAL);
    EXPECT_EQ(p.std, p.shape.size() == 1 ? 0.0 : 0.02);
  }
}

TEST(LlamaParameters, LastMatchingRuleWins) {
  auto table = llamaParameters(parseOrDie(std::string(kSmallSpec) + R"(
    parameters { pattern: "*proj.weight" init: NORMAL std: 0.5 }
    parameters { pattern: "model.layers.1.*" init: ZEROS frozen: true }
    parameters { pattern: "*.o_proj.*" init: NORMAL std: 0.01 }
  )"));
  auto find = [&](const std::string &name) {
    for (const ParameterInfo &p : table)
      if (p.name == name) return p;
    ADD_FAILURE() << name;
    return ParameterInfo{};
  };
  EXPECT_EQ(find("model.layers.0.self_attn.q_proj.weight").ruleIndex, 0);
  EXPECT_EQ(find("model.layers.0.self_attn.q_proj.weight").std, 0.5);
  EXPECT_EQ(find("model.layers.1.self_attn.q_proj.weight").init, ParameterRule::ZEROS);
  EXPECT_EQ(find("model.layers.1.self_attn.q_proj.weight").std, 0.0);
  EXPECT_TRUE(find("model.layers.1.input_layernorm.weight").frozen);
  EXPECT_EQ(find("model.layers.1.self_attn.o_proj.weight").ruleIndex, 2);
  EXPECT_FALSE(find("model.layers.1.self_attn.o_proj.weight").frozen);
  EXPECT_EQ(find("lm_head.weight").ruleIndex, -1);
}

TEST(LlamaParameters, GlobStarMatchesAnyRunIncludingDots) {
  using detail::globMatch;
  EXPECT_TRUE(globMatch("*", ""));
  EXPECT_TRUE(globMatch("*", "model.norm.weight"));
  EXPECT_TRUE(globMatch("model.*.weight", "model.layers.0.mlp.up_proj.weight"));
  EXPECT_TRUE(globMatch("*norm.weight", "model.norm.weight"));
  EXPECT_TRUE(globMatch("model.layers.1*", "model.layers.1.mlp.up_proj.weight"));
  EXPECT_TRUE(globMatch("model.layers.1*", "model.layers.12.mlp.up_proj.weight"));
  EXPECT_TRUE(globMatch("a**b", "ab"));
  EXPECT_FALSE(globMatch("model.norm", "model.norm.weight"));  // no implicit trailing *
  EXPECT_FALSE(globMatch("*.q_proj", "model.layers.0.self_attn.q_proj.weight"));
  EXPECT_FALSE(globMatch("model?norm.weight", "model.norm.weight"));  // ? is literal
  EXPECT_FALSE(globMatch("a*b*c", "aXbXd"));
}

TEST(LlamaParameters, UncheckedAbsurdLayerCountGivesEmptyTable) {
  ParsedModelSpec unchecked;
  unchecked.spec.mutable_transformer()->set_num_layers(int64_t{1} << 40);
  EXPECT_TRUE(llamaParameters(unchecked).empty());
}

}  // namespace
}  // namespace loom::spec
