//===- SoftmaxKernels.cpp - softmax, log_softmax, cross_entropy ------------===//
//
// Max-subtracted, in double, summing exp in index order. A row of -inf (or
// one holding NaN or +inf) gives NaN, as in PyTorch.
//
//===----------------------------------------------------------------------===//

#include "codegen/reference/Kernels.h"

#include <cmath>

using namespace mlir;
using namespace mlir::loom;

namespace loom::reference::detail {
namespace {

/// max and Σ exp(x - max) of `n` elements `stride` apart.
struct RowStats {
  double max, sum;
};

RowStats rowStats(const double *x, int64_t n, int64_t stride) {
  double m = -INFINITY;
  for (int64_t s = 0; s < n; ++s)
    m = x[s * stride] > m ? x[s * stride] : m;
  double sum = 0.0;
  for (int64_t s = 0; s < n; ++s)
    sum += std::exp(x[s * stride] - m);
  return {m, sum};
}

template <typename OpT>
LogicalResult runSoftmaxLike(OpT op, OpEnv &env, bool logarithm) {
  const Tensor &x = env.in(op.getInput());
  AxisView v = axisView(x.shape, static_cast<int64_t>(op.getDim()));
  Tensor &y = env.out(0, x.shape);
  for (int64_t o = 0; o < v.outer; ++o)
    for (int64_t i = 0; i < v.inner; ++i) {
      int64_t base = o * v.size * v.inner + i;
      RowStats st = rowStats(x.f.data() + base, v.size, v.inner);
      double logSum = std::log(st.sum);
      for (int64_t s = 0; s < v.size; ++s) {
        double z = x.f[base + s * v.inner] - st.max;
        y.f[base + s * v.inner] = logarithm ? z - logSum : std::exp(z) / st.sum;
      }
    }
  return success();
}

} // namespace

LogicalResult runSoftmax(SoftmaxOp op, OpEnv &env) { return runSoftmaxLike(op, env, false); }

LogicalResult runLogSoftmax(LogSoftmaxOp op, OpEnv &env) {
  return runSoftmaxLike(op, env, true);
}

LogicalResult runCrossEntropy(CrossEntropyOp op, OpEnv &env) {
  const Tensor &logits = env.in(op.getLogits()), &targets = env.in(op.getTargets());
  std::vector<int64_t> tokens(logits.shape.begin(), logits.shape.end() - 1);
  if (targets.shape != tokens)
    return env.fail("targets have run-time shape " + targets.describe() +
                    " but the logits' leading dims are " + Tensor::zeros(targets.elementType, tokens).describe());
  const Tensor *weights = op.getWeights() ? &env.in(op.getWeights()) : nullptr;
  if (weights && failed(env.sameShape(*weights, targets, "weights", "targets")))
    return failure();
  int64_t vocab = logits.shape.back(), ignore = static_cast<int64_t>(op.getIgnoreIndex());
  Tensor &loss = env.out(0, tokens);
  for (size_t t = 0; t < targets.i.size(); ++t) {
    int64_t target = targets.i[t];
    if (target == ignore)
      continue; // loss 0
    if (target < 0 || target >= vocab)
      return env.fail("target " + llvm::Twine(target) + " at flat index " + llvm::Twine(t) +
                      " is outside [0, " + llvm::Twine(vocab) + ") and is not ignore_index (" +
                      llvm::Twine(ignore) + ")");
    const double *row = logits.f.data() + t * vocab;
    RowStats st = rowStats(row, vocab, 1);
    double l = st.max + std::log(st.sum) - row[target];
    loss.f[t] = weights ? weights->f[t] * l : l;
  }
  return success();
}

} // namespace loom::reference::detail
