//===- NumericsTest.cpp - narrow-float rounding, integer widths, casts -----===//

#include "codegen/reference/Numerics.h"
#include "codegen/reference/Philox.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/APFloat.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace loom::reference;

namespace {

class NumericsTest : public ::testing::Test {
protected:
  MLIRContext context;
  Builder b{&context};
};

/// APFloat's conversion, the independent oracle for the emulated rounding.
double viaAPFloat(double x, const llvm::fltSemantics &sem, llvm::RoundingMode mode) {
  llvm::APFloat v(x);
  bool lost;
  v.convert(sem, mode, &lost);
  v.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven, &lost);
  return v.convertToDouble();
}

bool sameDouble(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0;
}

TEST_F(NumericsTest, RoundingMatchesAPFloatOnEdgeAndRandomValues) {
  std::vector<double> values = {0.0, -0.0, 1.0, 1.00390625, 1.005859375, 1.0 + 1.0 / 256,
                                65504.0, 65519.99, 65520.0, 3.4e38, 3.3961e38, 3.40282357e38,
                                1e-8, 5.96e-8, 2.98e-8, 1e-40, 1e-45, INFINITY, -INFINITY, NAN};
  // Doubles spread over every exponent a narrow type cares about, both signs.
  for (uint64_t n = 0; n < 20000; ++n) {
    double u = uniform53(7, n);
    double x = std::ldexp(1.0 + u, static_cast<int>(n % 300) - 150);
    values.push_back(n % 2 ? -x : x);
  }
  struct Case {
    Type type;
    const llvm::fltSemantics &sem;
  } cases[] = {{b.getBF16Type(), llvm::APFloat::BFloat()},
               {b.getF16Type(), llvm::APFloat::IEEEhalf()},
               {b.getF32Type(), llvm::APFloat::IEEEsingle()}};
  for (const Case &c : cases)
    for (double x : values) {
      ASSERT_TRUE(sameDouble(roundToNearest(x, c.type),
                             viaAPFloat(x, c.sem, llvm::RoundingMode::NearestTiesToEven)))
          << x << " in " << llvm::APFloat::semanticsPrecision(c.sem) << " bits";
      ASSERT_TRUE(sameDouble(roundTowardZero(x, c.type),
                             viaAPFloat(x, c.sem, llvm::RoundingMode::TowardZero)))
          << x << " toward zero";
    }
}

TEST_F(NumericsTest, BF16TiesToEvenStraightFromDouble) {
  Type bf16 = b.getBF16Type();
  EXPECT_EQ(roundToNearest(1.0 + 1.0 / 256, bf16), 1.0);               // tie: to even (1.0)
  EXPECT_EQ(roundToNearest(1.0 + 3.0 / 256, bf16), 1.0 + 4.0 / 256);   // tie: to even (up)
  // Just above the tie rounds up; a detour through f32 would lose the excess and tie down.
  EXPECT_EQ(roundToNearest(1.0 + 1.0 / 256 + 1e-12, bf16), 1.0 + 2.0 / 256);
  EXPECT_EQ(roundToNearest(1e39, bf16), INFINITY);
}

TEST_F(NumericsTest, IntegerWidthsWrap) {
  EXPECT_EQ(wrapToBits(200, 8), -56);
  EXPECT_EQ(wrapToBits(static_cast<uint64_t>(-129), 8), 127);
  EXPECT_EQ(wrapToBits(uint64_t{1} << 31, 32), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(wrapToBits(2, 1), 0);
  EXPECT_EQ(wrapToBits(3, 1), 1);
  EXPECT_EQ(minOf(b.getI1Type()), 0);
  EXPECT_EQ(maxOf(b.getI8Type()), 127);
}

TEST_F(NumericsTest, FloatToIntTruncatesSaturatesAndMapsNaNToZero) {
  Type i8 = b.getI8Type(), i32 = b.getI32Type(), i64 = b.getI64Type(), i1 = b.getI1Type();
  EXPECT_EQ(castFloatToInt(2.9, i32), 2);
  EXPECT_EQ(castFloatToInt(-2.9, i32), -2);
  EXPECT_EQ(castFloatToInt(300.0, i8), 127);
  EXPECT_EQ(castFloatToInt(-300.0, i8), -128);
  EXPECT_EQ(castFloatToInt(INFINITY, i32), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(castFloatToInt(-INFINITY, i64), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(castFloatToInt(9.3e18, i64), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(castFloatToInt(std::ldexp(1.0, 63), i64), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(castFloatToInt(-std::ldexp(1.0, 63), i64), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(castFloatToInt(NAN, i32), 0);
  EXPECT_EQ(castFloatToInt(NAN, i1), 0);
  EXPECT_EQ(castFloatToInt(0.5, i1), 1);
  EXPECT_EQ(castFloatToInt(-0.0, i1), 0);
}

TEST_F(NumericsTest, IntToFloatRoundsOnceEvenAbove2To53) {
  Type f32 = b.getF32Type(), bf16 = b.getBF16Type(), f64 = b.getF64Type();
  EXPECT_EQ(castIntToFloat(16777217, f32), 16777216.0); // tie to even
  EXPECT_EQ(castIntToFloat(257, bf16), 256.0);
  // 2^62 + 2^54 + 1 is just above a bf16 tie: one rounding gives up; via double (which
  // drops the + 1) it would tie and round down to even.
  int64_t x = (int64_t{1} << 62) + (int64_t{1} << 54) + 1;
  EXPECT_EQ(castIntToFloat(x, bf16), std::ldexp(1.0, 62) + std::ldexp(1.0, 55));
  EXPECT_EQ(castIntToFloat(std::numeric_limits<int64_t>::max(), f64), std::ldexp(1.0, 63));
}

TEST_F(NumericsTest, IntToIntWrapsAndI1IsNonZero) {
  EXPECT_EQ(castIntToInt(300, b.getI8Type()), 44);
  EXPECT_EQ(castIntToInt(-1, b.getI64Type()), -1);
  EXPECT_EQ(castIntToInt(256, b.getI1Type()), 1);
  EXPECT_EQ(castIntToInt(0, b.getI1Type()), 0);
}

// Random123's known-answer vectors (kat_vectors, philox4x32 with 10 rounds).
TEST(PhiloxTest, KnownAnswers) {
  EXPECT_EQ(philox4x32_10({0, 0, 0, 0}, {0, 0}),
            (PhiloxCounter{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  EXPECT_EQ(philox4x32_10({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
                          {0xffffffff, 0xffffffff}),
            (PhiloxCounter{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
  EXPECT_EQ(philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
                          {0xa4093822, 0x299f31d0}),
            (PhiloxCounter{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

TEST(PhiloxTest, KeyAndCounterLayout) {
  // Key words are the key's low and high halves; fold_in's counter is (lo, hi, 0, 0).
  int64_t key = static_cast<int64_t>(0xa4093822299f31d0ull);
  EXPECT_EQ(splitKey(key), (PhiloxKey{0x299f31d0, 0xa4093822}));
  int64_t data = 0x0000000500000007;
  PhiloxCounter out = philox4x32_10({7, 5, 0, 0}, splitKey(key));
  EXPECT_EQ(static_cast<uint64_t>(foldIn(key, data)), (uint64_t{out[1]} << 32) | out[0]);
  // Uniform: the top 24 bits of word 0 on (lo(i), hi(i), 0, 0).
  PhiloxCounter u = philox4x32_10({3, 0, 0, 0}, splitKey(key));
  EXPECT_EQ(uniform24(key, 3), std::ldexp(static_cast<double>(u[0] >> 8), -24));
  // Normal: counter (lo(i), hi(i), 0, 1), uniforms in (0, 1].
  PhiloxCounter nw = philox4x32_10({3, 0, 0, 1}, splitKey(key));
  double u1 = std::ldexp(static_cast<double>((nw[0] >> 8) + 1), -24);
  double u2 = std::ldexp(static_cast<double>((nw[1] >> 8) + 1), -24);
  EXPECT_DOUBLE_EQ(normal24(key, 3), std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2));
}

TEST(PhiloxTest, DrawsHaveTheRightMoments) {
  double sum = 0, sumSq = 0, nsum = 0, nsumSq = 0, lo = 1, hi = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    double u = uniform53(42, i), z = normal24(42, i);
    lo = std::min(lo, u);
    hi = std::max(hi, u);
    sum += u;
    sumSq += u * u;
    nsum += z;
    nsumSq += z * z;
  }
  EXPECT_GE(lo, 0.0);
  EXPECT_LT(hi, 1.0);
  EXPECT_NEAR(sum / n, 0.5, 0.01);
  EXPECT_NEAR(sumSq / n - 0.25, 1.0 / 12, 0.01);
  EXPECT_NEAR(nsum / n, 0.0, 0.03);
  EXPECT_NEAR(nsumSq / n, 1.0, 0.03);
}

} // namespace
