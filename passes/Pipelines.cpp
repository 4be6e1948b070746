//===- Pipelines.cpp - the compiler's pipeline as named phases ------------===//

#include "passes/Pipelines.h"

#include "passes/Autodiff/Passes.h"
#include "passes/Fusion/Passes.h"
#include "passes/Lowering/Passes.h"
#include "passes/Plan/Passes.h"
#include "passes/Strategy/Passes.h"

#include "dialects/loom/IR/LoomDialect.h"
#include "dialects/loomrt/IR/LoomrtDialect.h"

#include "mlir/Dialect/Func/Extensions/InlinerExtension.h"
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

/// Target: everything after this knows what it compiles for. On cuda the
/// later phases are the cpu's, reading the target: fusion takes the cuda
/// capability table (cuBLASLt's bias epilogue, the kernel parameter limit),
/// the plan makes a biased linear one GEMM, and the kernel strategies have
/// GPU-sized grids (kernelStrategyOptions: a workgroup is a block of 512
/// threads); the bundle's cubin and its host kernels.so run the same
/// launches.
static void buildTargetPhase(OpPassManager &pm, const PhaseOptions &options) {
  LoomSelectTargetPassOptions o;
  o.target = options.target;
  pm.addPass(createLoomSelectTargetPass(o));
}

/// Bounds: static shapes only from here on.
static void buildBoundsPhase(OpPassManager &pm) { pm.addPass(createLoomMaterializeBoundsPass()); }

/// The grid of each kernel. The strategy's defaults are the CPU's (a workgroup
/// of 65536 units of work amortizes waking a pool thread). A GPU block of 512
/// threads wants about 16 units a thread, and many blocks: 132 SMs take 4 of
/// them each at a time, so a kernel of 16M elements gets 2048 blocks instead
/// of the CPU's 256, and an elementwise op of 1M elements 128 instead of 16.
static LoomKernelStrategyPassOptions kernelStrategyOptions(StringRef target) {
  LoomKernelStrategyPassOptions o;
  if (target == "cuda") {
    o.minWork = 8192;
    o.maxWorkgroups = 16384;
  }
  return o;
}

/// Fusion: the plan is flat, so calls are inlined first (the private layer
/// functions then go); the fusion policy forms loom.fusion regions under the
/// target's capability table, and kernel formation outlines one kernel per
/// region (or per remaining op).
static void buildFusionPhase(OpPassManager &pm, const PhaseOptions &options) {
  pm.addPass(createInlinerPass());
  pm.addPass(createSymbolDCEPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  LoomFusePassOptions fuse;
  fuse.explain = options.explainFusion;
  pm.addPass(createLoomFusePass(fuse));
  pm.addPass(createLoomFormDispatchesPass());
  pm.addPass(createLoomKernelStrategyPass(kernelStrategyOptions(options.target)));
}

/// Codegen (the IR half): memory planning into the loomrt dialect. Kernel
/// compilation and the bundle are codegen/'s (loomc -o DIR).
static void buildCodegenPhase(OpPassManager &pm) { pm.addPass(createLoomPlanMemoryPass()); }

LogicalResult mlir::loom::buildPhase(OpPassManager &pm, Phase phase, std::string &error,
                                     const PhaseOptions &options) {
  switch (phase) {
  case Phase::Input:
    buildInputPhase(pm);
    return success();
  case Phase::Autodiff:
    buildAutodiffPhase(pm);
    return success();
  case Phase::Target:
    if (options.target != "cpu" && options.target != "cuda") {
      error = "unknown target '" + options.target + "' (expected cpu or cuda)";
      return failure();
    }
    buildTargetPhase(pm, options);
    return success();
  case Phase::Bounds:
    buildBoundsPhase(pm);
    return success();
  case Phase::Fusion:
    buildFusionPhase(pm, options);
    return success();
  case Phase::Codegen:
    buildCodegenPhase(pm);
    return success();
  }
  error = "unknown phase";
  return failure();
}

void mlir::loom::registerPipelineDialects(DialectRegistry &registry) {
  registry.insert<LoomDialect, loomrt::LoomrtDialect, func::FuncDialect>();
  func::registerInlinerExtension(registry);
}

void mlir::loom::registerLoomPipelines() {
  PassPipelineRegistration<>("loom-phase-input",
                             "Loom's input phase: canonicalize (IEEE-correct folds), CSE, "
                             "symbol DCE",
                             [](OpPassManager &pm) { buildInputPhase(pm); });
  PassPipelineRegistration<>("loom-phase-autodiff",
                             "Loom's autodiff phase: @grad_step and @apply_step, then cleanups",
                             [](OpPassManager &pm) { buildAutodiffPhase(pm); });
  PassPipelineRegistration<>("loom-phase-target",
                             "Loom's target phase (cpu; loom-select-target=target=cuda for cuda)",
                             [](OpPassManager &pm) { buildTargetPhase(pm, PhaseOptions{}); });
  PassPipelineRegistration<>("loom-phase-bounds", "Loom's bound materialization phase",
                             [](OpPassManager &pm) { buildBoundsPhase(pm); });
  PassPipelineRegistration<>("loom-phase-fusion",
                             "Loom's fusion phase: inline, loom-fuse (regions under the target's capability table), one kernel per region or op",
                             [](OpPassManager &pm) { buildFusionPhase(pm, PhaseOptions{}); });
  PassPipelineRegistration<>("loom-phase-codegen",
                             "Loom's codegen phase (IR half): memory planning into loomrt",
                             [](OpPassManager &pm) { buildCodegenPhase(pm); });
  registerLoomAutodiffPasses();
  registerLoomPlanPasses();
  registerLoomFusionPasses();
  registerLoomLoweringPasses();
  registerLoomStrategyPasses();
}
