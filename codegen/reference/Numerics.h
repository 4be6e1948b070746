//===- Numerics.h - rounding to narrow floats, integer widths, casts -------===//
//
// The scalar rules every kernel and the op-boundary rounding share:
//   * floats are rounded from double straight to their element type (never via
//     f32, which would round twice), to nearest even, with IEEE overflow to
//     ±inf and gradual underflow; bf16 and f16 are emulated exactly;
//   * integers wrap to their width (two's complement); i1 is the 1-bit
//     unsigned number 0 or 1, so add/sub are xor and mul is and;
//   * loom.cast's rules (CastOp's description).
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_CODEGEN_REFERENCE_NUMERICS_H
#define LOOM_CODEGEN_REFERENCE_NUMERICS_H

#include "mlir/IR/Types.h"

#include <cstdint>

namespace loom::reference {

/// x rounded to nearest even in `floatType` (f64: unchanged).
double roundToNearest(double x, mlir::Type floatType);
/// The same for one format, without a Type (file IO has no context).
double roundToBF16(double x);
double roundToF16(double x);
/// x rounded toward zero in `floatType` (random_uniform's draws).
double roundTowardZero(double x, mlir::Type floatType);

/// max and min that propagate NaN (torch.maximum, loom's float max/min).
inline double maxPropagatingNaN(double a, double b) {
  return a != a || b != b ? a + b : (a > b ? a : b);
}
inline double minPropagatingNaN(double a, double b) {
  return a != a || b != b ? a + b : (a < b ? a : b);
}

/// Bits of an integer-like type: i64, i32, i8, i1; index is 64.
unsigned bitWidth(mlir::Type intType);
/// x wrapped to `bits` (two's complement; 1 bit is 0 or 1).
int64_t wrapToBits(uint64_t x, unsigned bits);
inline int64_t wrapTo(uint64_t x, mlir::Type intType) { return wrapToBits(x, bitWidth(intType)); }
/// The range of an integer type (i1: [0, 1]).
int64_t minOf(mlir::Type intType);
int64_t maxOf(mlir::Type intType);

/// loom.cast from a float to an integer type: rounds toward zero and saturates,
/// NaN gives 0; to i1 it is `x != 0` with NaN giving 0.
int64_t castFloatToInt(double x, mlir::Type intType);
/// loom.cast from an integer to a float type, rounded once to nearest even
/// (exact for every int64, also above 2^53).
double castIntToFloat(int64_t x, mlir::Type floatType);
/// loom.cast between integer types: i1 is `x != 0`, otherwise the value wraps
/// to the result width (sign-extends when widening; i1 widens to 0 or 1).
int64_t castIntToInt(int64_t x, mlir::Type toType);

} // namespace loom::reference

#endif // LOOM_CODEGEN_REFERENCE_NUMERICS_H
