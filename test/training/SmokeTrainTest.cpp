//===- SmokeTrainTest.cpp - 300 interpreter steps of the tiny Llama --------===//
//
// Tier 1: the compiled @grad_step/@apply_step of models/llama/tiny.textproto
// (f32, interpreter Precision::F32) trained for the spec's 300 steps on the
// shipped corpus, from the twin's initial weights and the ByteCorpus batches.
// The mean loss of the last 20 steps must be at least 0.5 nats below the
// corpus's byte-unigram entropy (computed here): the model learned context.
//
//===----------------------------------------------------------------------===//

#include "test/training/TinyProgram.h"

#include "runtime/data/byte_corpus.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

using namespace loom;

TEST(SmokeTrain, ThreeHundredStepsBeatTheUnigramEntropy) {
  auto start = std::chrono::steady_clock::now();
  training::TinyProgram program("f32", reference::Precision::F32);
  ASSERT_TRUE(program.ok());
  program.setParameters(training::readSafetensors(LOOM_SOURCE_DIR
                                                  "/test/goldens/llama_tiny/init.safetensors"));
  rt::Result<rt::ByteCorpus> corpus = rt::ByteCorpus::Load(LOOM_SOURCE_DIR "/data/corpus/corpus.txt");
  ASSERT_TRUE(corpus.ok()) << corpus.status().ToString();
  const double entropy = corpus->UnigramEntropyNats();

  const int64_t steps = 300, window = 20;
  double tail = 0, first = 0;
  int skipped = 0;
  for (int64_t t = 0; t < steps; ++t) {
    rt::Result<rt::ByteBatch> batch = corpus->Batch(1234, t, program.batch(), program.length());
    ASSERT_TRUE(batch.ok());
    double loss = program.gradStep(batch->tokens, batch->targets);
    ASSERT_TRUE(std::isfinite(loss)) << "step " << t;
    if (t == 0)
      first = loss;
    if (t >= steps - window)
      tail += loss / window;
    skipped += program.applyStep(t).second;
    if (t % 50 == 0 || t == steps - 1)
      std::printf("step %3lld  loss %.4f\n", static_cast<long long>(t), loss);
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("unigram entropy %.4f nats; first loss %.4f; mean of the last %lld steps %.4f "
              "(%.4f below the entropy); %d skipped steps; %.1f s\n",
              entropy, first, static_cast<long long>(window), tail, entropy - tail, skipped,
              seconds);
  EXPECT_EQ(skipped, 0);
  EXPECT_LE(tail, entropy - 0.5);
}
