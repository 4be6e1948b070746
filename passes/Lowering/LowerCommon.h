//===- LowerCommon.h - helpers shared by the loom-lower-to-linalg families -===//
//
// Each op family has one file (LowerElementwise.cpp, LowerContraction.cpp,
// LowerReduction.cpp, LowerDataMovement.cpp, LowerNorm.cpp, LowerSort.cpp,
// LowerRandom.cpp) with one entry point:
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
using ReduceBodyFn = function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)>;
/// A reduction generic of `inputs` (read with identity maps over the input's
/// rank) into `inits`, reducing `dims`; results keep only the other dims.
SmallVector<Value> reduceGeneric(OpBuilder &b, Location loc, ValueRange inputs, ValueRange inits,
                                 int64_t rank, ArrayRef<int64_t> dims, ReduceBodyFn body);
/// `shape` without `dims`.
SmallVector<int64_t> reducedShape(ArrayRef<int64_t> shape, ArrayRef<int64_t> dims);
/// A generic over `type` whose body gets `more` (identity maps) and then
/// `source` (of the reduced shape, `dims` dropped) read at each element.
Value expand(OpBuilder &b, Location loc, Value source, RankedTensorType type,
             ArrayRef<int64_t> dims, BodyFn body, ValueRange more = {});
/// The "'loom.X' op loom-lower-to-linalg: WHAT is not lowered yet" error.
LogicalResult notLowered(Operation *op, const Twine &what);

using Lowered = std::optional<LogicalResult>;
Lowered lowerElementwise(OpBuilder &b, Operation *op, Value &result);
Lowered lowerContraction(OpBuilder &b, Operation *op, Value &result);
Lowered lowerReduction(OpBuilder &b, Operation *op, Value &result);
Lowered lowerDataMovement(OpBuilder &b, Operation *op, Value &result);
/// Families whose ops may have several results set one value per result.
Lowered lowerNorm(OpBuilder &b, Operation *op, SmallVectorImpl<Value> &results);
Lowered lowerSort(OpBuilder &b, Operation *op, SmallVectorImpl<Value> &results);
Lowered lowerRandom(OpBuilder &b, Operation *op, SmallVectorImpl<Value> &results);

} // namespace mlir::loom::lowering

#endif // LOOM_PASSES_LOWERING_LOWERCOMMON_H
