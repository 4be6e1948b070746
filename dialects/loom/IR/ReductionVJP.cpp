//===- ReductionVJP.cpp - VJPs of reductions, scans, sorting, softmax, CE -===//

#include "dialects/loom/IR/VJPBuilder.h"

#include "dialects/loom/IR/ShapeUtils.h"

using namespace mlir;
using namespace mlir::loom;

LogicalResult ReduceOp::buildVJP(OpBuilder &b, ValueRange cts, ArrayRef<bool> needed,
                                 SmallVectorImpl<Value> &grads) {
  Value dy = firstOperandCotangent(*this, cts, needed, grads);
  if (!dy)
    return success();
  VJPBuilder v(b, *this);
  auto xType = getInput().getType();
  bool dynamicReduced = llvm::any_of(getDims(), [&](int64_t d) { return xType.isDynamicDim(d); });
  if (getKeepDims() && !xType.hasStaticShape())
    return v.unsupported("keep_dims over bounded dynamic dims");
  if (getKind() == ReduceKind::mean && dynamicReduced)
    return v.unsupported("a mean over a bounded dynamic dim");
  SmallVector<int64_t> kept;
  for (int64_t d = 0; d < xType.getRank(); ++d)
    if (!llvm::is_contained(getDims(), d))
      kept.push_back(xType.getDimSize(d));
  Value y = getResult();
  if (getKeepDims()) { // drop the extent-1 dims, then broadcast back
    dy = v.reshape(dy, kept);
    y = v.reshape(y, kept);
  }
  Value spread = v.unreduce(dy, getDims(), getInput());
  switch (getKind()) {
  case ReduceKind::sum:
    grads[0] = spread;
    break;
  case ReduceKind::mean: {
    int64_t count = 1;
    for (int64_t d : getDims())
      count *= xType.getDimSize(d);
    grads[0] = v.scale(spread, 1.0 / static_cast<double>(count));
    break;
  }
  case ReduceKind::max:
  case ReduceKind::min: { // every element equal to the extremum gets the cotangent
    Value hit = v.compare(ComparePredicate::eq, getInput(), v.unreduce(y, getDims(), getInput()));
    grads[0] = v.select(hit, spread, v.zerosLike(spread));
    break;
  }
  }
  return success(grads[0] != nullptr);
}

LogicalResult CumsumOp::buildVJP(OpBuilder &b, ValueRange cts, ArrayRef<bool> needed,
                                 SmallVectorImpl<Value> &grads) {
  Value dy = firstOperandCotangent(*this, cts, needed, grads);
  if (!dy)
    return success();
  // y_i = Σ_{j ≤ i} x_j  ⇒  dx_j = Σ_{i ≥ j} dy_i: the same scan, the other way.
  grads[0] = CumsumOp::create(b, getLoc(), dy, getDim(), getAcc(), getExclusive(), !getReverse());
  return success();
}

/// Scatters `update` [..., k] into zeros shaped like `input` [..., n] along the
/// last dim at `indices` [..., k]: the VJP of taking elements along a dim.
static Value scatterAlongLastDim(VJPBuilder &v, Value input, Value indices, Value update) {
  OpBuilder &b = v.builder();
  Location loc = v.location();
  auto xType = cast<RankedTensorType>(input.getType());
  auto iType = cast<RankedTensorType>(indices.getType());
  int64_t n = xType.getShape().back(), k = iType.getShape().back();
  int64_t rows = xType.getNumElements() / std::max<int64_t>(n, 1);
  // Flat index of (row, j) is row·n + indices[row, j].
  Value idx = v.reshape(indices, {rows, k});
  Value row = IotaOp::create(b, loc, RankedTensorType::get({rows, k}, b.getI64Type()), 0,
                             ValueRange{});
  Value flat = v.add(v.mul(row, v.splatLike(row, static_cast<double>(n))), idx);
  Value zeros = v.zerosLike(v.reshape(input, {rows * n}));
  Value sum = ScatterAddOp::create(b, loc, v.reshape(update, {rows * k}), zeros,
                                   v.reshape(flat, {rows * k}), 0);
  return v.reshape(sum, xType.getShape());
}

LogicalResult TopKOp::buildVJP(OpBuilder &b, ValueRange cts, ArrayRef<bool> needed,
                               SmallVectorImpl<Value> &grads) {
  Value dv = firstOperandCotangent(*this, cts, needed, grads);
  if (!dv)
    return success();
  VJPBuilder v(b, *this);
  if (!getInput().getType().hasStaticShape())
    return v.unsupported("a VJP over bounded dynamic dims");
  grads[0] = scatterAlongLastDim(v, getInput(), getIndices(), dv);
  return success();
}

LogicalResult SortOp::buildVJP(OpBuilder &b, ValueRange cts, ArrayRef<bool> needed,
                               SmallVectorImpl<Value> &grads) {
  Value dv = firstOperandCotangent(*this, cts, needed, grads);
  if (!dv)
    return success();
  VJPBuilder v(b, *this);
  auto type = getInput().getType();
  if (!type.hasStaticShape())
    return v.unsupported("a VJP over bounded dynamic dims");
  int64_t dim = static_cast<int64_t>(getDim()), last = type.getRank() - 1;
  if (dim == last) {
    grads[0] = scatterAlongLastDim(v, getInput(), getPermutation(), dv);
    return success();
  }
  // Move the sorted dim last, scatter there, and move it back.
  SmallVector<int64_t> toLast, back(type.getRank());
  for (int64_t d = 0; d <= last; ++d)
    if (d != dim)
      toLast.push_back(d);
  toLast.push_back(dim);
  for (auto [i, d] : llvm::enumerate(toLast))
    back[d] = i;
  Location loc = getLoc();
  auto moved = [&](Value x) { return TransposeOp::create(b, loc, x, toLast).getResult(); };
  Value g = scatterAlongLastDim(v, moved(getInput()), moved(getPermutation()), moved(dv));
  grads[0] = TransposeOp::create(b, loc, g, back);
  return success();
}

LogicalResult SoftmaxOp::buildVJP(OpBuilder &b, ValueRange cts, ArrayRef<bool> needed,
                                  SmallVectorImpl<Value> &grads) {
  Value dy = firstOperandCotangent(*this, cts, needed, grads);
  if (!dy)
    return success();
  VJPBuilder v(b, *this);
  // dx = y ∘ (dy − Σ_dim dy ∘ y)
  int64_t dim = static_cast<int64_t>(getDim());
  Value y = getResult();
  Value dot = v.unreduce(v.sum(v.mul(dy, y), {dim}), {dim}, y);
  grads[0] = v.mul(y, v.sub(dy, dot));
  return success();
}

LogicalResult LogSoftmaxOp::buildVJP(OpBuilder &b, ValueRange cts, ArrayRef<bool> needed,
                                     SmallVectorImpl<Value> &grads) {
  Value dy = firstOperandCotangent(*this, cts, needed, grads);
  if (!dy)
    return success();
  VJPBuilder v(b, *this);
  // dx = dy − exp(y) ∘ Σ_dim dy
  int64_t dim = static_cast<int64_t>(getDim());
  Value total = v.unreduce(v.sum(dy, {dim}), {dim}, getResult());
  grads[0] = v.sub(dy, v.mul(v.unary(UnaryKind::exp, getResult()), total));
  return success();
}

LogicalResult CrossEntropyOp::buildVJP(OpBuilder &b, ValueRange cts, ArrayRef<bool> needed,
                                       SmallVectorImpl<Value> &grads) {
  grads.assign((*this)->getNumOperands(), Value());
  Value dl = cotangent(cts, 0);
  if (!dl)
    return success();
  VJPBuilder v(b, *this);
  Location loc = getLoc();
  auto zType = getLogits().getType();
  if (!zType.hasStaticShape())
    return v.unsupported("a VJP over bounded dynamic dims");
  int64_t last = zType.getRank() - 1;
  Type element = zType.getElementType();
  auto targetType = getTargets().getType();
  Value targets = getTargets();
  // Tokens whose target is ignore_index get no gradient.
  Value ignore = v.splatLike(targets, static_cast<double>(static_cast<int64_t>(getIgnoreIndex())));
  Value kept = v.cast(v.compare(ComparePredicate::ne, targets, ignore), element);
  Value perToken = v.mul(dl, kept);
  if (getWeights() && needed[2]) { // dw_t = dloss_t · nll_t
    Value nll = CrossEntropyOp::create(b, loc, getLogits(), targets, Value(), getAcc(),
                                       getIgnoreIndex());
    grads[2] = v.mul(perToken, nll);
  }
  if (!needed[0])
    return success();
  if (getWeights())
    perToken = v.mul(perToken, getWeights());
  // dz = dloss_t · w_t · (softmax(z) − onehot(target))
  Value probs = SoftmaxOp::create(b, loc, getLogits(), last, getAcc());
  Value classes = IotaOp::create(b, loc, zType.clone(targetType.getElementType()), last,
                                 ValueRange{});
  SmallVector<int64_t> leading;
  for (int64_t d = 0; d < last; ++d)
    leading.push_back(d);
  Value onehot = v.cast(v.compare(ComparePredicate::eq, classes,
                                  v.broadcast(targets, leading, getLogits())),
                        element);
  grads[0] = v.mul(v.broadcast(perToken, leading, getLogits()), v.sub(probs, onehot));
  return success();
}
