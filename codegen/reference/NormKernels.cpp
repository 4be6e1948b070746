//===- NormKernels.cpp - rms_norm, layer_norm, their grads, rope -----------===//
//
// Row statistics in double over the last dim, summed in index order; results
// rounded at the op boundary (y to the input's type, mean and rstd to f32 or
// f64 as the op's result types say).
//
//===----------------------------------------------------------------------===//

#include "codegen/reference/Kernels.h"
#include "codegen/reference/Numerics.h"

#include <cmath>

using namespace mlir;
using namespace mlir::loom;

namespace loom::reference::detail {
namespace {

std::vector<int64_t> rowsShape(const Tensor &x) {
  return std::vector<int64_t>(x.shape.begin(), x.shape.end() - 1);
}

int64_t rowCount(const Tensor &x) { return checkedCount(rowsShape(x)).value_or(0); }

/// Checks an optional affine operand ([D]) and a statistics operand ([...]).
LogicalResult checkAffine(OpEnv &env, const Tensor *t, const Tensor &x, llvm::StringRef what) {
  if (!t)
    return success();
  return env.sameSize(t->shape[0], x.shape.back(), what + " vs the normalized dim");
}

LogicalResult checkRows(OpEnv &env, const Tensor &stat, const Tensor &x, llvm::StringRef what) {
  if (stat.shape == rowsShape(x))
    return success();
  return env.fail(what + " has run-time shape " + stat.describe() + ", not the input's rows");
}

} // namespace

LogicalResult runRmsNorm(RmsNormOp op, OpEnv &env) {
  const Tensor &x = env.in(op.getInput());
  const Tensor *w = op.getWeight() ? &env.in(op.getWeight()) : nullptr;
  if (failed(checkAffine(env, w, x, "weight")))
    return failure();
  double eps = op.getEpsilon().convertToDouble();
  int64_t d = x.shape.back(), rows = rowCount(x);
  Tensor &y = env.out(0, x.shape);
  Tensor &rstd = env.out(1, rowsShape(x));
  for (int64_t r = 0; r < rows; ++r) {
    const double *xr = x.f.data() + r * d;
    double ss = 0.0;
    for (int64_t c = 0; c < d; ++c)
      ss += xr[c] * xr[c];
    double s = 1.0 / std::sqrt(ss / static_cast<double>(d) + eps);
    rstd.f[r] = s;
    for (int64_t c = 0; c < d; ++c)
      y.f[r * d + c] = w ? xr[c] * s * w->f[c] : xr[c] * s;
  }
  return success();
}

LogicalResult runLayerNorm(LayerNormOp op, OpEnv &env) {
  const Tensor &x = env.in(op.getInput());
  const Tensor *w = op.getWeight() ? &env.in(op.getWeight()) : nullptr;
  const Tensor *b = op.getBias() ? &env.in(op.getBias()) : nullptr;
  if (failed(checkAffine(env, w, x, "weight")) || failed(checkAffine(env, b, x, "bias")))
    return failure();
  double eps = op.getEpsilon().convertToDouble();
  int64_t d = x.shape.back(), rows = rowCount(x);
  Tensor &y = env.out(0, x.shape);
  Tensor &mean = env.out(1, rowsShape(x));
  Tensor &rstd = env.out(2, rowsShape(x));
  for (int64_t r = 0; r < rows; ++r) {
    const double *xr = x.f.data() + r * d;
    double sum = 0.0, ss = 0.0;
    for (int64_t c = 0; c < d; ++c)
      sum += xr[c];
    double m = sum / static_cast<double>(d);
    for (int64_t c = 0; c < d; ++c)
      ss += (xr[c] - m) * (xr[c] - m); // two passes: the biased variance, stably
    double s = 1.0 / std::sqrt(ss / static_cast<double>(d) + eps);
    mean.f[r] = m;
    rstd.f[r] = s;
    for (int64_t c = 0; c < d; ++c) {
      double v = (xr[c] - m) * s;
      if (w)
        v *= w->f[c];
      if (b)
        v += b->f[c];
      y.f[r * d + c] = v;
    }
  }
  return success();
}

LogicalResult runRmsNormGrad(RmsNormGradOp op, OpEnv &env) {
  const Tensor &x = env.in(op.getInput()), &rstd = env.in(op.getRstd());
  const Tensor &g = env.in(op.getNormalizedGrad());
  if (failed(env.sameShape(g, x, "normalized_grad", "input")) ||
      failed(checkRows(env, rstd, x, "rstd")))
    return failure();
  int64_t d = x.shape.back(), rows = rowCount(x);
  Tensor &dx = env.out(0, x.shape);
  for (int64_t r = 0; r < rows; ++r) {
    const double *xr = x.f.data() + r * d, *gr = g.f.data() + r * d;
    double s = rstd.f[r], dotGX = 0.0;
    for (int64_t c = 0; c < d; ++c)
      dotGX += gr[c] * (xr[c] * s);
    double meanGX = dotGX / static_cast<double>(d);
    for (int64_t c = 0; c < d; ++c)
      dx.f[r * d + c] = s * (gr[c] - xr[c] * s * meanGX);
  }
  return success();
}

LogicalResult runLayerNormGrad(LayerNormGradOp op, OpEnv &env) {
  const Tensor &x = env.in(op.getInput()), &mean = env.in(op.getMean());
  const Tensor &rstd = env.in(op.getRstd()), &g = env.in(op.getNormalizedGrad());
  if (failed(env.sameShape(g, x, "normalized_grad", "input")) ||
      failed(checkRows(env, mean, x, "mean")) || failed(checkRows(env, rstd, x, "rstd")))
    return failure();
  int64_t d = x.shape.back(), rows = rowCount(x);
  Tensor &dx = env.out(0, x.shape);
  for (int64_t r = 0; r < rows; ++r) {
    const double *xr = x.f.data() + r * d, *gr = g.f.data() + r * d;
    double m = mean.f[r], s = rstd.f[r], sumG = 0.0, dotGX = 0.0;
    for (int64_t c = 0; c < d; ++c) {
      sumG += gr[c];
      dotGX += gr[c] * ((xr[c] - m) * s);
    }
    double meanG = sumG / static_cast<double>(d), meanGX = dotGX / static_cast<double>(d);
    for (int64_t c = 0; c < d; ++c)
      dx.f[r * d + c] = s * (gr[c] - meanG - (xr[c] - m) * s * meanGX);
  }
  return success();
}

LogicalResult runRope(RopeOp op, OpEnv &env) {
  const Tensor &x = env.in(op.getInput()), &pos = env.in(op.getPositions());
  if (pos.shape != std::vector<int64_t>{x.shape[0], x.shape[1]})
    return env.fail("positions have run-time shape " + pos.describe() + ", not [B, S] of " +
                    x.describe());
  int64_t heads = x.shape[2], d = x.shape[3], half = d / 2;
  double theta = op.getTheta().convertToDouble();
  bool interleaved = op.getLayout() == RopeLayout::interleaved;
  // "Angles computed in f32" (f64 for f64 input): in F32 precision the inverse
  // frequencies and the angles are rounded to f32 as such a kernel would.
  bool f32Angles = env.precision() == Precision::F32 && !x.elementType.isF64();
  Type f32 = Float32Type::get(x.elementType.getContext());
  auto angleRound = [&](double v) { return f32Angles ? roundToNearest(v, f32) : v; };
  std::vector<double> invFreq(half);
  for (int64_t j = 0; j < half; ++j)
    invFreq[j] = angleRound(std::pow(theta, -2.0 * static_cast<double>(j) / static_cast<double>(d)));
  Tensor &y = env.out(0, x.shape);
  std::vector<double> cosines(half), sines(half);
  for (int64_t t = 0; t < x.shape[0] * x.shape[1]; ++t) {
    double p = angleRound(static_cast<double>(pos.i[t]));
    for (int64_t j = 0; j < half; ++j) {
      double angle = angleRound(p * invFreq[j]);
      cosines[j] = std::cos(angle);
      sines[j] = std::sin(angle);
    }
    for (int64_t h = 0; h < heads; ++h) {
      int64_t base = (t * heads + h) * d;
      for (int64_t j = 0; j < half; ++j) {
        int64_t ia = base + (interleaved ? 2 * j : j);
        int64_t ib = base + (interleaved ? 2 * j + 1 : j + half);
        double a = x.f[ia], b = x.f[ib];
        y.f[ia] = a * cosines[j] - b * sines[j];
        y.f[ib] = a * sines[j] + b * cosines[j];
      }
    }
  }
  return success();
}

} // namespace loom::reference::detail
