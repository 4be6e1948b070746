//===- TestWorkgroupTiling.cpp - codegen/tiling on its own, for lit ---------===//

#include "test/lib/TestPasses.h"

#include "codegen/tiling/WorkgroupTiling.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::loom {
#define GEN_PASS_DEF_LOOMTESTWORKGROUPTILINGPASS
#include "test/lib/TestPasses.h.inc"
} // namespace mlir::loom

using namespace mlir;

namespace {

struct TestWorkgroupTilingPass final
    : mlir::loom::impl::LoomTestWorkgroupTilingPassBase<TestWorkgroupTilingPass> {
  void runOnOperation() override {
    SmallVector<func::FuncOp> kernels;
    getOperation().walk([&](func::FuncOp fn) { kernels.push_back(fn); });
    for (func::FuncOp fn : kernels)
      if (failed(loom::codegen::tileWorkgroups(fn)))
        return signalPassFailure();
  }
};

} // namespace
