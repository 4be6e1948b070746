//===- PlanClassify.h - how the target runs each op ------------------------===//
//
// One place decides which ops are library calls, which are views and which
// become generated kernels, so that loom-form-dispatches (which outlines the
// kernels) and loom-plan-memory (which plans the rest) agree.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_PASSES_PLAN_PLANCLASSIFY_H
#define LOOM_PASSES_PLAN_PLANCLASSIFY_H

#include "mlir/IR/Operation.h"

#include <cstdint>

namespace mlir::loom {

/// The name of the nested module holding the kernels.
inline constexpr const char kKernelModuleName[] = "kernels";

enum class OpPlacement {
  Gemm,      // loom.matmul / loom.linear over f32 → GEMM library calls (a
             // linear with a bias only where the library has a bias epilogue)
  Attention, // loom.attention / attention_grad over f32 → the runtime routine
  View,      // loom.reshape, contiguous loom.slice → an alias of the source
  Fill,      // a splat loom.constant → a fill
  Dispatch,  // loomrt.dispatch (after loom-form-dispatches)
  Return,    // func.return
  Kernel,    // anything else: a generated kernel
};

/// How `op` runs on the target of its module (the nearest enclosing module
/// with `loom.target`; none: the cpu's table, where nothing is assumed of
/// the GEMM library beyond alpha and beta).
OpPlacement classify(Operation *op);

/// For a View op: the byte offset of the result in its source's buffer.
int64_t viewByteOffset(Operation *op);

} // namespace mlir::loom

#endif // LOOM_PASSES_PLAN_PLANCLASSIFY_H
