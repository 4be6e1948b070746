//===- LowerElementwise.cpp - elementwise loom ops to linalg.generic ------===//
//
// unary, binary, floor_mod, compare, select, cast, broadcast, iota, constant.
// The scalar formulas follow the reference interpreter's
// (codegen/reference/ElementwiseKernels.cpp, Numerics.cpp) operation by
// operation, so compiled f64 code agrees with it to the last bit or nearly.
//
//===----------------------------------------------------------------------===//

#include "passes/Lowering/LowerCommon.h"

#include <limits>

using namespace mlir;
using namespace mlir::loom;

namespace mlir::loom::lowering {
namespace {

Value binaryScalar(OpBuilder &b, Location loc, BinaryKind kind, Value x, Value y) {
  bool isFloat = isa<FloatType>(x.getType());
  switch (kind) {
  case BinaryKind::add: return isFloat ? Value(arith::AddFOp::create(b, loc, x, y)) : arith::AddIOp::create(b, loc, x, y);
  case BinaryKind::sub: return isFloat ? Value(arith::SubFOp::create(b, loc, x, y)) : arith::SubIOp::create(b, loc, x, y);
  case BinaryKind::mul: return isFloat ? Value(arith::MulFOp::create(b, loc, x, y)) : arith::MulIOp::create(b, loc, x, y);
  case BinaryKind::div: return arith::DivFOp::create(b, loc, x, y);
  case BinaryKind::max: return isFloat ? Value(arith::MaximumFOp::create(b, loc, x, y)) : arith::MaxSIOp::create(b, loc, x, y);
  case BinaryKind::min: return isFloat ? Value(arith::MinimumFOp::create(b, loc, x, y)) : arith::MinSIOp::create(b, loc, x, y);
  case BinaryKind::pow: return math::PowFOp::create(b, loc, x, y);
  case BinaryKind::atan2: return math::Atan2Op::create(b, loc, x, y);
  case BinaryKind::bit_and: return arith::AndIOp::create(b, loc, x, y);
  case BinaryKind::bit_or: return arith::OrIOp::create(b, loc, x, y);
  case BinaryKind::bit_xor: return arith::XOrIOp::create(b, loc, x, y);
  }
  return {};
}

/// σ(x) without exp overflow: 1/(1+e^-x) for x ≥ 0, e^x/(1+e^x) otherwise.
Value sigmoid(OpBuilder &b, Location loc, Value x) {
  Type t = x.getType();
  Value one = scalar(b, loc, t, 1.0), zero = scalar(b, loc, t, 0.0);
  Value pos = arith::DivFOp::create(
      b, loc, one,
      arith::AddFOp::create(b, loc, one,
                            math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x))));
  Value e = math::ExpOp::create(b, loc, x);
  Value neg = arith::DivFOp::create(b, loc, e, arith::AddFOp::create(b, loc, one, e));
  Value ge = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, x, zero);
  return arith::SelectOp::create(b, loc, ge, pos, neg);
}

Value unaryFloat(OpBuilder &b, Location loc, UnaryKind kind, Value x) {
  Type t = x.getType();
  auto c = [&](double v) { return scalar(b, loc, t, v); };
  auto mul = [&](Value p, Value q) { return Value(arith::MulFOp::create(b, loc, p, q)); };
  auto add = [&](Value p, Value q) { return Value(arith::AddFOp::create(b, loc, p, q)); };
  switch (kind) {
  case UnaryKind::neg: return arith::NegFOp::create(b, loc, x);
  case UnaryKind::abs: return math::AbsFOp::create(b, loc, x);
  case UnaryKind::exp: return math::ExpOp::create(b, loc, x);
  case UnaryKind::log: return math::LogOp::create(b, loc, x);
  case UnaryKind::log1p: return math::Log1pOp::create(b, loc, x);
  case UnaryKind::expm1: return math::ExpM1Op::create(b, loc, x);
  case UnaryKind::sqrt: return math::SqrtOp::create(b, loc, x);
  case UnaryKind::rsqrt: return arith::DivFOp::create(b, loc, c(1.0), math::SqrtOp::create(b, loc, x));
  case UnaryKind::reciprocal: return arith::DivFOp::create(b, loc, c(1.0), x);
  case UnaryKind::square: return mul(x, x);
  case UnaryKind::tanh: return math::TanhOp::create(b, loc, x);
  case UnaryKind::sigmoid: return sigmoid(b, loc, x);
  case UnaryKind::silu: return mul(x, sigmoid(b, loc, x));
  case UnaryKind::gelu:
    return mul(mul(c(0.5), x),
               add(c(1.0), math::ErfOp::create(b, loc, mul(x, c(0.70710678118654752440)))));
  case UnaryKind::gelu_tanh: {
    Value cube = mul(mul(mul(c(0.044715), x), x), x);
    Value inner = mul(c(0.79788456080286535588), add(x, cube));
    return mul(mul(c(0.5), x), add(c(1.0), math::TanhOp::create(b, loc, inner)));
  }
  case UnaryKind::relu: {
    // NaN stays NaN: x when x > 0 or unordered, else 0.
    Value keep = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UGT, x, c(0.0));
    return arith::SelectOp::create(b, loc, keep, x, c(0.0));
  }
  case UnaryKind::softplus: {
    Value pos = add(x, math::Log1pOp::create(
                           b, loc, math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x))));
    Value neg = math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, x));
    Value gt = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, c(0.0));
    return arith::SelectOp::create(b, loc, gt, pos, neg);
  }
  case UnaryKind::sin: return math::SinOp::create(b, loc, x);
  case UnaryKind::cos: return math::CosOp::create(b, loc, x);
  case UnaryKind::erf: return math::ErfOp::create(b, loc, x);
  case UnaryKind::floor: return math::FloorOp::create(b, loc, x);
  case UnaryKind::ceil: return math::CeilOp::create(b, loc, x);
  case UnaryKind::bit_not: return {};
  }
  return {};
}

/// Integer kinds wrap (two's complement).
Value unaryInt(OpBuilder &b, Location loc, UnaryKind kind, Value x) {
  Type t = x.getType();
  Value zero = scalar(b, loc, t, 0);
  switch (kind) {
  case UnaryKind::neg: return arith::SubIOp::create(b, loc, zero, x);
  case UnaryKind::abs: {
    Value neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, zero);
    return arith::SelectOp::create(b, loc, neg, arith::SubIOp::create(b, loc, zero, x), x);
  }
  case UnaryKind::square: return arith::MulIOp::create(b, loc, x, x);
  case UnaryKind::relu: return arith::MaxSIOp::create(b, loc, x, zero);
  case UnaryKind::bit_not:
    return arith::XOrIOp::create(b, loc, x, arith::ConstantOp::create(b, loc, IntegerAttr::get(t, -1)));
  default: return {};
  }
}

/// torch.remainder: the exact fmod moved to the divisor's sign.
Value floorModScalar(OpBuilder &b, Location loc, Value x, Value y) {
  Type t = x.getType();
  Value zero = scalar(b, loc, t, 0);
  Value r, rNonZero, rNeg, yNeg, sum;
  if (isa<FloatType>(t)) {
    r = arith::RemFOp::create(b, loc, x, y);
    rNonZero = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, r, zero);
    rNeg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, r, zero);
    yNeg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, y, zero);
    sum = arith::AddFOp::create(b, loc, r, y);
  } else {
    // y = -1 (MIN % -1 overflows) and y = 0 (undefined) divide by 1 instead:
    // no trap; the remainder by -1 is 0 as it should be.
    Value one = scalar(b, loc, t, 1);
    Value bad = arith::OrIOp::create(
        b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, y, zero),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, y,
                              arith::ConstantOp::create(b, loc, IntegerAttr::get(t, -1))));
    Value divisor = arith::SelectOp::create(b, loc, bad, one, y);
    r = arith::RemSIOp::create(b, loc, x, divisor);
    rNonZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, r, zero);
    rNeg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, r, zero);
    yNeg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, y, zero);
    sum = arith::AddIOp::create(b, loc, r, y);
  }
  Value differ = arith::XOrIOp::create(b, loc, rNeg, yNeg);
  Value move = arith::AndIOp::create(b, loc, rNonZero, differ);
  return arith::SelectOp::create(b, loc, move, sum, r);
}

Value compareScalar(OpBuilder &b, Location loc, ComparePredicate p, Value x, Value y) {
  if (isa<FloatType>(x.getType())) {
    // IEEE: ordered comparisons are false on NaN, ne is unordered (true on NaN).
    arith::CmpFPredicate f[] = {arith::CmpFPredicate::OEQ, arith::CmpFPredicate::UNE,
                                arith::CmpFPredicate::OLT, arith::CmpFPredicate::OLE,
                                arith::CmpFPredicate::OGT, arith::CmpFPredicate::OGE};
    return arith::CmpFOp::create(b, loc, f[static_cast<int>(p)], x, y);
  }
  arith::CmpIPredicate i[] = {arith::CmpIPredicate::eq,  arith::CmpIPredicate::ne,
                              arith::CmpIPredicate::slt, arith::CmpIPredicate::sle,
                              arith::CmpIPredicate::sgt, arith::CmpIPredicate::sge};
  return arith::CmpIOp::create(b, loc, i[static_cast<int>(p)], x, y);
}

} // namespace

/// CastOp's rules: float narrowing rounds to nearest even; float to integer
/// truncates and saturates, NaN giving 0, to i1 is x != 0; integer to i1 is
/// x != 0, i1 to a number 0 or 1; integers otherwise wrap.
Value castScalar(OpBuilder &b, Location loc, Value x, Type to) {
  Type from = x.getType();
  if (from == to)
    return x;
  auto fromFloat = dyn_cast<FloatType>(from), toFloat = dyn_cast<FloatType>(to);
  if (fromFloat && toFloat)
    return fromFloat.getWidth() < toFloat.getWidth() ? Value(arith::ExtFOp::create(b, loc, to, x))
                                                     : arith::TruncFOp::create(b, loc, to, x);
  if (!fromFloat && toFloat)
    return from.isInteger(1) ? Value(arith::UIToFPOp::create(b, loc, to, x))
                             : arith::SIToFPOp::create(b, loc, to, x);
  if (to.isInteger(1)) {
    if (fromFloat)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::ONE, x, scalar(b, loc, from, 0.0));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, scalar(b, loc, from, 0));
  }
  unsigned toBits = to.getIntOrFloatBitWidth();
  if (!fromFloat) {
    unsigned fromBits = from.getIntOrFloatBitWidth();
    if (fromBits < toBits)
      return from.isInteger(1) ? Value(arith::ExtUIOp::create(b, loc, to, x))
                               : arith::ExtSIOp::create(b, loc, to, x);
    return arith::TruncIOp::create(b, loc, to, x);
  }
  // Float to integer: trunc, saturate at the limits compared in the float
  // type (lo is a power of two; hi may round up, so >= saturates exactly the
  // values that do not fit), NaN to 0.
  int64_t lo = toBits >= 64 ? std::numeric_limits<int64_t>::min() : -(int64_t{1} << (toBits - 1));
  int64_t hi = toBits >= 64 ? std::numeric_limits<int64_t>::max() : (int64_t{1} << (toBits - 1)) - 1;
  Value t = math::TruncOp::create(b, loc, x);
  Value loF = scalar(b, loc, from, static_cast<double>(lo));
  Value hiF = scalar(b, loc, from, static_cast<double>(hi));
  Value loI = arith::ConstantOp::create(b, loc, IntegerAttr::get(to, lo));
  Value hiI = arith::ConstantOp::create(b, loc, IntegerAttr::get(to, hi));
  // fptosi only ever sees in-range values (0 stands in for the others).
  Value safe = arith::SelectOp::create(
      b, loc, arith::CmpFOp::create(b, loc, arith::CmpFPredicate::ULE, t, loF), scalar(b, loc, from, 0.0), t);
  safe = arith::SelectOp::create(
      b, loc, arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, t, hiF), scalar(b, loc, from, 0.0), safe);
  Value v = arith::FPToSIOp::create(b, loc, to, safe);
  v = arith::SelectOp::create(b, loc, arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE, t, loF), loI, v);
  v = arith::SelectOp::create(b, loc, arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, t, hiF), hiI, v);
  Value isNan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x);
  return arith::SelectOp::create(b, loc, isNan, scalar(b, loc, to, 0), v);
}

Lowered lowerElementwise(OpBuilder &b, Operation *op, Value &result) {
  Location loc = op->getLoc();
  if (auto c = dyn_cast<ConstantOp>(op)) {
    // A splat becomes a fill: as a dense constant, bufferization would emit
    // every element into the kernels .so (half a megabyte per AdamW constant).
    auto dense = dyn_cast<DenseElementsAttr>(c.getValue());
    auto type = cast<RankedTensorType>(c.getType());
    if (dense && dense.isSplat() && type.getNumElements() > 1) {
      Value scalar = arith::ConstantOp::create(b, loc, dense.getSplatValue<TypedAttr>());
      Value empty = tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
      result = linalg::FillOp::create(b, loc, scalar, empty).getResult(0);
    } else {
      result = arith::ConstantOp::create(b, loc, cast<TypedAttr>(c.getValue()));
    }
  } else if (auto u = dyn_cast<UnaryOp>(op)) {
    if (!u.getType().hasStaticShape())
      return notLowered(op, "a unary op of bounded dynamic shape");
    bool isFloat = isa<FloatType>(u.getType().getElementType());
    result = elementwise(b, loc, u.getType(), {u.getInput()},
                         [&](OpBuilder &nb, Location l, ValueRange a) {
                           return isFloat ? unaryFloat(nb, l, u.getKind(), a[0])
                                          : unaryInt(nb, l, u.getKind(), a[0]);
                         });
  } else if (auto bin = dyn_cast<BinaryOp>(op)) {
    result = elementwise(b, loc, bin.getType(), {bin.getLhs(), bin.getRhs()},
                         [&](OpBuilder &nb, Location l, ValueRange a) {
                           return binaryScalar(nb, l, bin.getKind(), a[0], a[1]);
                         });
  } else if (auto fm = dyn_cast<FloorModOp>(op)) {
    result = elementwise(b, loc, fm.getType(), {fm.getLhs(), fm.getRhs()},
                         [&](OpBuilder &nb, Location l, ValueRange a) {
                           return floorModScalar(nb, l, a[0], a[1]);
                         });
  } else if (auto cmp = dyn_cast<CompareOp>(op)) {
    result = elementwise(b, loc, cmp.getType(), {cmp.getLhs(), cmp.getRhs()},
                         [&](OpBuilder &nb, Location l, ValueRange a) {
                           return compareScalar(nb, l, cmp.getPredicate(), a[0], a[1]);
                         });
  } else if (auto sel = dyn_cast<SelectOp>(op)) {
    result = elementwise(b, loc, sel.getType(),
                         {sel.getCondition(), sel.getOnTrue(), sel.getOnFalse()},
                         [&](OpBuilder &nb, Location l, ValueRange a) {
                           return arith::SelectOp::create(nb, l, a[0], a[1], a[2]).getResult();
                         });
  } else if (auto cast = dyn_cast<CastOp>(op)) {
    Type to = cast.getType().getElementType();
    Type from = cast.getInput().getType().getElementType();
    if (from.isBF16() || to.isBF16() || from.isF16() || to.isF16())
      if (isa<IntegerType>(from) || isa<IntegerType>(to))
        return notLowered(op, "a cast between a 16-bit float and an integer");
    result = elementwise(b, loc, cast.getType(), {cast.getInput()},
                         [&](OpBuilder &nb, Location l, ValueRange a) {
                           return castScalar(nb, l, a[0], to);
                         });
  } else if (auto bc = dyn_cast<BroadcastOp>(op)) {
    if (!bc.getType().hasStaticShape())
      return notLowered(op, "a broadcast to a bounded dynamic shape");
    SmallVector<AffineExpr> exprs;
    for (int64_t d : bc.getDims())
      exprs.push_back(b.getAffineDimExpr(d));
    AffineMap map = AffineMap::get(bc.getType().getRank(), 0, exprs, b.getContext());
    result = generic(b, loc, bc.getType(), {bc.getInput()}, {map},
                     [](OpBuilder &, Location, ValueRange a) { return a[0]; });
  } else if (auto iota = dyn_cast<IotaOp>(op)) {
    auto type = iota.getType();
    if (!type.hasStaticShape())
      return notLowered(op, "an iota of bounded dynamic shape");
    result = generic(b, loc, type, {}, {}, [&](OpBuilder &nb, Location l, ValueRange) {
      Value i = linalg::IndexOp::create(nb, l, iota.getDim());
      Type e = type.getElementType();
      if (isa<FloatType>(e))
        return arith::SIToFPOp::create(
                   nb, l, e, arith::IndexCastOp::create(nb, l, nb.getI64Type(), i))
            .getResult();
      return arith::IndexCastOp::create(nb, l, e, i).getResult();
    });
  } else {
    return std::nullopt;
  }
  return success();
}

} // namespace mlir::loom::lowering
