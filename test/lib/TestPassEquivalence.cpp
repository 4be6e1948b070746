//===- TestPassEquivalence.cpp - translation validation of a pipeline -----===//

#include "test/lib/TestPasses.h"

#include "codegen/reference/Interpreter.h"
#include "dialects/loom/IR/LoomOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

#include <cmath>
#include <random>

namespace mlir::loom {
#define GEN_PASS_DEF_LOOMTESTBREAKSUBTRACTIONPASS
#define GEN_PASS_DEF_LOOMTESTPASSEQUIVALENCEPASS
#include "test/lib/TestPasses.h.inc"
} // namespace mlir::loom

using namespace mlir;
using namespace mlir::loom;
using ::loom::reference::Tensor;

namespace {

struct BreakSubtractionPass final
    : mlir::loom::impl::LoomTestBreakSubtractionPassBase<BreakSubtractionPass> {
  void runOnOperation() override {
    getOperation().walk([](BinaryOp op) {
      if (op.getKind() == BinaryKind::sub) {
        Value lhs = op.getLhs();
        op->setOperand(0, op.getRhs());
        op->setOperand(1, lhs);
      }
    });
  }
};

/// Random inputs for `fn`, or nullopt when it takes something we cannot make.
std::optional<std::vector<Tensor>> randomInputs(func::FuncOp fn, std::mt19937_64 &rng) {
  std::uniform_real_distribution<double> real(-1.0, 1.0);
  std::uniform_int_distribution<int64_t> small(0, 3);
  std::vector<Tensor> inputs;
  for (Type t : fn.getArgumentTypes()) {
    auto type = dyn_cast<RankedTensorType>(t);
    if (!type)
      return std::nullopt;
    std::vector<int64_t> shape = ::loom::reference::boundedShape(type);
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    if (isa<FloatType>(type.getElementType())) {
      std::vector<double> values(n);
      for (double &v : values)
        v = real(rng);
      inputs.push_back(Tensor::floats(type.getElementType(), shape, values));
    } else if (type.getElementType().isIntOrIndex() && !type.getElementType().isIndex()) {
      std::vector<int64_t> values(n);
      for (int64_t &v : values)
        v = type.getElementType().isInteger(1) ? small(rng) % 2 : small(rng);
      inputs.push_back(Tensor::ints(type.getElementType(), shape, values));
    } else {
      return std::nullopt;
    }
  }
  return inputs;
}

struct PassEquivalencePass final
    : mlir::loom::impl::LoomTestPassEquivalencePassBase<PassEquivalencePass> {
  using Base::Base;

  /// The dialects the pipeline under test creates must be loaded before it
  /// runs (a nested pipeline does not load them itself).
  void getDependentDialects(DialectRegistry &registry) const override {
    OpPassManager pm("builtin.module");
    if (!pipeline.empty() && succeeded(parsePassPipeline(pipeline, pm)))
      pm.getDependentDialects(registry);
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    OwningOpRef<ModuleOp> before = module.clone();

    OpPassManager pm("builtin.module");
    if (pipeline.empty() || failed(parsePassPipeline(pipeline, pm))) {
      module.emitError() << "loom-test-pass-equivalence: cannot parse the pipeline '" << pipeline
                         << "'";
      return signalPassFailure();
    }
    if (failed(runPipeline(pm, module)))
      return signalPassFailure();

    namespace ref = ::loom::reference;
    ref::Interpreter original(*before, {ref::Precision::F64});
    ref::Interpreter transformed(module, {ref::Precision::F64});
    std::mt19937_64 rng(seed);
    bool failedAny = false;
    for (auto fn : before->getOps<func::FuncOp>()) {
      if (fn.isPrivate() || fn.isExternal() || !module.lookupSymbol<func::FuncOp>(fn.getSymName()))
        continue;
      for (unsigned trial = 0; trial < trials; ++trial) {
        std::optional<std::vector<Tensor>> inputs = randomInputs(fn, rng);
        if (!inputs) {
          fn.emitRemark("loom-test-pass-equivalence: skipped (an argument that random inputs "
                        "cannot fill)");
          break;
        }
        std::string error;
        auto expected = original.run(fn.getSymName(), *inputs, error);
        if (failed(expected)) {
          fn.emitRemark() << "loom-test-pass-equivalence: skipped (the original refuses random "
                             "inputs: "
                          << error << ")";
          break;
        }
        auto actual = transformed.run(fn.getSymName(), *inputs, error);
        if (failed(actual)) {
          module.emitError() << "loom-test-pass-equivalence: @" << fn.getSymName()
                             << " fails after the pipeline: " << error;
          failedAny = true;
          break;
        }
        for (size_t r = 0; r < expected->size(); ++r) {
          const Tensor &e = (*expected)[r], &a = (*actual)[r];
          double worst = e.shape == a.shape ? 0 : INFINITY;
          for (size_t i = 0; i < e.f.size() && i < a.f.size() && std::isfinite(worst); ++i) {
            if (std::isnan(e.f[i]) && std::isnan(a.f[i]))
              continue;
            if (e.f[i] != a.f[i])
              worst = std::max(worst, std::fabs(e.f[i] - a.f[i]) / (std::fabs(e.f[i]) + 1e-300));
          }
          if (e.i != a.i)
            worst = INFINITY;
          if (worst > tolerance) {
            module.emitError() << "loom-test-pass-equivalence: @" << fn.getSymName() << " result "
                               << r << " differs after the pipeline (relative error " << worst
                               << " > " << tolerance << ", trial " << trial << ")";
            failedAny = true;
          }
        }
      }
    }
    if (failedAny)
      signalPassFailure();
  }
};

} // namespace
