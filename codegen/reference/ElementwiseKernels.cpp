//===- ElementwiseKernels.cpp - unary, binary, compare, select, cast, ... --===//
//
// Float math in double; integer math in uint64 (wrapping, no signed-overflow
// UB), wrapped to the element width at the op boundary. i1 holds 0 or 1 and
// compares, maxes and mins as an unsigned bit.
//
//===----------------------------------------------------------------------===//

#include "codegen/reference/Kernels.h"
#include "codegen/reference/Numerics.h"
#include "dialects/loom/IR/ShapeUtils.h"

#include <cmath>

using namespace mlir;
using namespace mlir::loom;

namespace loom::reference::detail {
namespace {

double sigmoid(double x) {
  // Both branches avoid exp overflow.
  if (x >= 0)
    return 1.0 / (1.0 + std::exp(-x));
  double e = std::exp(x);
  return e / (1.0 + e);
}

double unaryFloat(UnaryKind kind, double x) {
  constexpr double kSqrtHalf = 0.70710678118654752440, kSqrt2OverPi = 0.79788456080286535588;
  switch (kind) {
  case UnaryKind::neg: return -x;
  case UnaryKind::abs: return std::fabs(x);
  case UnaryKind::exp: return std::exp(x);
  case UnaryKind::log: return std::log(x);
  case UnaryKind::log1p: return std::log1p(x);
  case UnaryKind::expm1: return std::expm1(x);
  case UnaryKind::sqrt: return std::sqrt(x);
  case UnaryKind::rsqrt: return 1.0 / std::sqrt(x);
  case UnaryKind::reciprocal: return 1.0 / x;
  case UnaryKind::square: return x * x;
  case UnaryKind::tanh: return std::tanh(x);
  case UnaryKind::sigmoid: return sigmoid(x);
  case UnaryKind::silu: return x * sigmoid(x);
  case UnaryKind::gelu: return 0.5 * x * (1.0 + std::erf(x * kSqrtHalf));
  case UnaryKind::gelu_tanh:
    return 0.5 * x * (1.0 + std::tanh(kSqrt2OverPi * (x + 0.044715 * x * x * x)));
  case UnaryKind::relu: return std::isnan(x) ? x : (x > 0 ? x : 0.0);
  // log(1 + e^x) without overflow: x + log1p(e^-x) for positive x.
  case UnaryKind::softplus: return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
  case UnaryKind::sin: return std::sin(x);
  case UnaryKind::cos: return std::cos(x);
  case UnaryKind::erf: return std::erf(x);
  case UnaryKind::floor: return std::floor(x);
  case UnaryKind::ceil: return std::ceil(x);
  case UnaryKind::bit_not: break; // integer-only (verified)
  }
  return std::nan("");
}

int64_t unaryInt(UnaryKind kind, int64_t x) {
  uint64_t u = static_cast<uint64_t>(x);
  switch (kind) {
  case UnaryKind::neg: return static_cast<int64_t>(0 - u);
  case UnaryKind::abs: return x < 0 ? static_cast<int64_t>(0 - u) : x;
  case UnaryKind::square: return static_cast<int64_t>(u * u);
  case UnaryKind::relu: return x > 0 ? x : 0;
  case UnaryKind::bit_not: return static_cast<int64_t>(~u); // i1: wraps to logical not
  default: return 0; // float-only kinds (verified)
  }
}

double binaryFloat(BinaryKind kind, double a, double b) {
  switch (kind) {
  case BinaryKind::add: return a + b;
  case BinaryKind::sub: return a - b;
  case BinaryKind::mul: return a * b;
  case BinaryKind::div: return a / b;
  case BinaryKind::max: return maxPropagatingNaN(a, b);
  case BinaryKind::min: return minPropagatingNaN(a, b);
  case BinaryKind::pow: return std::pow(a, b);
  case BinaryKind::atan2: return std::atan2(a, b);
  default: return std::nan(""); // bitwise kinds are integer-only (verified)
  }
}

int64_t binaryInt(BinaryKind kind, int64_t a, int64_t b) {
  uint64_t x = static_cast<uint64_t>(a), y = static_cast<uint64_t>(b);
  switch (kind) {
  case BinaryKind::add: return static_cast<int64_t>(x + y);
  case BinaryKind::sub: return static_cast<int64_t>(x - y);
  case BinaryKind::mul: return static_cast<int64_t>(x * y);
  case BinaryKind::max: return a > b ? a : b;
  case BinaryKind::min: return a < b ? a : b;
  case BinaryKind::bit_and: return a & b;
  case BinaryKind::bit_or: return a | b;
  case BinaryKind::bit_xor: return a ^ b;
  default: return 0; // float-only kinds (verified)
  }
}

bool compareFloat(ComparePredicate p, double a, double b) {
  switch (p) {
  case ComparePredicate::eq: return a == b;
  case ComparePredicate::ne: return a != b; // true when either is NaN
  case ComparePredicate::lt: return a < b;
  case ComparePredicate::le: return a <= b;
  case ComparePredicate::gt: return a > b;
  case ComparePredicate::ge: return a >= b;
  }
  return false;
}

bool compareInt(ComparePredicate p, int64_t a, int64_t b) {
  switch (p) {
  case ComparePredicate::eq: return a == b;
  case ComparePredicate::ne: return a != b;
  case ComparePredicate::lt: return a < b;
  case ComparePredicate::le: return a <= b;
  case ComparePredicate::gt: return a > b;
  case ComparePredicate::ge: return a >= b;
  }
  return false;
}

/// y[n] = f(n) into y's storage, whichever kind it is.
template <typename Fn>
void fill(Tensor &y, Fn f) {
  if (y.isFloat())
    for (size_t n = 0; n < y.f.size(); ++n)
      y.f[n] = f(n);
  else
    for (size_t n = 0; n < y.i.size(); ++n)
      y.i[n] = f(n);
}

/// An elementwise op of two same-shaped operands: onFloats or onInts per pair.
template <typename FloatFn, typename IntFn>
LogicalResult mapPairs(OpEnv &env, Value lhs, Value rhs, FloatFn onFloats, IntFn onInts) {
  const Tensor &a = env.in(lhs), &b = env.in(rhs);
  if (failed(env.sameShape(a, b, "lhs", "rhs")))
    return failure();
  Tensor &y = env.out(0, a.shape);
  if (a.isFloat())
    fill(y, [&](size_t n) { return onFloats(a.f[n], b.f[n]); });
  else
    fill(y, [&](size_t n) { return onInts(a.i[n], b.i[n]); });
  return success();
}

/// As torch.remainder's kernel: the exact fmod, moved to the divisor's sign
/// (lhs - floor(lhs / rhs) · rhs would round twice).
double floorModFloat(double a, double b) {
  double r = std::fmod(a, b);
  return r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
}

int64_t floorModInt(int64_t a, int64_t b) {
  int64_t r = b == -1 ? 0 : a % b; // INT64_MIN % -1 overflows in C++
  return r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
}

} // namespace

LogicalResult runUnary(UnaryOp op, OpEnv &env) {
  const Tensor &x = env.in(op.getInput());
  Tensor &y = env.out(0, x.shape);
  UnaryKind kind = op.getKind();
  if (x.isFloat())
    for (size_t n = 0; n < x.f.size(); ++n)
      y.f[n] = unaryFloat(kind, x.f[n]);
  else
    for (size_t n = 0; n < x.i.size(); ++n)
      y.i[n] = unaryInt(kind, x.i[n]);
  return success();
}

LogicalResult runBinary(BinaryOp op, OpEnv &env) {
  BinaryKind kind = op.getKind();
  return mapPairs(
      env, op.getLhs(), op.getRhs(), [&](double a, double b) { return binaryFloat(kind, a, b); },
      [&](int64_t a, int64_t b) { return binaryInt(kind, a, b); });
}

LogicalResult runFloorMod(FloorModOp op, OpEnv &env) {
  const Tensor &divisor = env.in(op.getRhs());
  for (auto [n, m] : llvm::enumerate(divisor.i))
    if (m == 0)
      return env.fail("divides by zero at flat index " + llvm::Twine(n) +
                      " (integer floor_mod by 0 is undefined)");
  return mapPairs(env, op.getLhs(), op.getRhs(), floorModFloat, floorModInt);
}

LogicalResult runCompare(CompareOp op, OpEnv &env) {
  ComparePredicate p = op.getPredicate();
  return mapPairs(
      env, op.getLhs(), op.getRhs(), [&](double a, double b) { return compareFloat(p, a, b); },
      [&](int64_t a, int64_t b) { return compareInt(p, a, b); });
}

LogicalResult runSelect(SelectOp op, OpEnv &env) {
  const Tensor &c = env.in(op.getCondition());
  const Tensor &t = env.in(op.getOnTrue()), &f = env.in(op.getOnFalse());
  if (failed(env.sameShape(c, t, "condition", "on_true")) ||
      failed(env.sameShape(t, f, "on_true", "on_false")))
    return failure();
  Tensor &y = env.out(0, t.shape);
  if (t.isFloat())
    for (size_t n = 0; n < c.i.size(); ++n)
      y.f[n] = c.i[n] ? t.f[n] : f.f[n];
  else
    for (size_t n = 0; n < c.i.size(); ++n)
      y.i[n] = c.i[n] ? t.i[n] : f.i[n];
  return success();
}

LogicalResult runCast(CastOp op, OpEnv &env) {
  const Tensor &x = env.in(op.getInput());
  Tensor &y = env.out(0, x.shape);
  Type to = y.elementType;
  bool exact = env.precision() == Precision::F64;
  if (x.isFloat() && y.isFloat())
    y.f = x.f; // rounded to the result type at the op boundary
  else if (x.isFloat())
    for (size_t n = 0; n < x.f.size(); ++n)
      y.i[n] = castFloatToInt(x.f[n], to);
  else if (y.isFloat())
    for (size_t n = 0; n < x.i.size(); ++n)
      y.f[n] = exact ? static_cast<double>(x.i[n]) : castIntToFloat(x.i[n], to);
  else
    for (size_t n = 0; n < x.i.size(); ++n)
      y.i[n] = castIntToInt(x.i[n], to);
  return success();
}

LogicalResult runBroadcast(BroadcastOp op, OpEnv &env) {
  const Tensor &x = env.in(op.getInput());
  auto type = cast<RankedTensorType>(op.getType());
  int64_t rank = type.getRank();
  std::vector<int64_t> shape(rank), strides(rank, 0), inStrides = stridesOf(x.shape);
  std::vector<int64_t> fromOperand(rank, -1);
  for (auto [i, d] : llvm::enumerate(op.getDims()))
    fromOperand[d] = i;
  unsigned next = 0;
  for (int64_t d = 0; d < rank; ++d) {
    if (fromOperand[d] >= 0) {
      shape[d] = x.shape[fromOperand[d]];
      strides[d] = inStrides[fromOperand[d]];
    } else if (type.isDynamicDim(d)) {
      shape[d] = env.in(op.getDynamicDims()[next++]).i[0];
      int64_t bound = mlir::loom::dimsOf(type)[d].bound;
      if (shape[d] < 0 || shape[d] > bound)
        return env.fail("new dim " + llvm::Twine(d) + " gets size " + llvm::Twine(shape[d]) +
                        ", outside its bound [0, " + llvm::Twine(bound) + "]");
    } else {
      shape[d] = type.getDimSize(d);
    }
  }
  copyStrided(x, 0, strides, env.out(0, shape));
  return success();
}

} // namespace loom::reference::detail
