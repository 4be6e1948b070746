//===- LoomTraits.cpp - the bounded-shape invariant and fusion kinds -----===//

#include "dialects/loom/IR/LoomAttrs.h"
#include "dialects/loom/IR/LoomInterfaces.h"

using namespace mlir;
using namespace mlir::loom;

#include "dialects/loom/IR/LoomInterfaces.cpp.inc"

static LogicalResult verifyBounded(Operation *op, Type type, StringRef what, unsigned index) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return success();
  Attribute encoding = tensor.getEncoding();
  if (encoding && !isa<BoundsAttr>(encoding))
    return op->emitOpError() << what << " #" << index
                             << " has an encoding that is not #loom.bounds: " << encoding;
  if (encoding)
    return success(); // the encoding verified itself against the shape
  for (auto [d, size] : llvm::enumerate(tensor.getShape()))
    if (ShapedType::isDynamic(size))
      return op->emitOpError() << what << " #" << index << " has dynamic dim " << d
                               << " without a static bound (give the tensor a "
                                  "#loom.bounds encoding)";
  return success();
}

LogicalResult mlir::loom::OpTrait::verifyBoundedShapes(Operation *op) {
  for (auto [i, t] : llvm::enumerate(op->getOperandTypes()))
    if (failed(verifyBounded(op, t, "operand", i)))
      return failure();
  for (auto [i, t] : llvm::enumerate(op->getResultTypes()))
    if (failed(verifyBounded(op, t, "result", i)))
      return failure();
  return success();
}

StringRef mlir::loom::stringifyFusionKind(FusionKind kind) {
  switch (kind) {
  case FusionKind::Elementwise: return "elementwise";
  case FusionKind::Layout: return "layout";
  case FusionKind::RowReduction: return "row_reduction";
  case FusionKind::Scan: return "scan";
  case FusionKind::Contraction: return "contraction";
  case FusionKind::Attention: return "attention";
  case FusionKind::Generator: return "generator";
  case FusionKind::Opaque: return "opaque";
  }
  return "unknown";
}
