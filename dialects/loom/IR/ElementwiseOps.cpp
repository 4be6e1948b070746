//===- ElementwiseOps.cpp - verifiers, inference and reification ---------===//

#include "dialects/loom/IR/ElementwiseOps.h"

#include "dialects/loom/IR/ShapeUtils.h"

using namespace mlir;
using namespace mlir::loom;

#define GET_OP_CLASSES
#include "dialects/loom/IR/ElementwiseOps.cpp.inc"

void LoomDialect::registerElementwiseOps() {
  addOperations<
#define GET_OP_LIST
#include "dialects/loom/IR/ElementwiseOps.cpp.inc"
      >();
}

/// Elementwise results have the dims of their first operand.
static LogicalResult reifyAsOperand(Operation *op, OpBuilder &b,
                                    ReifiedRankedShapedTypeDims &shapes, Value like) {
  for (Value r : op->getResults())
    shapes.push_back(reifyLike(b, op->getLoc(), cast<RankedTensorType>(r.getType()), like));
  return success();
}

static bool isFloatElement(Type t) { return isa<FloatType>(getElementTypeOrSelf(t)); }

//===----------------------------------------------------------------------===//
// unary
//===----------------------------------------------------------------------===//

LogicalResult UnaryOp::verify() {
  bool isFloat = isFloatElement(getInput().getType());
  switch (getKind()) {
  case UnaryKind::neg:
  case UnaryKind::abs:
  case UnaryKind::square:
  case UnaryKind::relu:
    return success();
  case UnaryKind::bit_not:
    if (isFloat)
      return emitOpError("kind 'not' needs integer or i1 elements, got ")
             << getElementTypeOrSelf(getInput().getType());
    return success();
  default:
    if (!isFloat)
      return emitOpError("kind '") << stringifyUnaryKind(getKind())
                                   << "' needs float elements, got "
                                   << getElementTypeOrSelf(getInput().getType());
    return success();
  }
}

LogicalResult UnaryOp::reifyResultShapes(OpBuilder &b, ReifiedRankedShapedTypeDims &shapes) {
  return reifyAsOperand(*this, b, shapes, getInput());
}

//===----------------------------------------------------------------------===//
// binary, floor_mod
//===----------------------------------------------------------------------===//

LogicalResult BinaryOp::verify() {
  bool isFloat = isFloatElement(getType());
  switch (getKind()) {
  case BinaryKind::div:
  case BinaryKind::pow:
  case BinaryKind::atan2:
    if (!isFloat)
      return emitOpError("kind '") << stringifyBinaryKind(getKind())
                                   << "' needs float elements, got "
                                   << getElementTypeOrSelf(getType());
    return success();
  case BinaryKind::bit_and:
  case BinaryKind::bit_or:
  case BinaryKind::bit_xor:
    if (isFloat)
      return emitOpError("bitwise kind '") << stringifyBinaryKind(getKind())
                                           << "' needs integer or i1 elements, got "
                                           << getElementTypeOrSelf(getType());
    return success();
  default:
    return success();
  }
}

LogicalResult BinaryOp::reifyResultShapes(OpBuilder &b, ReifiedRankedShapedTypeDims &shapes) {
  return reifyAsOperand(*this, b, shapes, getLhs());
}

LogicalResult FloorModOp::verify() {
  if (getType().getElementType().isInteger(1))
    return emitOpError("needs numbers; i1 has no remainder");
  return success();
}

LogicalResult FloorModOp::reifyResultShapes(OpBuilder &b, ReifiedRankedShapedTypeDims &shapes) {
  return reifyAsOperand(*this, b, shapes, getLhs());
}

//===----------------------------------------------------------------------===//
// compare, select
//===----------------------------------------------------------------------===//

LogicalResult CompareOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location>,
                                          Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto lhs = dyn_cast<RankedTensorType>(adaptor.getLhs().getType());
  if (!lhs)
    return failure();
  types.push_back(makeTensorType(dimsOf(lhs), IntegerType::get(ctx, 1)));
  return success();
}

LogicalResult CompareOp::reifyResultShapes(OpBuilder &b, ReifiedRankedShapedTypeDims &shapes) {
  return reifyAsOperand(*this, b, shapes, getLhs());
}

LogicalResult SelectOp::inferReturnTypes(MLIRContext *, std::optional<Location>, Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  types.push_back(adaptor.getOnTrue().getType());
  return success();
}

LogicalResult SelectOp::verify() {
  Dims cond = dimsOf(getCondition().getType()), value = dimsOf(getType());
  if (cond != value)
    return emitOpError("condition shape ") << describe(cond) << " differs from the value shape "
                                           << describe(value);
  return success();
}

LogicalResult SelectOp::reifyResultShapes(OpBuilder &b, ReifiedRankedShapedTypeDims &shapes) {
  return reifyAsOperand(*this, b, shapes, getOnTrue());
}

//===----------------------------------------------------------------------===//
// cast
//===----------------------------------------------------------------------===//

LogicalResult CastOp::verify() {
  auto in = cast<RankedTensorType>(getInput().getType());
  auto out = cast<RankedTensorType>(getType());
  if (dimsOf(in) != dimsOf(out))
    return emitOpError("changes the shape from ")
           << describe(dimsOf(in)) << " to " << describe(dimsOf(out))
           << "; a cast only converts elements";
  return success();
}

LogicalResult CastOp::reifyResultShapes(OpBuilder &b, ReifiedRankedShapedTypeDims &shapes) {
  return reifyAsOperand(*this, b, shapes, getInput());
}

//===----------------------------------------------------------------------===//
// broadcast
//===----------------------------------------------------------------------===//

LogicalResult BroadcastOp::verify() {
  auto in = cast<RankedTensorType>(getInput().getType());
  auto out = cast<RankedTensorType>(getType());
  if (in.getElementType() != out.getElementType())
    return emitOpError("changes the element type from ")
           << in.getElementType() << " to " << out.getElementType();
  ArrayRef<int64_t> dims = getDims();
  if (static_cast<int64_t>(dims.size()) != in.getRank())
    return emitOpError("has ") << dims.size() << " entries in 'dims' for an operand of rank "
                               << in.getRank();
  Dims inDims = dimsOf(in), outDims = dimsOf(out);
  llvm::SmallVector<bool> mapped(out.getRank(), false);
  for (auto [i, d] : llvm::enumerate(dims)) {
    if (d < 0 || d >= out.getRank())
      return emitOpError("maps operand dim ") << i << " to result dim " << d
                                              << ", outside the result's rank "
                                              << out.getRank();
    if (i > 0 && d <= dims[i - 1])
      return emitOpError("'dims' must be strictly increasing");
    if (inDims[i] != outDims[d])
      return emitOpError("operand dim ")
             << i << " (" << describe(inDims[i]) << ") differs from result dim " << d << " ("
             << describe(outDims[d]) << ")";
    mapped[d] = true;
  }
  unsigned newDynamic = 0;
  for (auto [d, dim] : llvm::enumerate(outDims))
    newDynamic += !mapped[d] && dim.isDynamic();
  if (getDynamicDims().size() != newDynamic)
    return emitOpError("needs ") << newDynamic << " dynamic dim sizes for its new dynamic dims, got "
                                 << getDynamicDims().size();
  return success();
}

LogicalResult BroadcastOp::reifyResultShapes(OpBuilder &b, ReifiedRankedShapedTypeDims &shapes) {
  auto out = cast<RankedTensorType>(getType());
  llvm::SmallVector<int64_t> fromOperand(out.getRank(), -1);
  for (auto [i, d] : llvm::enumerate(getDims()))
    fromOperand[d] = i;
  unsigned next = 0;
  shapes.push_back(reifyDims(b, getLoc(), out, [&](int64_t d) {
    if (fromOperand[d] >= 0)
      return DimSource{getInput(), fromOperand[d]};
    return DimSource{getDynamicDims()[next++], -1};
  }));
  return success();
}
