//===- NormOps.cpp - rms_norm, layer_norm, rope ---------------------------===//

#include "dialects/loom/IR/NormOps.h"

#include "dialects/loom/IR/ShapeUtils.h"

using namespace mlir;
using namespace mlir::loom;

#define GET_OP_CLASSES
#include "dialects/loom/IR/NormOps.cpp.inc"

void LoomDialect::registerNormOps() {
  addOperations<
#define GET_OP_LIST
#include "dialects/loom/IR/NormOps.cpp.inc"
      >();
}

/// Norm results: y like the input, then `statistics` tensors over the rows.
static LogicalResult inferNorm(std::optional<Location> loc, StringRef op, Value input,
                               ValueRange affine, unsigned statistics,
                               SmallVectorImpl<Type> &types) {
  auto x = dyn_cast<RankedTensorType>(input.getType());
  if (!x)
    return failure();
  if (x.getRank() < 1)
    return inferFail(loc, op, "needs an input of rank >= 1");
  Dims dims = dimsOf(x);
  for (Value v : affine) {
    if (!v)
      continue;
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (!t)
      return failure();
    if (dimsOf(t) != Dims{dims.back()})
      return inferFail(loc, op, "weight and bias must be [", describe(dims.back()),
                       "] (the normalized dim), got ", t);
  }
  types.push_back(x);
  dims.pop_back();
  for (unsigned i = 0; i < statistics; ++i)
    types.push_back(makeTensorType(dims, statisticsType(x.getElementType())));
  return success();
}

static SmallVector<OpFoldResult> reifyRows(OpBuilder &b, Location loc, Value result, Value input) {
  return reifyLike(b, loc, cast<RankedTensorType>(result.getType()), input);
}

static LogicalResult verifyEpsilon(Operation *op, double epsilon) {
  if (!(epsilon >= 0.0))
    return op->emitOpError("epsilon must be >= 0, got ") << epsilon;
  return success();
}

//===----------------------------------------------------------------------===//
// rms_norm, layer_norm
//===----------------------------------------------------------------------===//

LogicalResult RmsNormOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                          Adaptor adaptor, SmallVectorImpl<Type> &types) {
  return inferNorm(loc, getOperationName(), adaptor.getInput(), {adaptor.getWeight()}, 1, types);
}

LogicalResult RmsNormOp::verify() { return verifyEpsilon(*this, getEpsilon().convertToDouble()); }

LogicalResult RmsNormOp::reifyResultShapes(OpBuilder &b, ReifiedRankedShapedTypeDims &shapes) {
  for (Value r : getResults())
    shapes.push_back(reifyRows(b, getLoc(), r, getInput()));
  return success();
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &types) {
  return inferNorm(loc, getOperationName(), adaptor.getInput(),
                   {adaptor.getWeight(), adaptor.getBias()}, 2, types);
}

LogicalResult LayerNormOp::verify() {
  return verifyEpsilon(*this, getEpsilon().convertToDouble());
}

LogicalResult LayerNormOp::reifyResultShapes(OpBuilder &b, ReifiedRankedShapedTypeDims &shapes) {
  for (Value r : getResults())
    shapes.push_back(reifyRows(b, getLoc(), r, getInput()));
  return success();
}

//===----------------------------------------------------------------------===//
// rope
//===----------------------------------------------------------------------===//

LogicalResult RopeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                       Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto x = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
  auto pos = dyn_cast<RankedTensorType>(adaptor.getPositions().getType());
  if (!x || !pos)
    return failure();
  if (x.getRank() != 4)
    return inferFail(loc, getOperationName(), "needs input [B, S, H, D], got rank ", x.getRank());
  Dims dims = dimsOf(x);
  Dims expected{dims[0], dims[1]};
  if (dimsOf(pos) != expected)
    return inferFail(loc, getOperationName(), "positions must be [B, S] = ", describe(expected),
                     ", got ", describe(dimsOf(pos)));
  if (dims[3].isDynamic() || dims[3].size % 2 != 0)
    return inferFail(loc, getOperationName(), "head dim must be static and even, got ",
                     describe(dims[3]));
  types.push_back(x);
  return success();
}

LogicalResult RopeOp::verify() {
  if (!(getTheta().convertToDouble() > 0.0))
    return emitOpError("theta must be > 0, got ") << getTheta().convertToDouble();
  return success();
}

LogicalResult RopeOp::reifyResultShapes(OpBuilder &b, ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyLike(b, getLoc(), getType(), getInput()));
  return success();
}

//===----------------------------------------------------------------------===//
// rms_norm_grad, layer_norm_grad
//===----------------------------------------------------------------------===//

/// A norm gradient's statistics must be the input's rows in the statistics type.
static LogicalResult inferNormGrad(std::optional<Location> loc, StringRef op, Value input,
                                   ValueRange statistics, SmallVectorImpl<Type> &types) {
  SmallVector<Type> expected;
  if (failed(inferNorm(loc, op, input, {}, 1, expected)))
    return failure();
  for (Value s : statistics)
    if (s.getType() != expected[1])
      return inferFail(loc, op, "statistics must be ", expected[1], " (the input's rows), got ",
                       s.getType());
  types.push_back(input.getType());
  return success();
}

LogicalResult RmsNormGradOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                              Adaptor adaptor, SmallVectorImpl<Type> &types) {
  return inferNormGrad(loc, getOperationName(), adaptor.getInput(), {adaptor.getRstd()}, types);
}

LogicalResult RmsNormGradOp::reifyResultShapes(OpBuilder &b,
                                               ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyLike(b, getLoc(), getType(), getInput()));
  return success();
}

LogicalResult LayerNormGradOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                Adaptor adaptor, SmallVectorImpl<Type> &types) {
  return inferNormGrad(loc, getOperationName(), adaptor.getInput(),
                       {adaptor.getMean(), adaptor.getRstd()}, types);
}

LogicalResult LayerNormGradOp::reifyResultShapes(OpBuilder &b,
                                                 ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyLike(b, getLoc(), getType(), getInput()));
  return success();
}
