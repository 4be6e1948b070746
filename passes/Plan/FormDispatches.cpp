//===- FormDispatches.cpp - loom-form-dispatches: one kernel per op --------===//
//
// Decides, per op, whether the target runs it as a library call, a view or a
// generated kernel (PlanClassify.h says which), and outlines every
// generated-kernel op into @kernels. Kernels are keyed by their printed form,
// so the two layers of a model share their kernels.
//
//===----------------------------------------------------------------------===//

#include "passes/Plan/Passes.h"
#include "passes/Plan/PlanClassify.h"

#include "dialects/loom/IR/LoomOps.h"

#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::loom {
#define GEN_PASS_DEF_LOOMFORMDISPATCHESPASS
#include "passes/Plan/Passes.h.inc"
} // namespace mlir::loom

using namespace mlir;
using namespace mlir::loom;

namespace {

/// The nested module that holds the kernels, created at the end of `module`.
ModuleOp kernelModule(ModuleOp module) {
  for (auto nested : module.getOps<ModuleOp>())
    if (nested.getSymName() == kKernelModuleName)
      return nested;
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  return ModuleOp::create(b, module.getLoc(), StringRef(kKernelModuleName));
}

/// A kernel's identity: its body printed generically without locations.
std::string kernelKey(func::FuncOp fn) {
  std::string key;
  llvm::raw_string_ostream os(key);
  fn.getFunctionBody().front().walk([&](Operation *op) {
    op->print(os, OpPrintingFlags().printGenericOpForm());
    os << "\n";
  });
  os << fn.getFunctionType();
  return key;
}

struct FormDispatches : mlir::loom::impl::LoomFormDispatchesPassBase<FormDispatches> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    ModuleOp kernels;
    llvm::StringMap<std::string> byKey;
    unsigned next = 0;
    for (auto fn : llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (fn.isPrivate() || fn.isExternal())
        continue;
      for (Operation &op : llvm::make_early_inc_range(fn.getFunctionBody().front())) {
        if (isa<func::CallOp>(op)) {
          op.emitError() << "loom-form-dispatches: calls must be inlined first (run 'inline')";
          return signalPassFailure();
        }
        // Constants wait: kernels that read them take a clone.
        if (isa<ConstantOp>(op) || classify(&op) != OpPlacement::Kernel)
          continue;
        if (!kernels)
          kernels = kernelModule(module);
        if (failed(outline(&op, kernels, byKey, next)))
          return signalPassFailure();
      }
      // Constants that only kernels read are gone; a dense one that a library
      // call or the caller reads becomes a kernel of its own.
      for (Operation &op : llvm::make_early_inc_range(fn.getFunctionBody().front())) {
        if (!isa<ConstantOp>(op))
          continue;
        if (op.use_empty()) {
          op.erase();
        } else if (classify(&op) == OpPlacement::Kernel) {
          if (!kernels)
            kernels = kernelModule(module);
          if (failed(outline(&op, kernels, byKey, next)))
            return signalPassFailure();
        }
      }
    }
  }

  /// Replaces `op` by a dispatch of a kernel holding a clone of it.
  LogicalResult outline(Operation *op, ModuleOp kernels, llvm::StringMap<std::string> &byKey,
                        unsigned &next) {
    for (Type t : op->getResultTypes())
      if (!cast<ShapedType>(t).hasStaticShape())
        return op->emitError() << "loom-form-dispatches: result type " << t
                               << " is not static (run loom-materialize-bounds)";
    // Operands: constants are cloned into the kernel, anything else is passed.
    SmallVector<Value> passed;
    for (Value v : op->getOperands())
      if (!isa_and_nonnull<ConstantOp>(v.getDefiningOp()) && !llvm::is_contained(passed, v))
        passed.push_back(v);
    OpBuilder b(op->getContext());
    auto type = b.getFunctionType(ValueRange(passed).getTypes(), op->getResultTypes());
    auto fn = func::FuncOp::create(op->getLoc(), "k", type);
    Block *body = fn.addEntryBlock();
    b.setInsertionPointToStart(body);
    IRMapping map;
    for (auto [v, arg] : llvm::zip(passed, body->getArguments()))
      map.map(v, arg);
    for (Value v : op->getOperands())
      if (!map.contains(v))
        map.map(v, b.clone(*v.getDefiningOp())->getResult(0));
    if (auto fusion = dyn_cast<FusionOp>(op)) {
      // A fusion region's body is the kernel's body.
      Block &region = fusion.getBody().front();
      for (auto [arg, input] : llvm::zip(region.getArguments(), fusion.getInputs()))
        map.map(arg, map.lookup(input));
      for (Operation &inner : region.without_terminator())
        b.clone(inner, map);
      SmallVector<Value> results;
      for (Value v : cast<YieldOp>(region.getTerminator()).getValues())
        results.push_back(map.lookup(v));
      func::ReturnOp::create(b, op->getLoc(), results);
    } else {
      Operation *clone = b.clone(*op, map);
      func::ReturnOp::create(b, op->getLoc(), clone->getResults());
    }

    std::string key = kernelKey(fn);
    auto found = byKey.find(key);
    std::string name;
    if (found != byKey.end()) {
      name = found->second;
      fn.erase();
    } else {
      StringRef what = op->getName().stripDialect();
      if (auto fusion = dyn_cast<FusionOp>(op))
        what = stringifyFusionRegionKind(fusion.getKind()); // k7_row_reduction, k8_elementwise
      name = ("k" + Twine(next++) + "_" + what).str();
      fn.setSymName(name);
      kernels.getBody()->push_back(fn);
      byKey[key] = name;
    }
    OpBuilder at(op);
    auto ref = SymbolRefAttr::get(at.getStringAttr(kKernelModuleName),
                                  {FlatSymbolRefAttr::get(at.getStringAttr(name))});
    auto dispatch =
        loomrt::DispatchOp::create(at, op->getLoc(), op->getResultTypes(), ref, passed);
    op->replaceAllUsesWith(dispatch.getResults());
    op->erase();
    return success();
  }
};

} // namespace
