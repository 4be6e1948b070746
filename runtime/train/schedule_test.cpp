// The learning rate the log prints (AdamW.h's schedule) and the spec's training block reader.
#include "runtime/train/schedule.h"

#include <cmath>

#include <gtest/gtest.h>

namespace loom::rt {
namespace {

TEST(LearningRate, WarmupThenCosineToMinLr) {
  const LrSchedule s{/*lr=*/3e-3, /*min_lr=*/3e-4, /*warmup_steps=*/20, /*total_steps=*/300};
  EXPECT_DOUBLE_EQ(LearningRate(s, 0), 3e-3 / 20);
  EXPECT_DOUBLE_EQ(LearningRate(s, 9), 3e-3 * 10 / 20);
  EXPECT_DOUBLE_EQ(LearningRate(s, 19), 3e-3);
  EXPECT_DOUBLE_EQ(LearningRate(s, 20), 3e-3);                  // cos(0): the peak
  EXPECT_NEAR(LearningRate(s, 160), (3e-3 + 3e-4) / 2, 1e-15);  // halfway: the mean
  EXPECT_DOUBLE_EQ(LearningRate(s, 300), 3e-4);
  EXPECT_DOUBLE_EQ(LearningRate(s, 1000), 3e-4);  // progress is clamped at 1
  const LrSchedule constant{1e-3, 1e-3, 0, 10};
  for (int64_t t : {0, 5, 10, 50}) EXPECT_DOUBLE_EQ(LearningRate(constant, t), 1e-3);
}

TEST(SpecTraining, ReadsTheShippedTinySpec) {
  Result<SpecTraining> spec = ReadSpecTraining(LOOM_SOURCE_DIR "/models/llama/tiny.textproto");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_DOUBLE_EQ(spec->schedule.lr, 3e-3);
  EXPECT_DOUBLE_EQ(spec->schedule.min_lr, 3e-4);
  EXPECT_EQ(spec->schedule.warmup_steps, 20);
  EXPECT_EQ(spec->schedule.total_steps, 300);
  ASSERT_TRUE(spec->seed.has_value());
  EXPECT_EQ(*spec->seed, 1234u);
}

TEST(SpecTraining, SkipsOtherFieldsAndDefaults) {
  const char* text =
      "name: \"x\" # a comment with training { lr: 9 }\n"
      "transformer { rope { theta: 1e4 layout: HALF_SPLIT } dim: 64 }\n"
      "parameters: { pattern: '*' init: NORMAL std: 0.02 }\n"
      "list: [1, 2, 3]\n"
      "training: {\n  lr: 1e-3; total_steps: 10, beta2: 0.95\n}\n";
  Result<SpecTraining> spec = ParseSpecTraining(text, "t.textproto");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_DOUBLE_EQ(spec->schedule.lr, 1e-3);
  EXPECT_EQ(spec->schedule.min_lr, 0.0);
  EXPECT_EQ(spec->schedule.warmup_steps, 0);
  EXPECT_EQ(spec->schedule.total_steps, 10);
  EXPECT_FALSE(spec->seed.has_value());
}

TEST(SpecTraining, Errors) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"name: \"x\"\n", "t.textproto: no training block"},
      {"training { total_steps: 3 }", "t.textproto: training: lr is missing"},
      {"training { lr: 1e-3 }", "training: total_steps is missing"},
      {"\n\ntraining { lr: fast total_steps: 3 }", "t.textproto:3: training.lr: 'fast'"},
      {"training { lr: 1e-3 total_steps: 3 seed: -1 }", "training.seed: '-1'"},
      {"training { lr: 1e-3\n total_steps: 3", "t.textproto:2: training: missing '}'"},
      {"training { lr: 1 total_steps: 1 } training { lr: 1 total_steps: 1 }", "appears twice"},
      {"name: \"open", "t.textproto:1: unterminated string"},
  };
  for (const Case& c : cases) {
    Result<SpecTraining> spec = ParseSpecTraining(c.text, "t.textproto");
    ASSERT_FALSE(spec.ok()) << c.text;
    EXPECT_NE(spec.status().message().find(c.message), std::string::npos)
        << spec.status().message() << "\nexpected: " << c.message;
  }
  EXPECT_EQ(ReadSpecTraining("/nonexistent/spec.textproto").status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace loom::rt
