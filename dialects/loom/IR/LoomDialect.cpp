//===- LoomDialect.cpp - dialect registration -----------------------------===//

#include "dialects/loom/IR/LoomDialect.h"

#include "dialects/loom/IR/LoomOps.h"

using namespace mlir;
using namespace mlir::loom;

#include "dialects/loom/IR/LoomDialect.cpp.inc"

void LoomDialect::initialize() {
  registerAttributes();
  registerElementwiseOps();
  registerContractionOps();
  registerReductionOps();
  registerDataMovementOps();
  registerRandomOps();
  registerNormOps();
  registerAttentionOps();
}

Operation *LoomDialect::materializeConstant(OpBuilder &builder, Attribute value, Type type,
                                            Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, type, elements);
}
