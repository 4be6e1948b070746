//===- RandomOps.cpp - Philox key derivation and draws --------------------===//

#include "dialects/loom/IR/RandomOps.h"

#include "dialects/loom/IR/ShapeUtils.h"

using namespace mlir;
using namespace mlir::loom;

#define GET_OP_CLASSES
#include "dialects/loom/IR/RandomOps.cpp.inc"

void LoomDialect::registerRandomOps() {
  addOperations<
#define GET_OP_LIST
#include "dialects/loom/IR/RandomOps.cpp.inc"
      >();
}

LogicalResult RandomFoldInOp::reifyResultShapes(OpBuilder &b,
                                                ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back({});
  return success();
}

template <typename OpT>
static LogicalResult verifyDraw(OpT op) {
  auto type = op.getType();
  if (op.getDynamicDims().size() != type.getNumDynamicDims())
    return op.emitOpError("needs ") << type.getNumDynamicDims() << " dynamic dim sizes, got "
                                    << op.getDynamicDims().size();
  return success();
}

LogicalResult RandomUniformOp::verify() { return verifyDraw(*this); }
LogicalResult RandomNormalOp::verify() { return verifyDraw(*this); }

LogicalResult RandomUniformOp::reifyResultShapes(OpBuilder &b,
                                                 ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyFromOperands(b, getLoc(), getType(), getDynamicDims()));
  return success();
}

LogicalResult RandomNormalOp::reifyResultShapes(OpBuilder &b,
                                                ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyFromOperands(b, getLoc(), getType(), getDynamicDims()));
  return success();
}
