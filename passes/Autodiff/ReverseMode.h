//===- ReverseMode.h - reverse-mode differentiation of loom functions -----===//
//
// The engine behind loom-autodiff: clones a function body, then walks it
// backwards asking each op's DifferentiableOpInterface for its VJP and
// summing cotangents. Calls are differentiated by generated VJP functions,
// one per (callee, set of arguments needing gradients), which recompute the
// callee's forward pass (activation checkpointing per layer). Results of a call
// that carry no cotangent cost nothing in its backward pass.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_PASSES_AUTODIFF_REVERSEMODE_H
#define LOOM_PASSES_AUTODIFF_REVERSEMODE_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::loom {

class ReverseMode {
public:
  explicit ReverseMode(ModuleOp module) : module(module), symbols(module) {}

  /// Clones `fn`'s body at `b` with `args` for its arguments, then builds its
  /// backward pass with respect to the arguments marked `active`. `seeds`
  /// receives the cloned returned values and gives their cotangents (null:
  /// zero). On success `outputs` holds the returned values and `grads` one
  /// cotangent per argument (null where none reaches it).
  LogicalResult differentiate(OpBuilder &b, func::FuncOp fn, ValueRange args,
                              ArrayRef<bool> active,
                              function_ref<SmallVector<Value>(ValueRange)> seeds,
                              SmallVectorImpl<Value> &outputs, SmallVectorImpl<Value> &grads);

  /// Counts the VJP functions generated so far (a statistic for tests).
  unsigned numVJPFunctions() const { return memo.size(); }

private:
  /// `mask`: the arguments that need cotangents; `seeded`: the results that
  /// carry one. Both are in the generated function's name.
  FailureOr<func::FuncOp> vjpFunction(func::FuncOp callee, ArrayRef<bool> mask,
                                      ArrayRef<bool> seeded, Location loc);

  ModuleOp module;
  SymbolTable symbols;
  llvm::StringMap<func::FuncOp> memo;
};

/// Zeros shaped like `like` (at its run-time sizes where dims are bounded).
Value zerosLike(OpBuilder &b, Location loc, Value like);

} // namespace mlir::loom

#endif // LOOM_PASSES_AUTODIFF_REVERSEMODE_H
