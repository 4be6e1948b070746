//===- Passes.h - fusion under the target's capability table ---------------===//

#ifndef LOOM_PASSES_FUSION_PASSES_H
#define LOOM_PASSES_FUSION_PASSES_H

#include "dialects/loom/IR/LoomDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::loom {

#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "passes/Fusion/Passes.h.inc"

} // namespace mlir::loom

#endif // LOOM_PASSES_FUSION_PASSES_H
