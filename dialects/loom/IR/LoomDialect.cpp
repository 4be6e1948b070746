//===- LoomDialect.cpp - dialect registration -----------------------------===//

#include "dialects/loom/IR/LoomDialect.h"

#include "dialects/loom/IR/LoomOps.h"

#include "mlir/Transforms/InliningUtils.h"

using namespace mlir;
using namespace mlir::loom;

#include "dialects/loom/IR/LoomDialect.cpp.inc"

namespace {

/// Every loom op is pure and has no region of its own, so any call of a
/// function of loom ops can be inlined (the plan of a program is flat).
struct LoomInlinerInterface : DialectInlinerInterface {
  using DialectInlinerInterface::DialectInlinerInterface;
  bool isLegalToInline(Operation *, Region *, bool, IRMapping &) const final { return true; }
  bool isLegalToInline(Region *, Region *, bool, IRMapping &) const final { return true; }
};

} // namespace

void LoomDialect::initialize() {
  addInterfaces<LoomInlinerInterface>();
  registerAttributes();
  registerElementwiseOps();
  registerContractionOps();
  registerReductionOps();
  registerDataMovementOps();
  registerRandomOps();
  registerNormOps();
  registerAttentionOps();
  registerFusionOps();
}

Operation *LoomDialect::materializeConstant(OpBuilder &builder, Attribute value, Type type,
                                            Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, type, elements);
}
