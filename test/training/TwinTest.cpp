//===- TwinTest.cpp - the tiny Llama's first 20 steps against PyTorch -----===//
//
// test/goldens/llama_tiny (scripts/goldens/make_llama_twin.py): the same
// initial weights and batches through a float64 PyTorch twin. Loom builds the
// spec in f64, compiles @grad_step and @apply_step, and runs them in the
// interpreter's F64 precision: every loss within 1e-8 relative, step 0's
// gradients and the parameters after one update within 1e-10.
//
//===----------------------------------------------------------------------===//

#include "test/training/TinyProgram.h"

#include "runtime/data/byte_corpus.h"
#include "runtime/io/npy.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace loom;

namespace {

const std::string kGoldens = LOOM_SOURCE_DIR "/test/goldens/llama_tiny/";

TEST(TwinTest, BatchesComeFromTheByteCorpusLoader) {
  auto batches = training::readSafetensors(kGoldens + "batches.safetensors");
  ASSERT_TRUE(batches.count("tokens"));
  rt::Result<rt::ByteCorpus> corpus = rt::ByteCorpus::Load(LOOM_SOURCE_DIR "/data/corpus/corpus.txt");
  ASSERT_TRUE(corpus.ok()) << corpus.status().ToString();
  const rt::HostTensor &tokens = batches.at("tokens"), &targets = batches.at("targets");
  for (int64_t t = 0; t < 20; ++t) {
    rt::Result<rt::ByteBatch> b = corpus->Batch(1234, t, 4, 64);
    ASSERT_TRUE(b.ok());
    for (int64_t e = 0; e < 4 * 64; ++e) {
      ASSERT_EQ(b->tokens[e], tokens.data_as<int64_t>()[t * 256 + e]) << "step " << t;
      ASSERT_EQ(b->targets[e], targets.data_as<int64_t>()[t * 256 + e]) << "step " << t;
    }
  }
}

TEST(TwinTest, FirstTwentyStepsMatchPyTorch) {
  training::TinyProgram program("f64", reference::Precision::F64);
  ASSERT_TRUE(program.ok());
  program.setParameters(training::readSafetensors(kGoldens + "init.safetensors"));
  auto batches = training::readSafetensors(kGoldens + "batches.safetensors");
  rt::Result<rt::HostTensor> losses = rt::ReadNpyFile(kGoldens + "losses.npy");
  ASSERT_TRUE(losses.ok()) << losses.status().ToString();
  const int64_t n = program.batch() * program.length();

  double worst = 0;
  for (int64_t t = 0; t < 20; ++t) {
    const int64_t *tok = batches.at("tokens").data_as<int64_t>() + t * n;
    const int64_t *tgt = batches.at("targets").data_as<int64_t>() + t * n;
    double loss = program.gradStep({tok, tok + n}, {tgt, tgt + n});
    double expected = losses->data_as<double>()[t];
    worst = std::max(worst, std::fabs(loss - expected) / std::fabs(expected));
    EXPECT_NEAR(loss, expected, 1e-8 * std::fabs(expected)) << "step " << t;
    if (t == 0) {
      auto golden = training::readSafetensors(kGoldens + "grads_step0.safetensors");
      for (size_t k = 0; k < program.table().size(); ++k) {
        reference::Tensor actual = program.gradient(k);
        auto expectedGrad = training::fromHost(golden.at(program.table()[k].name), actual.elementType);
        EXPECT_LE(training::relativeError(actual, expectedGrad, 1e-6), 1e-10)
            << "gradient of " << program.table()[k].name;
      }
    }
    auto [norm, skipped] = program.applyStep(t);
    EXPECT_FALSE(skipped) << "step " << t;
    EXPECT_TRUE(std::isfinite(norm));
    if (t == 0) {
      auto golden = training::readSafetensors(kGoldens + "params_step1.safetensors");
      for (size_t k = 0; k < program.table().size(); ++k) {
        reference::Tensor actual = program.parameter(k);
        auto expectedParam = training::fromHost(golden.at(program.table()[k].name), actual.elementType);
        EXPECT_LE(training::relativeError(actual, expectedParam, 1e-6), 1e-10)
            << "parameter " << program.table()[k].name << " after one step";
      }
    }
  }
  RecordProperty("worst_relative_loss_error", std::to_string(worst));
  std::printf("worst relative loss error over 20 steps: %.3e\n", worst);
}

} // namespace
