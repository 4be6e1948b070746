//===- TinyModelTest.cpp - the tiny Llama on the reference interpreter -----===//
//
// Builds models/llama/tiny.textproto's module and checks its entry points
// against each other: finite logits, a loss of ln(260) for near-zero weights,
// @loss equal to the cross entropy of @forward's logits, and token-by-token
// @decode_step (from NaN-filled caches, and after @prefill of a prefix) equal
// to @forward on the whole sequence (issue 3's promise).
//
//===----------------------------------------------------------------------===//

#include "test/reference/TestUtil.h"

#include "codegen/reference/Philox.h"
#include "models/llama/LlamaBuilder.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <chrono>
#include <cmath>

using namespace mlir;
using namespace loom::reference;
using namespace loom::reference::testing;

namespace {

constexpr int64_t kBatch = 4, kSeq = 64, kVocab = 260;

class TinyModelTest : public InterpreterTest {
protected:
  void SetUp() override {
    std::string errors;
    auto spec = loom::spec::parseModelSpecFile(LOOM_SOURCE_DIR "/models/llama/tiny.textproto",
                                               errors);
    ASSERT_TRUE(spec) << errors;
    module = loom::models::buildLlamaModule(context, *spec);
    ASSERT_TRUE(module);
  }

  /// The parameters of @forward in order: "ones" as 1, "normal" as std·scale·N(0, 1).
  std::vector<Tensor> parameters(double scale) {
    auto fn = module->lookupSymbol<func::FuncOp>("forward");
    std::vector<Tensor> params;
    for (unsigned n = 0; n < fn.getNumArguments(); ++n) {
      if (!fn.getArgAttr(n, "loom.param"))
        continue;
      auto type = cast<RankedTensorType>(fn.getArgumentTypes()[n]);
      Tensor t = Tensor::zeros(type.getElementType(), type.getShape());
      auto init = fn.getArgAttrOfType<StringAttr>(n, "loom.init");
      auto std = fn.getArgAttrOfType<FloatAttr>(n, "loom.init_std");
      for (size_t k = 0; k < t.f.size(); ++k)
        t.f[k] = init && init.getValue() == "ones"
                     ? 1.0
                     : (std ? std.getValueAsDouble() : 0.02) * scale * normal53(1000 + n, k);
      params.push_back(std::move(t));
    }
    return params;
  }

  Tensor tokens(int64_t key) {
    Tensor t = Tensor::zeros(i64, {kBatch, kSeq});
    for (size_t k = 0; k < t.i.size(); ++k)
      t.i[k] = static_cast<int64_t>(uniform24(key, k) * kVocab);
    return t;
  }

  std::vector<Tensor> call(Interpreter &interp, llvm::StringRef fn, std::vector<Tensor> args) {
    std::string error;
    auto r = interp.run(fn, args, error);
    if (failed(r)) {
      ADD_FAILURE() << "@" << fn.str() << ": " << error;
      return {};
    }
    return *r;
  }

  static std::vector<Tensor> with(std::vector<Tensor> params, std::vector<Tensor> more) {
    for (Tensor &t : more)
      params.push_back(std::move(t));
    return params;
  }

  /// Runs @decode_step for positions [from, kSeq) of `toks` with `caches`,
  /// returning the largest |logit - forward logit|.
  double decodeAgainstForward(Interpreter &interp, const std::vector<Tensor> &params,
                              const Tensor &toks, const Tensor &forwardLogits, int64_t from,
                              std::vector<Tensor> caches) {
    double maxDiff = 0;
    for (int64_t p = from; p < kSeq; ++p) {
      Tensor token = Tensor::zeros(i64, {kBatch, 1}), position = Tensor::zeros(i64, {kBatch, 1});
      for (int64_t b = 0; b < kBatch; ++b) {
        token.i[b] = toks.i[b * kSeq + p];
        position.i[b] = p;
      }
      std::vector<Tensor> args = with(params, caches);
      args.push_back(token);
      args.push_back(position);
      std::vector<Tensor> out = call(interp, "decode_step", args);
      if (out.size() != 5)
        return INFINITY;
      for (int64_t b = 0; b < kBatch; ++b)
        for (int64_t v = 0; v < kVocab; ++v) {
          double d = std::fabs(out[0].f[b * kVocab + v] -
                               forwardLogits.f[(b * kSeq + p) * kVocab + v]);
          maxDiff = std::max(maxDiff, std::isnan(d) ? INFINITY : d);
        }
      caches.assign(std::make_move_iterator(out.begin() + 1), std::make_move_iterator(out.end()));
    }
    return maxDiff;
  }

  OwningOpRef<ModuleOp> module;
};

TEST_F(TinyModelTest, ForwardLogitsAreFiniteAndLossIsFast) {
  Interpreter interp(*module);
  std::vector<Tensor> params = parameters(1.0);
  std::vector<Tensor> logits = call(interp, "forward", with(params, {tokens(1)}));
  ASSERT_EQ(logits.size(), 1u);
  EXPECT_EQ(logits[0].shape, (std::vector<int64_t>{kBatch, kSeq, kVocab}));
  for (double x : logits[0].f)
    ASSERT_TRUE(std::isfinite(x));
  auto start = std::chrono::steady_clock::now();
  std::vector<Tensor> loss = call(interp, "loss", with(params, {tokens(1), tokens(2)}));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(loss.size(), 1u);
  std::cout << "[ tiny    ] @loss (F32, batch 4 x 64) in " << seconds * 1e3 << " ms, loss "
            << loss[0].f[0] << "\n";
  EXPECT_TRUE(std::isfinite(loss[0].f[0]));
  EXPECT_LT(seconds, 10.0); // "well under a second" on one core; generous for loaded CI
}

TEST_F(TinyModelTest, LossOfNearZeroWeightsIsLn260) {
  Interpreter interp(*module);
  std::vector<Tensor> loss =
      call(interp, "loss", with(parameters(1e-3), {tokens(3), tokens(4)}));
  ASSERT_EQ(loss.size(), 1u);
  EXPECT_NEAR(loss[0].f[0], std::log(260.0), 1e-4);
}

TEST_F(TinyModelTest, LossIsTheMeanCrossEntropyOfForwardIgnoringMinus100) {
  Interpreter interp(*module, {Precision::F64});
  std::vector<Tensor> params = parameters(1.0);
  Tensor toks = tokens(5), targets = tokens(6);
  for (size_t k = 0; k < targets.i.size(); k += 7)
    targets.i[k] = -100;
  std::vector<Tensor> logits = call(interp, "forward", with(params, {toks}));
  std::vector<Tensor> loss = call(interp, "loss", with(params, {toks, targets}));
  ASSERT_EQ(loss.size(), 1u);
  double sum = 0;
  int64_t kept = 0;
  for (int64_t t = 0; t < kBatch * kSeq; ++t) {
    if (targets.i[t] == -100)
      continue;
    const double *row = logits[0].f.data() + t * kVocab;
    double m = *std::max_element(row, row + kVocab), z = 0;
    for (int64_t v = 0; v < kVocab; ++v)
      z += std::exp(row[v] - m);
    sum += m + std::log(z) - row[targets.i[t]];
    ++kept;
  }
  EXPECT_NEAR(loss[0].f[0], sum / kept, 1e-12);
}

TEST_F(TinyModelTest, DecodeStepFromEmptyCachesEqualsForward) {
  Interpreter interp(*module, {Precision::F64});
  std::vector<Tensor> params = parameters(1.0);
  Tensor toks = tokens(7);
  std::vector<Tensor> logits = call(interp, "forward", with(params, {toks}));
  ASSERT_EQ(logits.size(), 1u);
  // Unwritten cache slots hold NaN: attention must never read a key it cannot see.
  Tensor empty = Tensor::floats(f32, {kBatch, kSeq, 2, 16},
                                std::vector<double>(kBatch * kSeq * 2 * 16, NAN));
  double maxDiff = decodeAgainstForward(interp, params, toks, logits[0], 0,
                                        {empty, empty, empty, empty});
  std::cout << "[ tiny    ] decode_step vs forward (F64): max |diff| = " << maxDiff << "\n";
  EXPECT_LE(maxDiff, 1e-9);
}

TEST_F(TinyModelTest, PrefillOfAPrefixThenDecodeEqualsForward) {
  Interpreter interp(*module, {Precision::F64});
  std::vector<Tensor> params = parameters(1.0);
  Tensor toks = tokens(8);
  std::vector<Tensor> logits = call(interp, "forward", with(params, {toks}));
  // @prefill sees the first 40 tokens and other tokens after them; causality
  // keeps the prefix's cache entries right, and decoding overwrites the rest.
  const int64_t prefix = 40;
  Tensor prompt = toks;
  for (int64_t b = 0; b < kBatch; ++b)
    for (int64_t p = prefix; p < kSeq; ++p)
      prompt.i[b * kSeq + p] = (toks.i[b * kSeq + p] + 17) % kVocab;
  std::vector<Tensor> pre = call(interp, "prefill", with(params, {prompt}));
  ASSERT_EQ(pre.size(), 5u);
  double prefillDiff = 0;
  for (int64_t b = 0; b < kBatch; ++b)
    for (int64_t p = 0; p < prefix; ++p)
      for (int64_t v = 0; v < kVocab; ++v)
        prefillDiff = std::max(prefillDiff, std::fabs(pre[0].f[(b * kSeq + p) * kVocab + v] -
                                                      logits[0].f[(b * kSeq + p) * kVocab + v]));
  EXPECT_LE(prefillDiff, 1e-12);
  double maxDiff = decodeAgainstForward(interp, params, toks, logits[0], prefix,
                                        {pre[1], pre[2], pre[3], pre[4]});
  EXPECT_LE(maxDiff, 1e-9);
}

TEST_F(TinyModelTest, F32AndF64AgreeClosely) {
  std::vector<Tensor> params = parameters(1.0);
  Interpreter f32Interp(*module), f64Interp(*module, {Precision::F64});
  // F64 sees the same f32-representable weights.
  for (Tensor &t : params)
    for (double &x : t.f)
      x = static_cast<float>(x);
  std::vector<Tensor> a = call(f32Interp, "loss", with(params, {tokens(9), tokens(10)}));
  std::vector<Tensor> b = call(f64Interp, "loss", with(params, {tokens(9), tokens(10)}));
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_NEAR(a[0].f[0], b[0].f[0], 1e-5);
  EXPECT_NE(a[0].f[0], b[0].f[0]); // f32 rounding happened
}

} // namespace
