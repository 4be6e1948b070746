//===- ContractionKernels.cpp - matmul and linear ---------------------------===//
//
// Every product is a dot of two contiguous rows summed in index order (k = 0,
// 1, ...) in double, rounded once at the op boundary; integer products wrap.
// Operands are first brought to the layouts lhs [M, K] and rhs [N, K] so that
// the transposes cost one copy, not a strided inner loop.
//
//===----------------------------------------------------------------------===//

#include "codegen/reference/Kernels.h"

using namespace mlir;
using namespace mlir::loom;

namespace loom::reference::detail {
namespace {

double dot(const double *a, const double *b, int64_t k) {
  double s = 0.0;
  for (int64_t n = 0; n < k; ++n)
    s += a[n] * b[n];
  return s;
}

int64_t dot(const int64_t *a, const int64_t *b, int64_t k) {
  uint64_t s = 0;
  for (int64_t n = 0; n < k; ++n)
    s += static_cast<uint64_t>(a[n]) * static_cast<uint64_t>(b[n]);
  return static_cast<int64_t>(s);
}

double add(double a, double b) { return a + b; }
int64_t add(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

/// out[r, c] = dot(a[r, :], b[c, :]) (+ bias[c]) for `batches` stacked problems.
template <typename T>
void rowDots(const T *a, const T *b, const T *bias, int64_t batches, int64_t rows, int64_t cols,
             int64_t k, bool batchedB, T *out) {
  for (int64_t p = 0; p < batches; ++p) {
    const T *bp = b + (batchedB ? p * cols * k : 0);
    for (int64_t r = 0; r < rows; ++r) {
      const T *ar = a + (p * rows + r) * k;
      T *o = out + (p * rows + r) * cols;
      for (int64_t c = 0; c < cols; ++c)
        o[c] = bias ? add(dot(ar, bp + c * k, k), bias[c]) : dot(ar, bp + c * k, k);
    }
  }
}

/// `t` [..., r, c] with its last two dims swapped when `swap`.
Tensor lastTwoSwapped(const Tensor &t, bool swap) {
  if (!swap)
    return t;
  Tensor out;
  out.elementType = t.elementType;
  out.shape = t.shape;
  int64_t rank = t.shape.size();
  std::swap(out.shape[rank - 1], out.shape[rank - 2]);
  std::vector<int64_t> strides = stridesOf(t.shape);
  std::swap(strides[rank - 1], strides[rank - 2]);
  (t.isFloat() ? out.f.resize(t.f.size()) : out.i.resize(t.i.size()));
  copyStrided(t, 0, strides, out);
  return out;
}

} // namespace

LogicalResult runMatmul(MatmulOp op, OpEnv &env) {
  const Tensor &lhs = env.in(op.getLhs()), &rhs = env.in(op.getRhs());
  int64_t rank = lhs.shape.size();
  for (int64_t d = 0; d + 2 < rank; ++d)
    if (failed(env.sameSize(lhs.shape[d], rhs.shape[d], "batch dim " + llvm::Twine(d))))
      return failure();
  Tensor a = lastTwoSwapped(lhs, op.getTransposeLhs());  // [..., M, K]
  Tensor b = lastTwoSwapped(rhs, !op.getTransposeRhs()); // [..., N, K]
  int64_t m = a.shape[rank - 2], k = a.shape[rank - 1], n = b.shape[rank - 2];
  if (failed(env.sameSize(k, b.shape[rank - 1], "contraction dim")))
    return failure();
  std::vector<int64_t> shape(lhs.shape.begin(), lhs.shape.end() - 2);
  int64_t batches = 1;
  for (int64_t s : shape)
    batches *= s;
  shape.push_back(m);
  shape.push_back(n);
  Tensor &out = env.out(0, shape);
  if (a.isFloat())
    rowDots<double>(a.f.data(), b.f.data(), nullptr, batches, m, n, k, true, out.f.data());
  else
    rowDots<int64_t>(a.i.data(), b.i.data(), nullptr, batches, m, n, k, true, out.i.data());
  return success();
}

LogicalResult runLinear(LinearOp op, OpEnv &env) {
  const Tensor &x = env.in(op.getInput()), &w = env.in(op.getWeight());
  int64_t in = w.shape[1], outFeatures = w.shape[0];
  if (failed(env.sameSize(x.shape.back(), in, "input features vs the weight's in-features")))
    return failure();
  const Tensor *bias = op.getBias() ? &env.in(op.getBias()) : nullptr;
  if (bias && failed(env.sameSize(bias->shape[0], outFeatures, "bias vs out-features")))
    return failure();
  std::vector<int64_t> shape = x.shape;
  shape.back() = outFeatures;
  int64_t rows = 1;
  for (size_t d = 0; d + 1 < x.shape.size(); ++d)
    rows *= x.shape[d];
  Tensor &out = env.out(0, shape);
  if (x.isFloat())
    rowDots<double>(x.f.data(), w.f.data(), bias ? bias->f.data() : nullptr, 1, rows,
                    outFeatures, in, false, out.f.data());
  else
    rowDots<int64_t>(x.i.data(), w.i.data(), bias ? bias->i.data() : nullptr, 1, rows,
                     outFeatures, in, false, out.i.data());
  return success();
}

} // namespace loom::reference::detail
