//===- LowerSort.cpp - sort and top_k to linalg -----------------------------===//
//
// A stable sort as ranks, as codegen/reference/SortKernels.cpp orders: the
// rank of element i along the dim is #{j : x[j] before x[i]} + #{j < i :
// x[j] ties x[i]}, one generic over (…, i, …, j) with j a reduction; then a
// second generic over (…, p, …, i) picks the element of rank p, with its
// index. NaN is above every number and ties other NaNs; descending flips the
// comparison, so equal values keep index order either way. O(n²) per row,
// but only comparisons: the values are moved, never recomputed. top_k is the
// descending sort of the last dim, keeping ranks below k.
//
//===----------------------------------------------------------------------===//

#include "passes/Lowering/LowerCommon.h"

using namespace mlir;
using namespace mlir::loom;

namespace mlir::loom::lowering {
namespace {

/// The interpreter's ascending "a before b": NaN last, NaNs equal.
Value less(OpBuilder &b, Location l, Value x, Value y) {
  Type t = x.getType();
  if (!isa<FloatType>(t))
    return arith::CmpIOp::create(b, l, t.isInteger(1) ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt,
                                 x, y);
  Value xNumber = arith::CmpFOp::create(b, l, arith::CmpFPredicate::ORD, x, x);
  Value yNan = arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, y, y);
  Value lt = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, x, y);
  return arith::AndIOp::create(b, l, xNumber, arith::OrIOp::create(b, l, yNan, lt));
}

/// A map over `rank + 1` loops reading the input with dim `dim` at loop `at`.
AffineMap along(MLIRContext *ctx, int64_t rank, int64_t dim, int64_t at) {
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d)
    exprs.push_back(getAffineDimExpr(d == dim ? at : d, ctx));
  return AffineMap::get(rank + 1, 0, exprs, ctx);
}

SmallVector<utils::IteratorType> lastReduces(int64_t rank) {
  SmallVector<utils::IteratorType> it(rank, utils::IteratorType::parallel);
  it.push_back(utils::IteratorType::reduction);
  return it;
}

/// Sorted values and their source indices along `dim`, the first `keep`.
void sortedAlong(OpBuilder &b, Location loc, Value x, int64_t dim, bool descending, int64_t keep,
                 SmallVectorImpl<Value> &results) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  Type i64 = b.getI64Type();
  auto rankType = RankedTensorType::get(type.getShape(), i64);
  // Loops (…, i at dim, …, j): the rank of x[i].
  Value zeros = filled(b, loc, rankType, scalar(b, loc, i64, 0));
  Value ranks =
      linalg::GenericOp::create(
          b, loc, TypeRange{rankType}, ValueRange{x, x}, ValueRange{zeros},
          {along(ctx, rank, dim, dim), along(ctx, rank, dim, rank), along(ctx, rank, dim, dim)},
          lastReduces(rank), "", "",
          [&](OpBuilder &nb, Location l, ValueRange a) {
            Value xi = a[0], xj = a[1];
            Value jBefore = descending ? less(nb, l, xi, xj) : less(nb, l, xj, xi);
            Value iBefore = descending ? less(nb, l, xj, xi) : less(nb, l, xi, xj);
            Value tie = arith::XOrIOp::create(nb, l, iBefore, scalar(nb, l, nb.getI1Type(), 1));
            Value earlier = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult,
                                                  linalg::IndexOp::create(nb, l, rank),
                                                  linalg::IndexOp::create(nb, l, dim));
            Value before =
                arith::OrIOp::create(nb, l, jBefore, arith::AndIOp::create(nb, l, tie, earlier));
            Value one = arith::ExtUIOp::create(nb, l, i64, before);
            linalg::YieldOp::create(nb, l, arith::AddIOp::create(nb, l, a[2], one).getResult());
          })
          .getResult(0);
  // Loops (…, p at dim, …, i): the element of rank p.
  SmallVector<int64_t> shape(type.getShape());
  shape[dim] = keep;
  auto valueType = RankedTensorType::get(shape, type.getElementType());
  auto indexType = RankedTensorType::get(shape, i64);
  Value valueInit = filled(b, loc, valueType, scalar(b, loc, type.getElementType(), 0));
  Value indexInit = filled(b, loc, indexType, scalar(b, loc, i64, 0));
  auto picked = linalg::GenericOp::create(
      b, loc, TypeRange{valueType, indexType}, ValueRange{x, ranks}, ValueRange{valueInit, indexInit},
      {along(ctx, rank, dim, rank), along(ctx, rank, dim, rank), along(ctx, rank, dim, dim),
       along(ctx, rank, dim, dim)},
      lastReduces(rank), "", "", [&](OpBuilder &nb, Location l, ValueRange a) {
        Value p = arith::IndexCastOp::create(nb, l, i64, linalg::IndexOp::create(nb, l, dim));
        Value i = arith::IndexCastOp::create(nb, l, i64, linalg::IndexOp::create(nb, l, rank));
        Value hit = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, a[1], p);
        linalg::YieldOp::create(nb, l,
                                ValueRange{arith::SelectOp::create(nb, l, hit, a[0], a[2]).getResult(),
                                           arith::SelectOp::create(nb, l, hit, i, a[3]).getResult()});
      });
  results.append(picked.getResults().begin(), picked.getResults().end());
}

} // namespace

Lowered lowerSort(OpBuilder &b, Operation *op, SmallVectorImpl<Value> &results) {
  if (auto sort = dyn_cast<SortOp>(op)) {
    auto type = cast<RankedTensorType>(sort.getInput().getType());
    if (!type.hasStaticShape())
      return notLowered(op, "a sort of bounded dynamic shape");
    int64_t dim = sort.getDim();
    sortedAlong(b, op->getLoc(), sort.getInput(), dim, sort.getDescending(), type.getDimSize(dim),
                results);
    return success();
  }
  if (auto topK = dyn_cast<TopKOp>(op)) {
    auto type = cast<RankedTensorType>(topK.getInput().getType());
    if (!type.hasStaticShape())
      return notLowered(op, "a top_k of bounded dynamic shape");
    sortedAlong(b, op->getLoc(), topK.getInput(), type.getRank() - 1, /*descending=*/true,
                static_cast<int64_t>(topK.getK()), results);
    return success();
  }
  return std::nullopt;
}

} // namespace mlir::loom::lowering
