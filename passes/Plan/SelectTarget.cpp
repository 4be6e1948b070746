//===- SelectTarget.cpp - loom-select-target -------------------------------===//

#include "passes/Plan/Passes.h"

namespace mlir::loom {
#define GEN_PASS_DEF_LOOMSELECTTARGETPASS
#include "passes/Plan/Passes.h.inc"
} // namespace mlir::loom

using namespace mlir;

namespace {

struct SelectTarget : mlir::loom::impl::LoomSelectTargetPassBase<SelectTarget> {
  using LoomSelectTargetPassBase::LoomSelectTargetPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (target != "cpu" && target != "cuda") {
      module.emitError() << "loom-select-target: unknown target '" << target
                         << "' (expected cpu or cuda)";
      return signalPassFailure();
    }
    if (auto old = module->getAttrOfType<StringAttr>("loom.target");
        old && old.getValue() != target) {
      module.emitError() << "loom-select-target: the module is compiled for '" << old.getValue()
                         << "' already, not '" << target
                         << "'; recompile from the autodiff phase for another target";
      return signalPassFailure();
    }
    module->setAttr("loom.target", StringAttr::get(module.getContext(), target));
  }
};

} // namespace
