//===- MaterializeBounds.cpp - loom-materialize-bounds ---------------------===//
//
// The rewrite of bounded dims into static tensors plus counts is not built:
// this pass is the place it goes, and until then it makes sure no bounded
// tensor reaches code generation, with an error at the op that has one.
//
//===----------------------------------------------------------------------===//

#include "passes/Plan/Passes.h"

namespace mlir::loom {
#define GEN_PASS_DEF_LOOMMATERIALIZEBOUNDSPASS
#include "passes/Plan/Passes.h.inc"
} // namespace mlir::loom

using namespace mlir;

namespace {

bool isDynamic(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  return shaped && !shaped.hasStaticShape();
}

struct MaterializeBounds
    : mlir::loom::impl::LoomMaterializeBoundsPassBase<MaterializeBounds> {
  void runOnOperation() override {
    bool failedAny = false;
    getOperation().walk([&](func::FuncOp fn) {
      for (auto [i, type] : llvm::enumerate(fn.getArgumentTypes()))
        if (isDynamic(type)) {
          fn.emitError() << "loom-materialize-bounds: argument " << i << " of @"
                         << fn.getSymName() << " has bounded type " << type
                         << "; bound materialization is not built yet (only static shapes "
                            "compile)";
          failedAny = true;
          return WalkResult::interrupt();
        }
      WalkResult r = fn.walk([&](Operation *op) {
        for (Type t : op->getResultTypes())
          if (isDynamic(t)) {
            op->emitError() << "loom-materialize-bounds: result type " << t
                            << " is bounded; bound materialization is not built yet (only "
                               "static shapes compile)";
            failedAny = true;
            return WalkResult::interrupt();
          }
        return WalkResult::advance();
      });
      return r;
    });
    if (failedAny)
      signalPassFailure();
  }
};

} // namespace
