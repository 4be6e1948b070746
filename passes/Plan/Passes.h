//===- Passes.h - from loom IR to the runtime's command plan ---------------===//

#ifndef LOOM_PASSES_PLAN_PASSES_H
#define LOOM_PASSES_PLAN_PASSES_H

#include "dialects/loomrt/IR/LoomrtDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Pass/Pass.h"

namespace mlir::loom {

#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "passes/Plan/Passes.h.inc"

} // namespace mlir::loom

#endif // LOOM_PASSES_PLAN_PASSES_H
