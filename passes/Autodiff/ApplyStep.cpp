//===- ApplyStep.cpp - @apply_step: clip, non-finite skip, AdamW, schedule -===//
//
// The update itself is AdamW.h's; this pass gives it per-parameter tensors.
// loom-pack-arenas later rebuilds it over flat arenas.
//
//===----------------------------------------------------------------------===//

#include "passes/Autodiff/Passes.h"

#include "dialects/loom/IR/LoomOps.h"
#include "dialects/loom/IR/VJPBuilder.h"
#include "passes/Autodiff/AdamW.h"

namespace mlir::loom {
#define GEN_PASS_DEF_LOOMBUILDAPPLYSTEPPASS
#include "passes/Autodiff/Passes.h.inc"
} // namespace mlir::loom

using namespace mlir;
using namespace mlir::loom;

namespace {

struct ApplyStepPass final : loom::impl::LoomBuildApplyStepPassBase<ApplyStepPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto loss = module.lookupSymbol<func::FuncOp>(lossFunction);
    if (!loss) {
      module.emitError() << "loom-build-apply-step: no function @" << lossFunction;
      return signalPassFailure();
    }
    FailureOr<Hyper> hyper = readHyper(module, "loom-build-apply-step");
    if (failed(hyper))
      return signalPassFailure();
    SmallVector<unsigned> trained;
    for (unsigned i = 0; i < loss.getNumArguments(); ++i)
      if (loss.getArgAttr(i, "loom.param") && !loss.getArgAttr(i, "loom.frozen") &&
          isFloatTensor(loss.getArgument(i)))
        trained.push_back(i);
    if (trained.empty()) {
      loss.emitError("loom-build-apply-step: no trained parameter");
      return signalPassFailure();
    }
    Type element = cast<RankedTensorType>(loss.getArgument(trained[0]).getType()).getElementType();
    for (unsigned i : trained)
      if (cast<RankedTensorType>(loss.getArgument(i).getType()).getElementType() != element) {
        loss.emitError("loom-build-apply-step: trained parameters of mixed element types are not "
                       "supported yet");
        return signalPassFailure();
      }
    build(module, loss, trained, *hyper, element);
  }

  void build(ModuleOp module, func::FuncOp loss, ArrayRef<unsigned> trained, const Hyper &h,
             Type element) {
    OpBuilder b(module.getContext());
    b.setInsertionPointToEnd(module.getBody());
    Location loc = loss.getLoc();
    size_t n = trained.size();
    SmallVector<Type> params;
    for (unsigned i : trained)
      params.push_back(loss.getArgument(i).getType());
    // (params, grads, m, v, step) -> (params, m, v, norm, skipped)
    SmallVector<Type> inputs;
    for (int group = 0; group < 4; ++group)
      inputs.append(params);
    auto i64 = RankedTensorType::get({}, b.getI64Type());
    inputs.push_back(i64);
    SmallVector<Type> results;
    for (int group = 0; group < 3; ++group)
      results.append(params);
    results.push_back(RankedTensorType::get({}, element));
    results.push_back(RankedTensorType::get({}, b.getI1Type()));
    auto fn = func::FuncOp::create(b, loc, "apply_step", b.getFunctionType(inputs, results));
    const char *groups[] = {"loom.param", "loom.grad", "loom.adam_m", "loom.adam_v"};
    for (int group = 0; group < 4; ++group)
      for (size_t k = 0; k < n; ++k)
        fn.setArgAttr(group * n + k, groups[group], loss.getArgAttr(trained[k], "loom.param"));
    fn.setArgAttr(4 * n, "loom.input", b.getStringAttr("step"));
    b.setInsertionPointToStart(fn.addEntryBlock());
    auto arg = [&](int group, size_t k) { return fn.getArgument(group * n + k); };

    SmallVector<AdamSlot> slots;
    for (size_t k = 0; k < n; ++k) // decoupled weight decay on matrices, not on norms
      slots.push_back({arg(0, k), arg(1, k), arg(2, k), arg(3, k),
                       cast<RankedTensorType>(params[k]).getRank() >= 2 ? -1 : 0});
    AdamResults out = buildAdamW(b, loc, h, element, slots, fn.getArgument(4 * n));
    SmallVector<Value> returned;
    returned.append(out.params);
    returned.append(out.m);
    returned.append(out.v);
    returned.push_back(out.norm);
    returned.push_back(out.skipped);
    func::ReturnOp::create(b, loc, returned);
  }
};

} // namespace
