//===- Pipelines.cpp - the compiler's pipeline as named phases ------------===//

#include "passes/Pipelines.h"

#include "passes/Autodiff/Passes.h"
#include "passes/Lowering/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::loom;

static constexpr std::pair<Phase, llvm::StringLiteral> kPhaseNames[] = {
    {Phase::Input, "input"},   {Phase::Autodiff, "autodiff"}, {Phase::Target, "target"},
    {Phase::Bounds, "bounds"}, {Phase::Fusion, "fusion"},     {Phase::Codegen, "codegen"},
};

StringRef mlir::loom::phaseName(Phase phase) {
  for (auto [p, name] : kPhaseNames)
    if (p == phase)
      return name;
  return "unknown";
}

std::optional<Phase> mlir::loom::parsePhase(StringRef name) {
  for (auto [p, n] : kPhaseNames)
    if (n == name)
      return p;
  return std::nullopt;
}

/// Input: the IR as the builders or a user wrote it, verified and simplified.
/// Canonicalization runs the IEEE-correct folds of the loom dialect; CSE then
/// merges what canonicalization made equal.
static void buildInputPhase(OpPassManager &pm) {
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createSymbolDCEPass());
}

/// Autodiff: @grad_step from @loss, @apply_step from the training block, both
/// then taking flat arenas, and the input phase's cleanups (VJPs leave dead
/// forward values behind).
static void buildAutodiffPhase(OpPassManager &pm) {
  pm.addPass(createLoomAutodiffPass());
  pm.addPass(createLoomBuildApplyStepPass());
  pm.addPass(createLoomPackArenasPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

LogicalResult mlir::loom::buildPhase(OpPassManager &pm, Phase phase, std::string &error) {
  switch (phase) {
  case Phase::Input:
    buildInputPhase(pm);
    return success();
  case Phase::Autodiff:
    buildAutodiffPhase(pm);
    return success();
  default:
    error = ("phase '" + phaseName(phase) +
             "' is not built yet (only 'input' and 'autodiff' exist in this version of Loom)")
                .str();
    return failure();
  }
}

void mlir::loom::registerLoomPipelines() {
  PassPipelineRegistration<>("loom-phase-input",
                             "Loom's input phase: canonicalize (IEEE-correct folds), CSE, "
                             "symbol DCE",
                             [](OpPassManager &pm) { buildInputPhase(pm); });
  PassPipelineRegistration<>("loom-phase-autodiff",
                             "Loom's autodiff phase: @grad_step and @apply_step, then cleanups",
                             [](OpPassManager &pm) { buildAutodiffPhase(pm); });
  registerLoomAutodiffPasses();
  registerLoomLoweringPasses();
}
