//===- SortKernels.cpp - top_k and sort -------------------------------------===//
//
// Stable sorts of index permutations, so equal values keep index order. NaN
// counts as larger than every number (ascending: last; descending and top_k:
// first), and NaNs are equal to each other, so they too keep index order.
//
//===----------------------------------------------------------------------===//

#include "codegen/reference/Kernels.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace mlir;
using namespace mlir::loom;

namespace loom::reference::detail {
namespace {

bool floatLess(double a, double b) {
  if (std::isnan(a))
    return false;
  return std::isnan(b) || a < b;
}

/// The stable order of `n` elements `stride` apart from `base`.
void sortedOrder(const Tensor &x, int64_t base, int64_t n, int64_t stride, bool descending,
                 std::vector<int64_t> &order) {
  order.resize(n);
  std::iota(order.begin(), order.end(), 0);
  auto at = [&](int64_t s) { return base + s * stride; };
  if (x.isFloat()) {
    const double *f = x.f.data();
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
      return descending ? floatLess(f[at(b)], f[at(a)]) : floatLess(f[at(a)], f[at(b)]);
    });
  } else {
    const int64_t *v = x.i.data();
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
      return descending ? v[at(b)] < v[at(a)] : v[at(a)] < v[at(b)];
    });
  }
}

void copyElement(const Tensor &from, int64_t src, Tensor &to, int64_t dst) {
  if (from.isFloat())
    to.f[dst] = from.f[src];
  else
    to.i[dst] = from.i[src];
}

} // namespace

LogicalResult runTopK(TopKOp op, OpEnv &env) {
  const Tensor &x = env.in(op.getInput());
  int64_t k = static_cast<int64_t>(op.getK()), n = x.shape.back();
  if (n < k) // the last dim is static (verified); kept for robustness
    return env.fail("k = " + llvm::Twine(k) + " exceeds the last dim's " + llvm::Twine(n));
  std::vector<int64_t> shape = x.shape;
  shape.back() = k;
  Tensor &values = env.out(0, shape);
  Tensor &indices = env.out(1, shape);
  int64_t rows = n ? x.numElements() / n : 0;
  std::vector<int64_t> order;
  for (int64_t r = 0; r < rows; ++r) {
    sortedOrder(x, r * n, n, 1, /*descending=*/true, order);
    for (int64_t j = 0; j < k; ++j) {
      copyElement(x, r * n + order[j], values, r * k + j);
      indices.i[r * k + j] = order[j];
    }
  }
  return success();
}

LogicalResult runSort(SortOp op, OpEnv &env) {
  const Tensor &x = env.in(op.getInput());
  AxisView v = axisView(x.shape, static_cast<int64_t>(op.getDim()));
  Tensor &values = env.out(0, x.shape);
  Tensor &perm = env.out(1, x.shape);
  std::vector<int64_t> order;
  for (int64_t o = 0; o < v.outer; ++o)
    for (int64_t i = 0; i < v.inner; ++i) {
      int64_t base = o * v.size * v.inner + i;
      sortedOrder(x, base, v.size, v.inner, op.getDescending(), order);
      for (int64_t s = 0; s < v.size; ++s) {
        copyElement(x, base + order[s] * v.inner, values, base + s * v.inner);
        perm.i[base + s * v.inner] = order[s];
      }
    }
  return success();
}

} // namespace loom::reference::detail
