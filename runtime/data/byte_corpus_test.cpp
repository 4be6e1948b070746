#include "runtime/data/byte_corpus.h"

#include <cmath>

#include <gtest/gtest.h>

namespace loom::rt {
namespace {

TEST(SplitMix64, KnownValues) {
  // splitmix64 seeded with 0: the first outputs of the reference generator (state += golden
  // gamma before mixing), as published with xoshiro's seeding code.
  EXPECT_EQ(SplitMix64(0), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(SplitMix64(0x9e3779b97f4a7c15ULL), 0x6e789e6aa1b965f4ULL);
}

TEST(ByteCorpus, BatchesAreBytesPlusFourAndShiftedTargets) {
  ByteCorpus corpus = ByteCorpus::FromBytes("abcdefghijklmnopqrstuvwxyz", "alphabet");
  Result<ByteBatch> batch = corpus.Batch(/*seed=*/7, /*step=*/3, /*batch=*/2, /*length=*/5);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  for (int64_t b = 0; b < 2; ++b) {
    const uint64_t offset = SplitMix64(7 + 3 * 2 + b) % (26 - 5 - 1);
    for (int64_t s = 0; s < 5; ++s) {
      EXPECT_EQ(batch->tokens[b * 5 + s], 'a' + static_cast<int64_t>(offset) + s + 4);
      EXPECT_EQ(batch->targets[b * 5 + s], batch->tokens[b * 5 + s] + 1);
    }
  }
}

TEST(ByteCorpus, SameStepSameBatch) {
  ByteCorpus corpus = ByteCorpus::FromBytes(std::string(1000, 'x') + "yz", "x");
  auto a = corpus.Batch(1, 5, 3, 8), b = corpus.Batch(1, 5, 3, 8);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->tokens, b->tokens);
}

TEST(ByteCorpus, RefusesShapesItCannotFill) {
  ByteCorpus corpus = ByteCorpus::FromBytes("short", "tiny");
  EXPECT_FALSE(corpus.Batch(0, 0, 1, 4).ok());
  EXPECT_FALSE(corpus.Batch(0, 0, 0, 2).ok());
  EXPECT_FALSE(corpus.Batch(0, -1, 1, 2).ok());
  Result<ByteBatch> bad = corpus.Batch(0, 0, 1, 10);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("tiny: 5 bytes cannot fill rows of 10 tokens"),
            std::string::npos)
      << bad.status().message();
}

TEST(ByteCorpus, UnigramEntropy) {
  EXPECT_DOUBLE_EQ(ByteCorpus::FromBytes("aaaa", "a").UnigramEntropyNats(), 0.0);
  EXPECT_NEAR(ByteCorpus::FromBytes("abab", "ab").UnigramEntropyNats(), std::log(2.0), 1e-15);
}

TEST(ByteCorpus, MissingFileIsAnError) {
  Result<ByteCorpus> corpus = ByteCorpus::Load("/nonexistent/corpus.txt");
  ASSERT_FALSE(corpus.ok());
  EXPECT_EQ(corpus.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace loom::rt
