//===- LowerReduction.cpp - reduce, argmax, softmax, cumsum to linalg -----===//
//
// Reductions are generics with reduction iterators over a filled init, in
// `acc`, rounded once to the element type afterwards; their loops run in
// index order, the interpreter's order. Float max and min propagate NaN
// (arith.maximumf/minimumf); argmax carries (value, index) and takes the
// first maximum, NaN above everything. softmax and log_softmax are three
// passes over the row (max, Σ exp(x - max), the result). cumsum is a
// generic over (i, j) that adds x[j] where j ≤ i (j < i exclusive; mirrored
// for reverse): O(n²) work, but in the interpreter's order. cross_entropy
// shares softmax's row statistics and picks x[target] with tensor.extract.
//
//===----------------------------------------------------------------------===//

#include "passes/Lowering/LowerCommon.h"

#include <limits>

using namespace mlir;
using namespace mlir::loom;

namespace mlir::loom::lowering {
namespace {

Value lowest(OpBuilder &b, Location loc, Type t, bool max) {
  if (auto f = dyn_cast<FloatType>(t))
    return arith::ConstantOp::create(
        b, loc, FloatAttr::get(f, max ? -std::numeric_limits<double>::infinity()
                                      : std::numeric_limits<double>::infinity()));
  unsigned bits = t.getIntOrFloatBitWidth();
  APInt v = max ? APInt::getSignedMinValue(bits) : APInt::getSignedMaxValue(bits);
  return arith::ConstantOp::create(b, loc, IntegerAttr::get(t, v));
}

LogicalResult lowerReduce(OpBuilder &b, ReduceOp red, Value &result) {
  auto in = red.getInput().getType();
  auto out = red.getType();
  if (!in.hasStaticShape())
    return notLowered(red, "a reduction of bounded dynamic shape");
  Location loc = red.getLoc();
  Type acc = red.getAcc(), element = in.getElementType();
  bool isFloat = isa<FloatType>(acc);
  ReduceKind kind = red.getKind();
  ArrayRef<int64_t> dims = red.getDims();
  auto accType = RankedTensorType::get(reducedShape(in.getShape(), dims), acc);
  Value init;
  if (kind == ReduceKind::sum || kind == ReduceKind::mean)
    init = filled(b, loc, accType, scalar(b, loc, acc, 0.0));
  else
    init = filled(b, loc, accType, lowest(b, loc, acc, kind == ReduceKind::max));
  Value sum = reduceGeneric(
      b, loc, {red.getInput()}, {init}, in.getRank(), dims,
      [&](OpBuilder &nb, Location l, ValueRange a) -> SmallVector<Value> {
        Value x = castScalar(nb, l, a[0], acc), s = a[1];
        switch (kind) {
        case ReduceKind::sum:
        case ReduceKind::mean:
          return {isFloat ? Value(arith::AddFOp::create(nb, l, s, x)) : arith::AddIOp::create(nb, l, s, x)};
        case ReduceKind::max:
          return {isFloat ? Value(arith::MaximumFOp::create(nb, l, s, x)) : arith::MaxSIOp::create(nb, l, s, x)};
        case ReduceKind::min:
          return {isFloat ? Value(arith::MinimumFOp::create(nb, l, s, x)) : arith::MinSIOp::create(nb, l, s, x)};
        }
        return {s};
      })[0];
  int64_t count = 1;
  for (int64_t d : dims)
    count *= in.getDimSize(d);
  // Round to the element type (dividing a mean by its count first), then put
  // the kept unit dims back.
  auto rounded = RankedTensorType::get(accType.getShape(), element);
  Value v = sum;
  if (kind == ReduceKind::mean || acc != element)
    v = elementwise(b, loc, rounded, {sum}, [&](OpBuilder &nb, Location l, ValueRange a) {
      Value s = a[0];
      if (kind == ReduceKind::mean)
        s = arith::DivFOp::create(nb, l, s, scalar(nb, l, acc, static_cast<double>(count)));
      return castScalar(nb, l, s, element);
    });
  if (red.getKeepDims()) {
    SmallVector<ReassociationIndices> groups;
    // Each kept dim takes the unit dims before it; trailing unit dims join the last group.
    ReassociationIndices current;
    for (int64_t d = 0; d < in.getRank(); ++d) {
      current.push_back(d);
      if (!llvm::is_contained(dims, d)) {
        groups.push_back(current);
        current.clear();
      }
    }
    if (!current.empty()) {
      if (groups.empty())
        groups.push_back({});
      groups.back().append(current.begin(), current.end());
    }
    if (accType.getRank() == 0)
      groups.clear();
    v = tensor::ExpandShapeOp::create(b, loc, out, v, groups);
  }
  result = v;
  return success();
}

LogicalResult lowerArgmax(OpBuilder &b, ArgmaxOp op, Value &result) {
  auto in = op.getInput().getType();
  if (!in.hasStaticShape())
    return notLowered(op, "an argmax of bounded dynamic shape");
  Location loc = op.getLoc();
  Type e = in.getElementType();
  int64_t dim = op.getDim();
  auto shape = reducedShape(in.getShape(), {dim});
  Value vInit = filled(b, loc, RankedTensorType::get(shape, e), lowest(b, loc, e, true));
  Value iInit = filled(b, loc, RankedTensorType::get(shape, b.getI64Type()),
                       scalar(b, loc, b.getI64Type(), 0));
  result = reduceGeneric(
      b, loc, {op.getInput()}, {vInit, iInit}, in.getRank(), {dim},
      [&](OpBuilder &nb, Location l, ValueRange a) -> SmallVector<Value> {
        Value x = a[0], best = a[1], bestIndex = a[2];
        Value index = arith::IndexCastOp::create(nb, l, nb.getI64Type(),
                                                 linalg::IndexOp::create(nb, l, dim));
        Value take;
        if (isa<FloatType>(e)) {
          // Strictly greater, or the first NaN (NaN is above every number).
          Value gt = arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OGT, x, best);
          Value xNan = arith::CmpFOp::create(nb, l, arith::CmpFPredicate::UNO, x, x);
          Value bestNum = arith::CmpFOp::create(nb, l, arith::CmpFPredicate::ORD, best, best);
          take = arith::OrIOp::create(nb, l, gt, arith::AndIOp::create(nb, l, xNan, bestNum));
        } else {
          take = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sgt, x, best);
        }
        return {arith::SelectOp::create(nb, l, take, x, best).getResult(),
                arith::SelectOp::create(nb, l, take, index, bestIndex).getResult()};
      })[1];
  return success();
}

/// The interpreter's row statistics along `dim` in `acc`: the max (taken as
/// x > m ? x : m, so a NaN does not become it), z = x − max elementwise, and
/// Σ exp(z) in index order.
struct RowStats {
  Value max, z, sum;
};

RowStats rowStats(OpBuilder &b, Location loc, Value input, int64_t dim, Type acc) {
  auto type = cast<RankedTensorType>(input.getType());
  auto rowType = RankedTensorType::get(reducedShape(type.getShape(), {dim}), acc);
  Value maxInit = filled(b, loc, rowType, lowest(b, loc, acc, true));
  Value max = reduceGeneric(b, loc, {input}, {maxInit}, type.getRank(), {dim},
                            [&](OpBuilder &nb, Location l, ValueRange a) -> SmallVector<Value> {
                              Value x = castScalar(nb, l, a[0], acc);
                              Value gt = arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OGT, x, a[1]);
                              return {arith::SelectOp::create(nb, l, gt, x, a[1]).getResult()};
                            })[0];
  auto fullAcc = RankedTensorType::get(type.getShape(), acc);
  Value z = expand(b, loc, max, fullAcc, {dim}, [&](OpBuilder &nb, Location l, ValueRange a) {
    return arith::SubFOp::create(nb, l, castScalar(nb, l, a[0], acc), a[1]).getResult();
  }, {input});
  Value sumInit = filled(b, loc, rowType, scalar(b, loc, acc, 0.0));
  Value sum = reduceGeneric(b, loc, {z}, {sumInit}, type.getRank(), {dim},
                            [&](OpBuilder &nb, Location l, ValueRange a) -> SmallVector<Value> {
                              return {arith::AddFOp::create(nb, l, a[1], math::ExpOp::create(nb, l, a[0]))
                                          .getResult()};
                            })[0];
  return {max, z, sum};
}

template <typename OpT>
LogicalResult lowerSoftmax(OpBuilder &b, OpT op, bool logarithm, Value &result) {
  auto type = cast<RankedTensorType>(op.getType());
  if (!type.hasStaticShape())
    return notLowered(op, "a softmax of bounded dynamic shape");
  Location loc = op.getLoc();
  Type e = type.getElementType();
  int64_t dim = op.getDim();
  RowStats st = rowStats(b, loc, op.getInput(), dim, op.getAcc());
  result = expand(b, loc, st.sum, type, {dim}, [&](OpBuilder &nb, Location l, ValueRange a) {
    Value v = logarithm ? Value(arith::SubFOp::create(nb, l, a[0], math::LogOp::create(nb, l, a[1])))
                        : arith::DivFOp::create(nb, l, math::ExpOp::create(nb, l, a[0]), a[1]);
    return castScalar(nb, l, v, e);
  }, {st.z});
  return success();
}

/// loss = w · (max + log Σ exp(x − max) − x[target]), 0 where the target is
/// ignore_index. A target outside [0, V) is undefined: it reads x[0].
LogicalResult lowerCrossEntropy(OpBuilder &b, CrossEntropyOp op, Value &result) {
  auto logits = op.getLogits().getType();
  auto type = cast<RankedTensorType>(op.getType());
  if (!logits.hasStaticShape() || !type.hasStaticShape())
    return notLowered(op, "a cross_entropy of bounded dynamic shape");
  Location loc = op.getLoc();
  Type acc = op.getAcc(), e = type.getElementType();
  int64_t last = logits.getRank() - 1, vocab = logits.getDimSize(last);
  Type targetType = op.getTargets().getType().getElementType();
  RowStats st = rowStats(b, loc, op.getLogits(), last, acc);
  SmallVector<Value> inputs{op.getTargets(), st.max, st.sum};
  if (op.getWeights())
    inputs.push_back(op.getWeights());
  Value x = op.getLogits();
  int64_t ignore = op.getIgnoreIndex();
  result = elementwise(b, loc, type, inputs, [&](OpBuilder &nb, Location l, ValueRange a) {
    Value target = a[0];
    Value ignored = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, target,
                                          scalar(nb, l, targetType, static_cast<double>(ignore)));
    Value nonNegative =
        arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge, target, scalar(nb, l, targetType, 0));
    Value belowVocab = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, target,
                                             scalar(nb, l, targetType, static_cast<double>(vocab)));
    Value inRange = arith::AndIOp::create(nb, l, nonNegative, belowVocab);
    Value column = arith::SelectOp::create(
        nb, l, inRange, arith::IndexCastOp::create(nb, l, nb.getIndexType(), target),
        arith::ConstantIndexOp::create(nb, l, 0));
    SmallVector<Value> at;
    for (int64_t d = 0; d < last; ++d)
      at.push_back(linalg::IndexOp::create(nb, l, d));
    at.push_back(column);
    Value picked = castScalar(nb, l, tensor::ExtractOp::create(nb, l, x, at), acc);
    Value loss = arith::AddFOp::create(nb, l, a[1], math::LogOp::create(nb, l, a[2]));
    loss = arith::SubFOp::create(nb, l, loss, picked);
    if (a.size() > 3)
      loss = arith::MulFOp::create(nb, l, castScalar(nb, l, a[3], acc), loss);
    loss = arith::SelectOp::create(nb, l, ignored, scalar(nb, l, acc, 0.0), loss);
    return castScalar(nb, l, loss, e);
  });
  return success();
}

LogicalResult lowerCumsum(OpBuilder &b, CumsumOp op, Value &result) {
  auto type = cast<RankedTensorType>(op.getType());
  if (!type.hasStaticShape())
    return notLowered(op, "a cumsum of bounded dynamic shape");
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  Type acc = op.getAcc(), e = type.getElementType();
  bool isFloat = isa<FloatType>(acc), exclusive = op.getExclusive(), reverse = op.getReverse();
  int64_t rank = type.getRank(), dim = op.getDim(), n = type.getDimSize(dim);
  // Loops: the result's dims, then j (reduction). Reverse reads x[n-1-j]
  // with tensor.extract (a map n-1-j is not invertible, which linalg
  // refuses), so the sum runs from the end as the interpreter's does.
  unsigned j = rank;
  SmallVector<AffineExpr> in, out;
  for (int64_t d = 0; d < rank; ++d) {
    out.push_back(b.getAffineDimExpr(d));
    in.push_back(b.getAffineDimExpr(d == dim ? j : d));
  }
  SmallVector<AffineMap> maps{AffineMap::get(rank + 1, 0, in, ctx),
                              AffineMap::get(rank + 1, 0, out, ctx)};
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  auto accType = RankedTensorType::get(type.getShape(), acc);
  Value init = filled(b, loc, accType, scalar(b, loc, acc, 0.0));
  Value input = op.getInput();
  Value sum = linalg::GenericOp::create(
                  b, loc, TypeRange{accType}, ValueRange{op.getInput()}, ValueRange{init}, maps,
                  iterators, "", "",
                  [&](OpBuilder &nb, Location l, ValueRange a) {
                    Value i = linalg::IndexOp::create(nb, l, dim);
                    Value jj = linalg::IndexOp::create(nb, l, j);
                    // Position of x along dim: j, or n-1-j reversed.
                    Value pos = jj;
                    if (reverse)
                      pos = arith::SubIOp::create(nb, l, arith::ConstantIndexOp::create(nb, l, n - 1), jj);
                    arith::CmpIPredicate p =
                        reverse ? (exclusive ? arith::CmpIPredicate::sgt : arith::CmpIPredicate::sge)
                                : (exclusive ? arith::CmpIPredicate::slt : arith::CmpIPredicate::sle);
                    Value take = arith::CmpIOp::create(nb, l, p, pos, i);
                    Value x = a[0];
                    if (reverse) {
                      SmallVector<Value> at;
                      for (int64_t d = 0; d < rank; ++d)
                        at.push_back(d == dim ? pos : Value(linalg::IndexOp::create(nb, l, d)));
                      x = tensor::ExtractOp::create(nb, l, input, at);
                    }
                    x = castScalar(nb, l, x, acc);
                    Value s = isFloat ? Value(arith::AddFOp::create(nb, l, a[1], x))
                                      : arith::AddIOp::create(nb, l, a[1], x);
                    linalg::YieldOp::create(nb, l, arith::SelectOp::create(nb, l, take, s, a[1]).getResult());
                  })
                  .getResult(0);
  result = acc == e ? sum
                    : elementwise(b, loc, type, {sum}, [&](OpBuilder &nb, Location l, ValueRange a) {
                        return castScalar(nb, l, a[0], e);
                      });
  return success();
}

} // namespace

Lowered lowerReduction(OpBuilder &b, Operation *op, Value &result) {
  if (auto red = dyn_cast<ReduceOp>(op))
    return lowerReduce(b, red, result);
  if (auto am = dyn_cast<ArgmaxOp>(op))
    return lowerArgmax(b, am, result);
  if (auto sm = dyn_cast<SoftmaxOp>(op))
    return lowerSoftmax(b, sm, false, result);
  if (auto lsm = dyn_cast<LogSoftmaxOp>(op))
    return lowerSoftmax(b, lsm, true, result);
  if (auto cs = dyn_cast<CumsumOp>(op))
    return lowerCumsum(b, cs, result);
  if (auto ce = dyn_cast<CrossEntropyOp>(op))
    return lowerCrossEntropy(b, ce, result);
  return std::nullopt;
}

} // namespace mlir::loom::lowering
