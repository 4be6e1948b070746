//===- Numerics.cpp - rounding to narrow floats, integer widths, casts -----===//

#include "codegen/reference/Numerics.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APSInt.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace loom::reference {
namespace {

/// A binary float format: p significand bits (with the implicit one) and the
/// exponent range of its normal numbers.
struct Format {
  int precision, minExponent, maxExponent;
};

constexpr Format kBF16{8, -126, 127};
constexpr Format kF16{11, -14, 15};
constexpr Format kF32{24, -126, 127};

/// Rounds x to `format`: scale so that one unit in the last place (fixed below
/// the normal range, hence gradual underflow) becomes 1, round to an integer,
/// scale back. Scaling by powers of two is exact in double for these formats.
double roundTo(double x, Format format, bool towardZero) {
  if (!std::isfinite(x) || x == 0.0)
    return x;
  int e;
  std::frexp(x, &e); // |x| = m · 2^e with m in [0.5, 1): exponent e - 1
  int exponent = std::max(e - 1, format.minExponent);
  double quantum = std::ldexp(1.0, exponent - (format.precision - 1));
  double scaled = x / quantum;
  double r = (towardZero ? std::trunc(scaled) : std::nearbyint(scaled)) * quantum;
  double maxFinite = std::ldexp(2.0 - std::ldexp(1.0, 1 - format.precision), format.maxExponent);
  if (std::fabs(r) > maxFinite)
    return towardZero ? std::copysign(maxFinite, x) : std::copysign(INFINITY, x);
  return r;
}

std::optional<Format> formatOf(Type t) {
  if (t.isBF16())
    return kBF16;
  if (t.isF16())
    return kF16;
  if (t.isF32())
    return kF32;
  return std::nullopt; // f64: every double is exact
}

} // namespace

double roundToBF16(double x) { return roundTo(x, kBF16, /*towardZero=*/false); }
double roundToF16(double x) { return roundTo(x, kF16, /*towardZero=*/false); }

double roundToNearest(double x, Type floatType) {
  if (floatType.isF32())
    return static_cast<double>(static_cast<float>(x)); // the hardware's RNE
  if (std::optional<Format> f = formatOf(floatType))
    return roundTo(x, *f, /*towardZero=*/false);
  return x;
}

double roundTowardZero(double x, Type floatType) {
  if (std::optional<Format> f = formatOf(floatType))
    return roundTo(x, *f, /*towardZero=*/true);
  return x;
}

unsigned bitWidth(Type intType) {
  if (auto i = dyn_cast<IntegerType>(intType))
    return i.getWidth();
  return 64; // index
}

int64_t wrapToBits(uint64_t x, unsigned bits) {
  if (bits >= 64)
    return static_cast<int64_t>(x);
  if (bits == 1)
    return static_cast<int64_t>(x & 1);
  uint64_t mask = (uint64_t{1} << bits) - 1, sign = uint64_t{1} << (bits - 1);
  x &= mask;
  return static_cast<int64_t>((x ^ sign) - sign); // sign-extends
}

int64_t minOf(Type intType) {
  unsigned bits = bitWidth(intType);
  if (bits == 1)
    return 0;
  return bits >= 64 ? std::numeric_limits<int64_t>::min() : -(int64_t{1} << (bits - 1));
}

int64_t maxOf(Type intType) {
  unsigned bits = bitWidth(intType);
  if (bits == 1)
    return 1;
  return bits >= 64 ? std::numeric_limits<int64_t>::max() : (int64_t{1} << (bits - 1)) - 1;
}

int64_t castFloatToInt(double x, Type intType) {
  if (std::isnan(x))
    return 0;
  if (bitWidth(intType) == 1)
    return x != 0.0;
  double t = std::trunc(x);
  int64_t lo = minOf(intType), hi = maxOf(intType);
  // Compare in double: lo is a power of two (exact); hi may round up to 2^63,
  // so `t >= hi` saturates exactly the values that do not fit.
  if (t <= static_cast<double>(lo))
    return lo;
  if (t >= static_cast<double>(hi))
    return hi;
  return static_cast<int64_t>(t);
}

double castIntToFloat(int64_t x, Type floatType) {
  constexpr int64_t kExact = int64_t{1} << 53;
  if (x >= -kExact && x <= kExact) // exact in double: one rounding to the type
    return roundToNearest(static_cast<double>(x), floatType);
  // Beyond 2^53 a detour through double would round twice.
  const llvm::fltSemantics &sem = floatType.isF64()   ? llvm::APFloat::IEEEdouble()
                                  : floatType.isF32() ? llvm::APFloat::IEEEsingle()
                                  : floatType.isF16() ? llvm::APFloat::IEEEhalf()
                                                      : llvm::APFloat::BFloat();
  llvm::APFloat value(sem);
  value.convertFromAPInt(llvm::APInt(64, static_cast<uint64_t>(x), /*isSigned=*/true),
                         /*IsSigned=*/true, llvm::APFloat::rmNearestTiesToEven);
  bool lost;
  value.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven, &lost);
  return value.convertToDouble();
}

int64_t castIntToInt(int64_t x, Type toType) {
  if (bitWidth(toType) == 1)
    return x != 0;
  return wrapTo(static_cast<uint64_t>(x), toType);
}

} // namespace loom::reference
