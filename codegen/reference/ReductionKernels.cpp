//===- ReductionKernels.cpp - reduce, argmax, cumsum ------------------------===//
//
// Fixed order (DESIGN.md §4): reductions visit the input in row-major order,
// so each output sums its elements in index order, in double (floats) or
// wrapping uint64 (integers). Float max and min propagate NaN. Reducing an
// empty dim gives the operation's identity: 0 for sum, NaN for mean (0/0), and
// for max/min -inf/+inf (floats) or the type's minimum/maximum (integers).
//
//===----------------------------------------------------------------------===//

#include "codegen/reference/Kernels.h"
#include "codegen/reference/Numerics.h"

#include <cmath>

using namespace mlir;
using namespace mlir::loom;

namespace loom::reference::detail {
namespace {

/// Calls visit(inputFlat, outputFlat) over the input in row-major order, where
/// the output drops (or keeps at extent 1) the `reduced` dims.
template <typename Visit>
void forEachReduced(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<bool> reduced, Visit visit) {
  int64_t rank = shape.size();
  llvm::SmallVector<int64_t, 8> outStride(rank, 0);
  int64_t stride = 1;
  for (int64_t d = rank - 1; d >= 0; --d)
    if (!reduced[d]) {
      outStride[d] = stride;
      stride *= shape[d];
    }
  forEachOffset(shape, outStride, visit);
}

} // namespace

LogicalResult runReduce(ReduceOp op, OpEnv &env) {
  const Tensor &x = env.in(op.getInput());
  int64_t rank = x.shape.size();
  llvm::SmallVector<bool, 8> reduced(rank, false);
  for (int64_t d : op.getDims())
    reduced[d] = true;
  std::vector<int64_t> shape;
  int64_t count = 1;
  for (int64_t d = 0; d < rank; ++d) {
    if (!reduced[d])
      shape.push_back(x.shape[d]);
    else if (op.getKeepDims())
      shape.push_back(1);
    if (reduced[d])
      count *= x.shape[d];
  }
  Tensor &y = env.out(0, shape);
  ReduceKind kind = op.getKind();
  if (x.isFloat()) {
    double init = kind == ReduceKind::max ? -INFINITY : kind == ReduceKind::min ? INFINITY : 0.0;
    std::fill(y.f.begin(), y.f.end(), init);
    double *acc = y.f.data();
    const double *in = x.f.data();
    switch (kind) {
    case ReduceKind::sum:
    case ReduceKind::mean:
      forEachReduced(x.shape, reduced, [&](int64_t i, int64_t o) { acc[o] += in[i]; });
      break;
    case ReduceKind::max:
      forEachReduced(x.shape, reduced, [&](int64_t i, int64_t o) { acc[o] = maxPropagatingNaN(acc[o], in[i]); });
      break;
    case ReduceKind::min:
      forEachReduced(x.shape, reduced, [&](int64_t i, int64_t o) { acc[o] = minPropagatingNaN(acc[o], in[i]); });
      break;
    }
    if (kind == ReduceKind::mean)
      for (double &v : y.f)
        v /= static_cast<double>(count);
    return success();
  }
  Type element = x.elementType;
  int64_t init = kind == ReduceKind::max ? minOf(element) : kind == ReduceKind::min ? maxOf(element) : 0;
  std::fill(y.i.begin(), y.i.end(), init);
  int64_t *acc = y.i.data();
  const int64_t *in = x.i.data();
  switch (kind) {
  case ReduceKind::sum:
  case ReduceKind::mean: // mean is float-only (verified)
    forEachReduced(x.shape, reduced, [&](int64_t i, int64_t o) {
      acc[o] = static_cast<int64_t>(static_cast<uint64_t>(acc[o]) + static_cast<uint64_t>(in[i]));
    });
    break;
  case ReduceKind::max:
    forEachReduced(x.shape, reduced, [&](int64_t i, int64_t o) { acc[o] = std::max(acc[o], in[i]); });
    break;
  case ReduceKind::min:
    forEachReduced(x.shape, reduced, [&](int64_t i, int64_t o) { acc[o] = std::min(acc[o], in[i]); });
    break;
  }
  return success();
}

LogicalResult runArgmax(ArgmaxOp op, OpEnv &env) {
  const Tensor &x = env.in(op.getInput());
  int64_t dim = static_cast<int64_t>(op.getDim());
  AxisView v = axisView(x.shape, dim);
  if (v.size == 0 && v.outer * v.inner > 0)
    return env.fail("reduces dim " + llvm::Twine(dim) + " of run-time size 0");
  std::vector<int64_t> shape = x.shape;
  shape.erase(shape.begin() + dim);
  Tensor &y = env.out(0, shape);
  for (int64_t o = 0; o < v.outer; ++o)
    for (int64_t i = 0; i < v.inner; ++i) {
      int64_t base = o * v.size * v.inner + i, best = 0;
      if (x.isFloat()) {
        // NaN is larger than every number; the first NaN wins; ties keep the first.
        double b = x.f[base];
        for (int64_t s = 1; s < v.size && !std::isnan(b); ++s) {
          double c = x.f[base + s * v.inner];
          if (std::isnan(c) || c > b) {
            b = c;
            best = s;
          }
        }
      } else {
        int64_t b = x.i[base];
        for (int64_t s = 1; s < v.size; ++s)
          if (x.i[base + s * v.inner] > b) {
            b = x.i[base + s * v.inner];
            best = s;
          }
      }
      y.i[o * v.inner + i] = best;
    }
  return success();
}

LogicalResult runCumsum(CumsumOp op, OpEnv &env) {
  const Tensor &x = env.in(op.getInput());
  AxisView v = axisView(x.shape, static_cast<int64_t>(op.getDim()));
  Tensor &y = env.out(0, x.shape);
  bool exclusive = op.getExclusive(), reverse = op.getReverse();
  for (int64_t o = 0; o < v.outer; ++o)
    for (int64_t i = 0; i < v.inner; ++i) {
      int64_t base = o * v.size * v.inner + i;
      double fs = 0.0;
      uint64_t is = 0;
      for (int64_t step = 0; step < v.size; ++step) {
        int64_t s = reverse ? v.size - 1 - step : step, at = base + s * v.inner;
        if (x.isFloat()) {
          if (!exclusive)
            fs += x.f[at];
          y.f[at] = fs;
          if (exclusive)
            fs += x.f[at];
        } else {
          if (!exclusive)
            is += static_cast<uint64_t>(x.i[at]);
          y.i[at] = static_cast<int64_t>(is);
          if (exclusive)
            is += static_cast<uint64_t>(x.i[at]);
        }
      }
    }
  return success();
}

} // namespace loom::reference::detail
