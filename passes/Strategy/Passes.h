//===- Passes.h - kernel strategies -----------------------------------------===//

#ifndef LOOM_PASSES_STRATEGY_PASSES_H
#define LOOM_PASSES_STRATEGY_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::loom {

#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "passes/Strategy/Passes.h.inc"

} // namespace mlir::loom

#endif // LOOM_PASSES_STRATEGY_PASSES_H
