//===- KernelStrategy.cpp - loom-kernel-strategy: strategy and grid --------===//
//
// Reads each kernel's rows (RowLocality.h) and records its strategy, its
// grid and the rows of one workgroup, by the rule in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "passes/Strategy/Passes.h"
#include "passes/Strategy/RowLocality.h"

#include "passes/Plan/PlanClassify.h"

namespace mlir::loom {
#define GEN_PASS_DEF_LOOMKERNELSTRATEGYPASS
#include "passes/Strategy/Passes.h.inc"
} // namespace mlir::loom

using namespace mlir;
using namespace mlir::loom;
using namespace mlir::loom::strategy;

namespace {

/// The rows of one workgroup (Passes.td, "Grid").
int64_t chooseTileRows(const KernelRows &rows, int64_t minWork, int64_t maxWorkgroups) {
  int64_t numRows = rows.numRows(), perRow = rows.rowWork;
  if (numRows * perRow < 2 * minWork)
    return numRows;
  for (int64_t t = 1; t < numRows; ++t) {
    if (numRows % t != 0 || t * perRow < minWork || numRows / t > maxWorkgroups)
      continue;
    if (succeeded(rowTileExtents(rows.rowShape, t)))
      return t;
  }
  return numRows;
}

struct KernelStrategy : mlir::loom::impl::LoomKernelStrategyPassBase<KernelStrategy> {
  using Base::Base;

  void runOnOperation() override {
    if (minWork < 1 || maxWorkgroups < 1) {
      getOperation().emitError() << "loom-kernel-strategy: min-work and max-workgroups "
                                    "must be at least 1";
      return signalPassFailure();
    }
    // The nested @kernels, or the module itself when it is @kernels.
    SmallVector<ModuleOp> modules{getOperation()};
    llvm::append_range(modules, getOperation().getOps<ModuleOp>());
    for (ModuleOp kernels : modules)
      if (kernels.getSymName() == kKernelModuleName)
        for (auto fn : kernels.getOps<func::FuncOp>())
          annotate(fn);
  }

  void annotate(func::FuncOp fn) {
    Builder b(fn.getContext());
    fn->removeAttr(kTileRowsAttr);
    FailureOr<KernelRows> rows = analyzeKernelRows(fn);
    int64_t workgroups = 1;
    if (failed(rows)) {
      fn->setAttr(kStrategyAttr, b.getStringAttr(kSerialStrategy));
    } else {
      int64_t tile = chooseTileRows(*rows, minWork, maxWorkgroups);
      workgroups = rows->numRows() / tile;
      fn->setAttr(kStrategyAttr, b.getStringAttr(strategyName(rows->kind)));
      fn->setAttr(kTileRowsAttr, b.getI64IntegerAttr(tile));
    }
    fn->setAttr(kWorkgroupsAttr, b.getDenseI64ArrayAttr({workgroups, 1, 1}));
  }
};

} // namespace
