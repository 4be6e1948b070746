//===- Pipelines.h - the compiler's pipeline as named phases --------------===//
//
// The phases of DESIGN.md §2, in order. Each phase is a pass pipeline that
// loom-opt and loomc can run alone (`--loom-phase-<name>`), so any phase's
// output can be inspected and fed back in. Phases that later issues add
// (autodiff, target selection, bound materialization, fusion, codegen) are
// listed here so that asking for one fails loudly instead of doing nothing.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_PASSES_PIPELINES_H
#define LOOM_PASSES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringRef.h"

#include <optional>

namespace mlir::loom {

enum class Phase {
  Input,      // verify, canonicalize, CSE: the model as written, simplified
  Autodiff,   // @grad_step and @apply_step
  Target,     // loom.target selection
  Bounds,     // bounded dims become static tensors plus counts
  Fusion,     // kernels formed (one per op until the fusion policy of issue 6)
  Codegen,    // memory planning: the command plan in the loomrt dialect
};

llvm::StringRef phaseName(Phase phase);
std::optional<Phase> parsePhase(llvm::StringRef name);

/// What the phases after autodiff need to know.
struct PhaseOptions {
  std::string target = "cpu"; // cpu or cuda
  bool explainFusion = false; // loom-fuse prints the reason of every decision
};

/// Appends the passes of `phase` to `pm`. Fails, with a message, for a
/// target other than cpu and cuda.
llvm::LogicalResult buildPhase(OpPassManager &pm, Phase phase, std::string &error,
                               const PhaseOptions &options = {});

/// The dialects and extensions the phases need in a context: loom, loomrt,
/// func, and func's inliner extension (the fusion phase inlines calls).
void registerPipelineDialects(DialectRegistry &registry);

/// Registers each built phase as a pass pipeline `loom-phase-<name>`.
void registerLoomPipelines();

} // namespace mlir::loom

#endif // LOOM_PASSES_PIPELINES_H
