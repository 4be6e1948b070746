//===- ElementwiseVJP.cpp - VJPs of unary, binary, select, cast, broadcast -===//
//
// Derivatives at kinks (abs and relu at 0, max/min at ties) follow the
// left/first-operand convention stated per case; the dot-product tests keep
// inputs away from them.
//
//===----------------------------------------------------------------------===//

#include "dialects/loom/IR/VJPBuilder.h"

#include <cmath>

using namespace mlir;
using namespace mlir::loom;

/// dy · f'(x) for y = f(x); `y` is the forward result.
static Value unaryDerivative(VJPBuilder &v, UnaryKind kind, Value x, Value y, Value dy) {
  switch (kind) {
  case UnaryKind::neg:
    return v.neg(dy);
  case UnaryKind::abs: // sign(x), with sign(0) = +1
    return v.select(v.compare(ComparePredicate::lt, x, v.zerosLike(x)), v.neg(dy), dy);
  case UnaryKind::exp:
    return v.mul(dy, y);
  case UnaryKind::log:
    return v.div(dy, x);
  case UnaryKind::log1p:
    return v.div(dy, v.add(x, v.splatLike(x, 1.0)));
  case UnaryKind::expm1:
    return v.mul(dy, v.add(y, v.splatLike(y, 1.0)));
  case UnaryKind::sqrt: // 1 / (2 sqrt x)
    return v.div(v.scale(dy, 0.5), y);
  case UnaryKind::rsqrt: // −½ x^(−3/2) = −½ y / x
    return v.mul(v.scale(dy, -0.5), v.div(y, x));
  case UnaryKind::reciprocal: // −1/x² = −y²
    return v.neg(v.mul(dy, v.mul(y, y)));
  case UnaryKind::square:
    return v.mul(v.scale(dy, 2.0), x);
  case UnaryKind::tanh: // 1 − y²
    return v.mul(dy, v.sub(v.splatLike(y, 1.0), v.mul(y, y)));
  case UnaryKind::sigmoid: // y (1 − y)
    return v.mul(dy, v.mul(y, v.sub(v.splatLike(y, 1.0), y)));
  case UnaryKind::silu: { // s (1 + x (1 − s)), s = σ(x)
    Value s = v.unary(UnaryKind::sigmoid, x);
    Value one = v.splatLike(x, 1.0);
    return v.mul(dy, v.mul(s, v.add(one, v.mul(x, v.sub(one, s)))));
  }
  case UnaryKind::gelu: { // Φ(x) + x φ(x)
    Value phi = v.scale(v.add(v.splatLike(x, 1.0), v.unary(UnaryKind::erf, v.scale(x, M_SQRT1_2))), 0.5);
    Value density = v.scale(v.unary(UnaryKind::exp, v.scale(v.mul(x, x), -0.5)), 0.5 * M_2_SQRTPI * M_SQRT1_2);
    return v.mul(dy, v.add(phi, v.mul(x, density)));
  }
  case UnaryKind::gelu_tanh: { // ½(1 + t) + ½ x (1 − t²) c (1 + 3a x²), t = tanh(c (x + a x³))
    const double c = std::sqrt(2.0 / M_PI), a = 0.044715;
    Value x2 = v.mul(x, x);
    Value one = v.splatLike(x, 1.0);
    Value t = v.unary(UnaryKind::tanh, v.scale(v.add(x, v.scale(v.mul(x2, x), a)), c));
    Value left = v.scale(v.add(one, t), 0.5);
    Value inner = v.scale(v.add(one, v.scale(x2, 3.0 * a)), 0.5 * c);
    Value right = v.mul(v.mul(x, v.sub(one, v.mul(t, t))), inner);
    return v.mul(dy, v.add(left, right));
  }
  case UnaryKind::relu: // 1 for x > 0, else 0
    return v.select(v.compare(ComparePredicate::gt, x, v.zerosLike(x)), dy, v.zerosLike(dy));
  case UnaryKind::softplus:
    return v.mul(dy, v.unary(UnaryKind::sigmoid, x));
  case UnaryKind::sin:
    return v.mul(dy, v.unary(UnaryKind::cos, x));
  case UnaryKind::cos:
    return v.neg(v.mul(dy, v.unary(UnaryKind::sin, x)));
  case UnaryKind::erf: // 2/√π e^(−x²)
    return v.mul(dy, v.scale(v.unary(UnaryKind::exp, v.neg(v.mul(x, x))), M_2_SQRTPI));
  case UnaryKind::floor:
  case UnaryKind::ceil:
    return v.zerosLike(dy);
  case UnaryKind::bit_not:
    return {};
  }
  return {};
}

LogicalResult UnaryOp::buildVJP(OpBuilder &b, ValueRange cts, ArrayRef<bool> needed,
                                SmallVectorImpl<Value> &grads) {
  Value dy = firstOperandCotangent(*this, cts, needed, grads);
  if (!dy)
    return success();
  VJPBuilder v(b, *this);
  grads[0] = unaryDerivative(v, getKind(), getInput(), getResult(), dy);
  return success(grads[0] != nullptr);
}

LogicalResult BinaryOp::buildVJP(OpBuilder &b, ValueRange cts, ArrayRef<bool> needed,
                                 SmallVectorImpl<Value> &grads) {
  grads.assign((*this)->getNumOperands(), Value());
  Value dy = cotangent(cts, 0);
  if (!dy || !isFloatTensor(getLhs()))
    return success();
  VJPBuilder v(b, *this);
  Value x = getLhs(), y = getRhs(), z = getResult();
  auto both = [&](Value dx, Value dyy) {
    grads[0] = needed[0] ? dx : Value();
    grads[1] = needed[1] ? dyy : Value();
  };
  switch (getKind()) {
  case BinaryKind::add:
    both(dy, dy);
    break;
  case BinaryKind::sub:
    both(dy, needed[1] ? v.neg(dy) : Value());
    break;
  case BinaryKind::mul:
    both(needed[0] ? v.mul(dy, y) : Value(), needed[1] ? v.mul(dy, x) : Value());
    break;
  case BinaryKind::div: // d/dx = 1/y, d/dy = −z/y
    both(needed[0] ? v.div(dy, y) : Value(), needed[1] ? v.neg(v.div(v.mul(dy, z), y)) : Value());
    break;
  case BinaryKind::max:
  case BinaryKind::min: { // the first operand wins ties
    auto p = getKind() == BinaryKind::max ? ComparePredicate::ge : ComparePredicate::le;
    Value first = v.compare(p, x, y);
    Value zero = v.zerosLike(dy);
    both(needed[0] ? v.select(first, dy, zero) : Value(),
         needed[1] ? v.select(first, zero, dy) : Value());
    break;
  }
  case BinaryKind::pow: // d/dx = y x^(y−1) = y z / x, d/dy = z ln x
    both(needed[0] ? v.mul(dy, v.div(v.mul(y, z), x)) : Value(),
         needed[1] ? v.mul(dy, v.mul(z, v.unary(UnaryKind::log, x))) : Value());
    break;
  case BinaryKind::atan2: { // atan2(x, y): d/dx = y/(x²+y²), d/dy = −x/(x²+y²)
    Value r2 = v.add(v.mul(x, x), v.mul(y, y));
    both(needed[0] ? v.div(v.mul(dy, y), r2) : Value(),
         needed[1] ? v.neg(v.div(v.mul(dy, x), r2)) : Value());
    break;
  }
  default: // bitwise kinds are integer-only
    break;
  }
  return success();
}

LogicalResult FloorModOp::buildVJP(OpBuilder &b, ValueRange cts, ArrayRef<bool> needed,
                                   SmallVectorImpl<Value> &grads) {
  grads.assign((*this)->getNumOperands(), Value());
  Value dy = cotangent(cts, 0);
  if (!dy || !isFloatTensor(getLhs()))
    return success();
  VJPBuilder v(b, *this);
  // r = x − floor(x/y)·y: d/dx = 1, d/dy = −floor(x/y).
  if (needed[0])
    grads[0] = dy;
  if (needed[1])
    grads[1] = v.neg(v.mul(dy, v.unary(UnaryKind::floor, v.div(getLhs(), getRhs()))));
  return success();
}

LogicalResult SelectOp::buildVJP(OpBuilder &b, ValueRange cts, ArrayRef<bool> needed,
                                 SmallVectorImpl<Value> &grads) {
  grads.assign((*this)->getNumOperands(), Value());
  Value dy = cotangent(cts, 0);
  if (!dy || !isFloatTensor(getOnTrue()))
    return success();
  VJPBuilder v(b, *this);
  Value zero = v.zerosLike(dy);
  if (needed[1])
    grads[1] = v.select(getCondition(), dy, zero);
  if (needed[2])
    grads[2] = v.select(getCondition(), zero, dy);
  return success();
}

LogicalResult CastOp::buildVJP(OpBuilder &b, ValueRange cts, ArrayRef<bool> needed,
                               SmallVectorImpl<Value> &grads) {
  Value dy = firstOperandCotangent(*this, cts, needed, grads);
  if (!dy || !isFloatTensor(getResult()))
    return success(); // through an integer the derivative is zero
  VJPBuilder v(b, *this);
  grads[0] = v.cast(dy, getInput().getType().getElementType());
  return success();
}

LogicalResult BroadcastOp::buildVJP(OpBuilder &b, ValueRange cts, ArrayRef<bool> needed,
                                    SmallVectorImpl<Value> &grads) {
  Value dy = firstOperandCotangent(*this, cts, needed, grads);
  if (!dy)
    return success();
  VJPBuilder v(b, *this);
  SmallVector<int64_t> added;
  for (int64_t d = 0; d < getType().getRank(); ++d)
    if (!llvm::is_contained(getDims(), d))
      added.push_back(d);
  grads[0] = v.cast(v.sum(dy, added), getInput().getType().getElementType());
  return success();
}
