//===- LowerContraction.cpp - matmul and linear to linalg.generic ---------===//
//
// A contraction is one generic with iterators (batch..., m, n | k): products
// of the operands converted to `acc` are summed in `acc` from a zero fill, in
// increasing k (the interpreter's order); a second elementwise generic adds
// the bias (linear) in `acc` and rounds once to the element type.
//
//===----------------------------------------------------------------------===//

#include "passes/Lowering/LowerCommon.h"

using namespace mlir;
using namespace mlir::loom;

namespace mlir::loom::lowering {
namespace {

/// sum_k lhs(lhsMap) * rhs(rhsMap) into an `acc` tensor of `shape`; `rank` is
/// the loop count (the result's rank + 1, k last).
Value contract(OpBuilder &b, Location loc, Value lhs, Value rhs, AffineMap lhsMap,
               AffineMap rhsMap, ArrayRef<int64_t> shape, Type acc) {
  unsigned loops = shape.size() + 1;
  auto accType = RankedTensorType::get(shape, acc);
  Value init = filled(b, loc, accType, scalar(b, loc, acc, 0.0));
  SmallVector<utils::IteratorType> iterators(loops - 1, utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  SmallVector<AffineMap> maps{lhsMap, rhsMap,
                              AffineMap::getMinorIdentityMap(loops, loops - 1, b.getContext())};
  // getMinorIdentityMap gives the last loops-1 dims; the result needs the first.
  SmallVector<AffineExpr> out;
  for (unsigned d = 0; d + 1 < loops; ++d)
    out.push_back(b.getAffineDimExpr(d));
  maps[2] = AffineMap::get(loops, 0, out, b.getContext());
  bool isFloat = isa<FloatType>(acc);
  return linalg::GenericOp::create(
             b, loc, TypeRange{accType}, ValueRange{lhs, rhs}, ValueRange{init}, maps, iterators,
             "", "",
             [&](OpBuilder &nb, Location l, ValueRange a) {
               Value x = castScalar(nb, l, a[0], acc), y = castScalar(nb, l, a[1], acc);
               Value p = isFloat ? Value(arith::MulFOp::create(nb, l, x, y))
                                 : arith::MulIOp::create(nb, l, x, y);
               Value s = isFloat ? Value(arith::AddFOp::create(nb, l, a[2], p))
                                 : arith::AddIOp::create(nb, l, a[2], p);
               linalg::YieldOp::create(nb, l, s);
             })
      .getResult(0);
}

/// `sum` (in acc) plus `bias` read along the last dim, rounded to `type`.
Value finish(OpBuilder &b, Location loc, Value sum, Value bias, RankedTensorType type) {
  Type acc = cast<RankedTensorType>(sum.getType()).getElementType();
  int64_t rank = type.getRank();
  SmallVector<Value> inputs{sum};
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(rank)};
  if (bias) {
    inputs.push_back(bias);
    maps.push_back(AffineMap::get(rank, 0, {b.getAffineDimExpr(rank - 1)}, b.getContext()));
  }
  if (!bias && acc == type.getElementType())
    return sum;
  bool isFloat = isa<FloatType>(acc);
  return generic(b, loc, type, inputs, maps, [&](OpBuilder &nb, Location l, ValueRange a) {
    Value v = a[0];
    if (a.size() > 1) {
      Value c = castScalar(nb, l, a[1], acc);
      v = isFloat ? Value(arith::AddFOp::create(nb, l, v, c)) : arith::AddIOp::create(nb, l, v, c);
    }
    return castScalar(nb, l, v, type.getElementType());
  });
}

} // namespace

Lowered lowerContraction(OpBuilder &b, Operation *op, Value &result) {
  Location loc = op->getLoc();
  MLIRContext *ctx = b.getContext();
  auto d = [&](unsigned i) { return b.getAffineDimExpr(i); };
  if (auto mm = dyn_cast<MatmulOp>(op)) {
    auto type = cast<RankedTensorType>(mm.getType());
    if (!type.hasStaticShape() || !mm.getLhs().getType().hasStaticShape() ||
        !mm.getRhs().getType().hasStaticShape())
      return notLowered(op, "a matmul of bounded dynamic shape");
    int64_t rank = type.getRank(), batch = rank - 2;
    unsigned m = batch, n = batch + 1, k = batch + 2, loops = rank + 1;
    SmallVector<AffineExpr> l, r;
    for (int64_t i = 0; i < batch; ++i) {
      l.push_back(d(i));
      r.push_back(d(i));
    }
    if (mm.getTransposeLhs()) l.append({d(k), d(m)}); else l.append({d(m), d(k)});
    if (mm.getTransposeRhs()) r.append({d(n), d(k)}); else r.append({d(k), d(n)});
    Value sum = contract(b, loc, mm.getLhs(), mm.getRhs(), AffineMap::get(loops, 0, l, ctx),
                         AffineMap::get(loops, 0, r, ctx), type.getShape(), mm.getAcc());
    result = finish(b, loc, sum, {}, type);
    return success();
  }
  if (auto lin = dyn_cast<LinearOp>(op)) {
    auto type = cast<RankedTensorType>(lin.getType());
    if (!type.hasStaticShape() || !lin.getInput().getType().hasStaticShape())
      return notLowered(op, "a linear of bounded dynamic shape");
    int64_t rank = type.getRank();
    unsigned o = rank - 1, k = rank, loops = rank + 1;
    SmallVector<AffineExpr> x;
    for (int64_t i = 0; i + 1 < rank; ++i)
      x.push_back(d(i));
    x.push_back(d(k));
    Value sum = contract(b, loc, lin.getInput(), lin.getWeight(), AffineMap::get(loops, 0, x, ctx),
                         AffineMap::get(loops, 0, {d(o), d(k)}, ctx), type.getShape(), lin.getAcc());
    result = finish(b, loc, sum, lin.getBias(), type);
    return success();
  }
  return std::nullopt;
}

} // namespace mlir::loom::lowering
