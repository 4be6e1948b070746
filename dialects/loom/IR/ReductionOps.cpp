//===- ReductionOps.cpp - reductions, scans, sorting, softmax, CE --------===//

#include "dialects/loom/IR/ReductionOps.h"

#include "dialects/loom/IR/ShapeUtils.h"

using namespace mlir;
using namespace mlir::loom;

#define GET_OP_CLASSES
#include "dialects/loom/IR/ReductionOps.cpp.inc"

void LoomDialect::registerReductionOps() {
  addOperations<
#define GET_OP_LIST
#include "dialects/loom/IR/ReductionOps.cpp.inc"
      >();
}

/// Results with the operand's dims except `dropped` (removed) reify from it.
static SmallVector<OpFoldResult> reifyDropping(OpBuilder &b, Location loc, RankedTensorType type,
                                               Value input, ArrayRef<int64_t> dropped) {
  SmallVector<int64_t> kept;
  for (int64_t d = 0, r = cast<RankedTensorType>(input.getType()).getRank(); d < r; ++d)
    if (!llvm::is_contained(dropped, d))
      kept.push_back(d);
  return reifyDims(b, loc, type, [&](int64_t d) { return DimSource{input, kept[d]}; });
}

static LogicalResult checkDim(std::optional<Location> loc, StringRef op, int64_t dim,
                              int64_t rank) {
  if (dim < 0 || dim >= rank)
    return inferFail(loc, op, "dim ", dim, " is out of range for rank ", rank);
  return success();
}

//===----------------------------------------------------------------------===//
// reduce
//===----------------------------------------------------------------------===//

LogicalResult ReduceOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
  if (!input)
    return failure();
  ArrayRef<int64_t> dims = adaptor.getDims();
  if (dims.empty())
    return inferFail(loc, getOperationName(), "needs at least one dim to reduce");
  for (auto [i, d] : llvm::enumerate(dims)) {
    if (failed(checkDim(loc, getOperationName(), d, input.getRank())))
      return failure();
    if (i > 0 && d <= dims[i - 1])
      return inferFail(loc, getOperationName(), "dims must be sorted and unique");
  }
  Dims result;
  for (auto [d, dim] : llvm::enumerate(dimsOf(input))) {
    if (!llvm::is_contained(dims, static_cast<int64_t>(d)))
      result.push_back(dim);
    else if (adaptor.getKeepDims())
      result.push_back(Dim::fixed(1));
  }
  types.push_back(makeTensorType(result, input.getElementType()));
  return success();
}

LogicalResult ReduceOp::verify() {
  Type element = getInput().getType().getElementType();
  if (getKind() == ReduceKind::mean && !isa<FloatType>(element))
    return emitOpError("mean needs float elements, got ") << element;
  return verifyAccumulationType(*this, element, getAcc());
}

LogicalResult ReduceOp::reifyResultShapes(OpBuilder &b, ReifiedRankedShapedTypeDims &shapes) {
  if (getKeepDims()) {
    auto type = getType();
    shapes.push_back(reifyDims(b, getLoc(), type, [&](int64_t d) { return DimSource{getInput(), d}; }));
    return success();
  }
  shapes.push_back(reifyDropping(b, getLoc(), getType(), getInput(), getDims()));
  return success();
}

//===----------------------------------------------------------------------===//
// argmax
//===----------------------------------------------------------------------===//

LogicalResult ArgmaxOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
  if (!input)
    return failure();
  int64_t dim = adaptor.getDim();
  if (failed(checkDim(loc, getOperationName(), dim, input.getRank())))
    return failure();
  Dims result = dimsOf(input);
  result.erase(result.begin() + dim);
  types.push_back(makeTensorType(result, IntegerType::get(ctx, 64)));
  return success();
}

LogicalResult ArgmaxOp::verify() {
  if (getInput().getType().getElementType().isInteger(1))
    return emitOpError("needs numbers, not i1");
  return success();
}

LogicalResult ArgmaxOp::reifyResultShapes(OpBuilder &b, ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyDropping(b, getLoc(), getType(), getInput(), {static_cast<int64_t>(getDim())}));
  return success();
}

//===----------------------------------------------------------------------===//
// cumsum
//===----------------------------------------------------------------------===//

LogicalResult CumsumOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
  if (!input)
    return failure();
  if (failed(checkDim(loc, getOperationName(), adaptor.getDim(), input.getRank())))
    return failure();
  types.push_back(input);
  return success();
}

LogicalResult CumsumOp::verify() {
  return verifyAccumulationType(*this, getInput().getType().getElementType(), getAcc());
}

LogicalResult CumsumOp::reifyResultShapes(OpBuilder &b, ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyLike(b, getLoc(), getType(), getInput()));
  return success();
}

//===----------------------------------------------------------------------===//
// top_k
//===----------------------------------------------------------------------===//

LogicalResult TopKOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                       Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
  if (!input)
    return failure();
  if (input.getRank() < 1)
    return inferFail(loc, getOperationName(), "needs an input of rank >= 1");
  Dims dims = dimsOf(input);
  int64_t k = adaptor.getK();
  if (dims.back().isDynamic())
    return inferFail(loc, getOperationName(), "needs a static last dim, got ",
                     describe(dims.back()));
  if (k < 1 || k > dims.back().size)
    return inferFail(loc, getOperationName(), "k = ", k, " is outside [1, ", dims.back().size,
                     "]");
  dims.back() = Dim::fixed(k);
  types.push_back(makeTensorType(dims, input.getElementType()));
  types.push_back(makeTensorType(dims, IntegerType::get(ctx, 64)));
  return success();
}


LogicalResult TopKOp::reifyResultShapes(OpBuilder &b, ReifiedRankedShapedTypeDims &shapes) {
  for (Value r : getResults())
    shapes.push_back(
        reifyDims(b, getLoc(), cast<RankedTensorType>(r.getType()),
                  [&](int64_t d) { return DimSource{getInput(), d}; }));
  return success();
}

//===----------------------------------------------------------------------===//
// sort
//===----------------------------------------------------------------------===//

LogicalResult SortOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                       Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
  if (!input)
    return failure();
  if (failed(checkDim(loc, getOperationName(), adaptor.getDim(), input.getRank())))
    return failure();
  types.push_back(input);
  types.push_back(makeTensorType(dimsOf(input), IntegerType::get(ctx, 64)));
  return success();
}


LogicalResult SortOp::reifyResultShapes(OpBuilder &b, ReifiedRankedShapedTypeDims &shapes) {
  for (Value r : getResults())
    shapes.push_back(reifyLike(b, getLoc(), cast<RankedTensorType>(r.getType()), getInput()));
  return success();
}

//===----------------------------------------------------------------------===//
// softmax, log_softmax
//===----------------------------------------------------------------------===//

template <typename OpT>
static LogicalResult verifySoftmaxLike(OpT op) {
  auto type = op.getInput().getType();
  int64_t dim = static_cast<int64_t>(op.getDim());
  if (dim < 0 || dim >= type.getRank())
    return op.emitOpError("dim ") << dim << " is out of range for rank " << type.getRank();
  return verifyAccumulationType(op, type.getElementType(), op.getAcc());
}

LogicalResult SoftmaxOp::verify() { return verifySoftmaxLike(*this); }
LogicalResult LogSoftmaxOp::verify() { return verifySoftmaxLike(*this); }

LogicalResult SoftmaxOp::reifyResultShapes(OpBuilder &b, ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyLike(b, getLoc(), getType(), getInput()));
  return success();
}

LogicalResult LogSoftmaxOp::reifyResultShapes(OpBuilder &b,
                                              ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyLike(b, getLoc(), getType(), getInput()));
  return success();
}

//===----------------------------------------------------------------------===//
// cross_entropy
//===----------------------------------------------------------------------===//

LogicalResult CrossEntropyOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                               Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto logits = dyn_cast<RankedTensorType>(adaptor.getLogits().getType());
  auto targets = dyn_cast<RankedTensorType>(adaptor.getTargets().getType());
  if (!logits || !targets)
    return failure();
  if (logits.getRank() < 1)
    return inferFail(loc, getOperationName(), "needs logits of rank >= 1");
  Dims tokens = dimsOf(logits);
  tokens.pop_back();
  if (dimsOf(targets) != tokens)
    return inferFail(loc, getOperationName(), "targets shape ", describe(dimsOf(targets)),
                     " differs from the logits' leading dims ", describe(tokens));
  if (Value weights = adaptor.getWeights()) {
    auto w = dyn_cast<RankedTensorType>(weights.getType());
    if (!w)
      return failure();
    if (dimsOf(w) != tokens)
      return inferFail(loc, getOperationName(), "weights shape ", describe(dimsOf(w)),
                       " differs from the targets shape ", describe(tokens));
  }
  types.push_back(makeTensorType(tokens, logits.getElementType()));
  return success();
}

LogicalResult CrossEntropyOp::verify() {
  return verifyAccumulationType(*this, getLogits().getType().getElementType(), getAcc());
}

LogicalResult CrossEntropyOp::reifyResultShapes(OpBuilder &b,
                                                ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyLike(b, getLoc(), getType(), getTargets()));
  return success();
}
