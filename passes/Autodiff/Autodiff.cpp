//===- Autodiff.cpp - @grad_step from @loss -------------------------------===//

#include "passes/Autodiff/Passes.h"

#include "dialects/loom/IR/LoomOps.h"
#include "passes/Autodiff/ReverseMode.h"
#include "dialects/loom/IR/VJPBuilder.h"

namespace mlir::loom {
#define GEN_PASS_DEF_LOOMAUTODIFFPASS
#include "passes/Autodiff/Passes.h.inc"
} // namespace mlir::loom

using namespace mlir;
using namespace mlir::loom;

namespace {

/// A trained parameter: a float argument named by loom.param, not frozen.
bool isTrained(func::FuncOp fn, unsigned i) {
  return fn.getArgAttr(i, "loom.param") && !fn.getArgAttr(i, "loom.frozen") &&
         isFloatTensor(fn.getArgument(i));
}

struct AutodiffPass final : loom::impl::LoomAutodiffPassBase<AutodiffPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto loss = module.lookupSymbol<func::FuncOp>(lossFunction);
    if (!loss) {
      module.emitError() << "loom-autodiff: no function @" << lossFunction << " to differentiate";
      return signalPassFailure();
    }
    if (module.lookupSymbol(gradFunction)) {
      loss.emitError() << "loom-autodiff: @" << gradFunction << " already exists";
      return signalPassFailure();
    }
    FunctionType type = loss.getFunctionType();
    auto scalar = type.getNumResults() == 1 ? dyn_cast<RankedTensorType>(type.getResult(0))
                                            : RankedTensorType();
    if (!scalar || scalar.getRank() != 0 || !isa<FloatType>(scalar.getElementType())) {
      loss.emitError() << "loom-autodiff: @" << lossFunction
                       << " must return one float scalar (tensor<f32>), not " << type;
      return signalPassFailure();
    }

    SmallVector<bool> active;
    SmallVector<unsigned> trained;
    for (unsigned i = 0; i < type.getNumInputs(); ++i) {
      active.push_back(isTrained(loss, i));
      if (active.back())
        trained.push_back(i);
    }

    // @grad_step(loss args..., accumulators...) -> (loss, accumulators...)
    SmallVector<Type> inputs(type.getInputs()), results{scalar};
    for (unsigned i : trained) {
      inputs.push_back(type.getInput(i));
      results.push_back(type.getInput(i));
    }
    OpBuilder b(module.getContext());
    b.setInsertionPointAfter(loss);
    auto grad = func::FuncOp::create(b, loss.getLoc(), gradFunction,
                                     b.getFunctionType(inputs, results));
    for (unsigned i = 0; i < type.getNumInputs(); ++i)
      grad.setArgAttrs(i, loss.getArgAttrDict(i));
    for (auto [k, i] : llvm::enumerate(trained))
      grad.setArgAttr(type.getNumInputs() + k, "loom.grad", loss.getArgAttr(i, "loom.param"));
    b.setInsertionPointToStart(grad.addEntryBlock());

    ReverseMode reverse(module);
    SmallVector<Value> outputs, grads;
    auto seedOne = [&](ValueRange outs) {
      auto t = cast<RankedTensorType>(outs[0].getType());
      Value one = ConstantOp::create(
          b, loss.getLoc(), DenseElementsAttr::get(t, FloatAttr::get(t.getElementType(), 1.0)));
      return SmallVector<Value>{one};
    };
    if (failed(reverse.differentiate(b, loss, grad.getArguments().take_front(type.getNumInputs()),
                                     active, seedOne, outputs, grads))) {
      grad.erase();
      return signalPassFailure();
    }
    SmallVector<Value> returned{outputs[0]};
    for (auto [k, i] : llvm::enumerate(trained)) {
      Value acc = grad.getArgument(type.getNumInputs() + k);
      // A parameter the loss does not reach keeps its accumulator.
      returned.push_back(grads[i] ? BinaryOp::create(b, loss.getLoc(), BinaryKind::add, acc,
                                                     grads[i])
                                        .getResult()
                                  : acc);
    }
    func::ReturnOp::create(b, loss.getLoc(), returned);
  }
};

} // namespace
