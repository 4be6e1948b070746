//===- AdamW.h - the optimizer step as loom ops ----------------------------===//
//
// One definition of the training step's update, shared by @apply_step over
// per-parameter tensors (loom-build-apply-step) and over flat arenas
// (loom-pack-arenas). Semantics: frontends/spec/model_spec.proto, Training.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_PASSES_AUTODIFF_ADAMW_H
#define LOOM_PASSES_AUTODIFF_ADAMW_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::loom {

/// The loom.training dictionary the builders attach to the module.
struct Hyper {
  double lr, minLr, warmup, total, beta1, beta2, eps, weightDecay, clipNorm;
};

/// Reads loom.training; reports the missing or ill-typed entry on the module.
FailureOr<Hyper> readHyper(ModuleOp module, StringRef pass);

/// One tensor the optimizer updates: parameter, gradient and both moments.
struct AdamSlot {
  Value param, grad, m, v;
  /// How many leading elements get weight decay: 0 none, -1 all (an arena
  /// lays decayed parameters first, so decay covers one prefix).
  int64_t decayed;
};

struct AdamResults {
  SmallVector<Value> params, m, v;
  Value norm, skipped; // rank-0: the global gradient norm; i1: the update was skipped
};

/// Builds the update of all `slots` at the builder's insertion point: the
/// schedule at `step` (tensor<i64>), global-norm clipping over every slot's
/// gradient, the non-finite skip, decoupled weight decay, bias-corrected AdamW.
AdamResults buildAdamW(OpBuilder &b, Location loc, const Hyper &h, Type element,
                       ArrayRef<AdamSlot> slots, Value step);

} // namespace mlir::loom

#endif // LOOM_PASSES_AUTODIFF_ADAMW_H
