//===- LowerCommon.h - helpers shared by the loom-lower-to-linalg families -===//
//
// Each op family has one file (LowerElementwise.cpp, LowerContraction.cpp,
// LowerReduction.cpp, LowerDataMovement.cpp) with one entry point:
// `lowerX(b, op, result)` returns std::nullopt when `op` is not in the family,
// failure (after an error naming what is not lowered yet) when it is but
// cannot be lowered, and success with `result` set otherwise.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_PASSES_LOWERING_LOWERCOMMON_H
#define LOOM_PASSES_LOWERING_LOWERCOMMON_H

#include "passes/Lowering/Passes.h"

#include "dialects/loom/IR/LoomOps.h"

#include <optional>

namespace mlir::loom::lowering {

using BodyFn = function_ref<Value(OpBuilder &, Location, ValueRange)>;

/// A linalg.generic over `type` with parallel iterators: input i is read
/// through `inputMaps[i]`, the result is written elementwise.
Value generic(OpBuilder &b, Location loc, RankedTensorType type, ValueRange inputs,
              ArrayRef<AffineMap> inputMaps, BodyFn body);
/// An elementwise generic whose inputs all have the result's shape.
Value elementwise(OpBuilder &b, Location loc, RankedTensorType type, ValueRange inputs,
                  BodyFn body);
/// `tensor.empty` of `type` filled with the scalar `value`.
Value filled(OpBuilder &b, Location loc, RankedTensorType type, Value value);
/// A scalar constant of `type` (float or integer).
Value scalar(OpBuilder &b, Location loc, Type type, double value);
/// Converts a scalar between numeric types with CastOp's rules.
Value castScalar(OpBuilder &b, Location loc, Value x, Type to);
/// The "'loom.X' op loom-lower-to-linalg: WHAT is not lowered yet" error.
LogicalResult notLowered(Operation *op, const Twine &what);

using Lowered = std::optional<LogicalResult>;
Lowered lowerElementwise(OpBuilder &b, Operation *op, Value &result);
Lowered lowerContraction(OpBuilder &b, Operation *op, Value &result);
Lowered lowerReduction(OpBuilder &b, Operation *op, Value &result);
Lowered lowerDataMovement(OpBuilder &b, Operation *op, Value &result);

} // namespace mlir::loom::lowering

#endif // LOOM_PASSES_LOWERING_LOWERCOMMON_H
