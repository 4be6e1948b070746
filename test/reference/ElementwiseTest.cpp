//===- ElementwiseTest.cpp - unary, binary, floor_mod, compare, cast, ... --===//

#include "test/reference/TestUtil.h"

#include <cmath>
#include <limits>

using namespace loom::reference;
using namespace loom::reference::testing;

namespace {

class ElementwiseTest : public InterpreterTest {};

TEST_F(ElementwiseTest, UnaryFloatKindsMatchClosedForms) {
  const char *kinds[] = {"neg",     "abs",  "exp",     "log",  "log1p",   "expm1", "sqrt",
                         "rsqrt",   "reciprocal", "square", "tanh", "sigmoid", "silu", "gelu",
                         "gelu_tanh", "relu", "softplus", "sin", "cos", "erf", "floor", "ceil"};
  std::vector<double> xs = {0.5, 1.7, 2.25};
  auto sig = [](double x) { return 1 / (1 + std::exp(-x)); };
  std::vector<std::function<double(double)>> want = {
      [](double x) { return -x; }, [](double x) { return std::fabs(x); },
      [](double x) { return std::exp(x); }, [](double x) { return std::log(x); },
      [](double x) { return std::log1p(x); }, [](double x) { return std::expm1(x); },
      [](double x) { return std::sqrt(x); }, [](double x) { return 1 / std::sqrt(x); },
      [](double x) { return 1 / x; }, [](double x) { return x * x; },
      [](double x) { return std::tanh(x); }, sig, [&](double x) { return x * sig(x); },
      [](double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); },
      [](double x) {
        return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
      },
      [](double x) { return std::max(x, 0.0); }, [](double x) { return std::log(1 + std::exp(x)); },
      [](double x) { return std::sin(x); }, [](double x) { return std::cos(x); },
      [](double x) { return std::erf(x); }, [](double x) { return std::floor(x); },
      [](double x) { return std::ceil(x); }};
  for (size_t k = 0; k < std::size(kinds); ++k) {
    std::string ir = std::string("func.func @f(%x: tensor<3xf64>) -> tensor<3xf64> {\n"
                                 "  %y = loom.unary ") +
                     kinds[k] + " %x : tensor<3xf64>\n  return %y : tensor<3xf64>\n}\n";
    std::vector<Tensor> r = run(ir, {F(f64, {3}, xs)}, Precision::F64);
    ASSERT_EQ(r.size(), 1u) << kinds[k];
    for (size_t n = 0; n < xs.size(); ++n)
      EXPECT_NEAR(r[0].f[n], want[k](xs[n]), 1e-15 * std::max(1.0, std::fabs(want[k](xs[n]))))
          << kinds[k] << "(" << xs[n] << ")";
  }
}

TEST_F(ElementwiseTest, UnaryEdgeCases) {
  // softplus without overflow, sigmoid at the extremes, relu of NaN.
  auto r = run(R"(func.func @f(%x: tensor<4xf64>) -> (tensor<4xf64>, tensor<4xf64>, tensor<4xf64>) {
    %a = loom.unary softplus %x : tensor<4xf64>
    %b = loom.unary sigmoid %x : tensor<4xf64>
    %c = loom.unary relu %x : tensor<4xf64>
    return %a, %b, %c : tensor<4xf64>, tensor<4xf64>, tensor<4xf64>
  })", {F(f64, {4}, {1000, -1000, NAN, -2})}, Precision::F64);
  expectFloats(r[0], {1000, 0, NAN, std::log1p(std::exp(-2.0))});
  expectFloats(r[1], {1, 0, NAN, 1 / (1 + std::exp(2.0))}, 1e-16);
  expectFloats(r[2], {1000, 0, NAN, 0});
}

TEST_F(ElementwiseTest, IntegerUnaryWraps) {
  auto r = run(R"(func.func @f(%x: tensor<3xi8>, %b: tensor<2xi1>) -> (tensor<3xi8>, tensor<3xi8>, tensor<3xi8>, tensor<2xi1>) {
    %n = loom.unary neg %x : tensor<3xi8>
    %a = loom.unary abs %x : tensor<3xi8>
    %s = loom.unary square %x : tensor<3xi8>
    %nb = loom.unary not %b : tensor<2xi1>
    return %n, %a, %s, %nb : tensor<3xi8>, tensor<3xi8>, tensor<3xi8>, tensor<2xi1>
  })", {I(i8, {3}, {-128, 5, -7}), I(i1, {2}, {0, 1})});
  expectInts(r[0], {-128, -5, 7});
  expectInts(r[1], {-128, 5, 7});
  expectInts(r[2], {0, 25, 49});
  expectInts(r[3], {1, 0});
}

TEST_F(ElementwiseTest, BF16RoundsAtEveryOpBoundaryInF32AndNotInF64) {
  // 1 + 2^-8 is a bf16 tie (rounds to 1); adding it twice shows each boundary.
  const char *ir = R"(func.func @f(%x: tensor<1xbf16>, %y: tensor<1xbf16>) -> tensor<1xbf16> {
    %a = loom.binary add %x, %y : tensor<1xbf16>
    %b = loom.binary add %a, %y : tensor<1xbf16>
    return %b : tensor<1xbf16>
  })";
  double tiny = std::ldexp(1.0, -8);
  // Inputs are exact in bf16: 1 and 2^-8.
  auto f32 = run(ir, {F(bf16, {1}, {1.0}), F(bf16, {1}, {tiny})}, Precision::F32);
  expectFloats(f32[0], {1.0}); // 1 + 2^-8 -> 1, twice
  auto f64r = run(ir, {F(bf16, {1}, {1.0}), F(bf16, {1}, {tiny})}, Precision::F64);
  expectFloats(f64r[0], {1.0 + 2 * tiny});
  // Inputs are rounded to their declared type on entry in F32 precision.
  auto rounded = run(R"(func.func @f(%x: tensor<1xbf16>) -> tensor<1xbf16> {
    return %x : tensor<1xbf16>
  })", {F(bf16, {1}, {1.0 + 3 * tiny})});
  expectFloats(rounded[0], {1.0 + 4 * tiny});
}

TEST_F(ElementwiseTest, F16AndF32RoundAtBoundaries) {
  auto r = run(R"(func.func @f(%x: tensor<2xf16>, %y: tensor<2xf32>) -> (tensor<2xf16>, tensor<2xf32>) {
    %a = loom.binary mul %x, %x : tensor<2xf16>
    %c = loom.unary reciprocal %y : tensor<2xf32>
    return %a, %c : tensor<2xf16>, tensor<2xf32>
  })", {F(f16, {2}, {300, 1.5}), F(f32, {2}, {3, 7})});
  expectFloats(r[0], {INFINITY, 2.25}); // 90000 overflows f16
  expectFloats(r[1], {static_cast<float>(1.0 / 3), static_cast<float>(1.0 / 7)});
}

TEST_F(ElementwiseTest, BinaryMaxMinPropagateNaNAndIntegersWrap) {
  auto r = run(R"(func.func @f(%x: tensor<3xf32>, %y: tensor<3xf32>, %i: tensor<2xi8>, %b: tensor<2xi1>)
      -> (tensor<3xf32>, tensor<3xf32>, tensor<2xi8>, tensor<2xi8>, tensor<2xi1>, tensor<2xi1>) {
    %mx = loom.binary max %x, %y : tensor<3xf32>
    %mn = loom.binary min %x, %y : tensor<3xf32>
    %add = loom.binary add %i, %i : tensor<2xi8>
    %mul = loom.binary mul %i, %i : tensor<2xi8>
    %badd = loom.binary add %b, %b : tensor<2xi1>
    %bmax = loom.binary max %b, %b : tensor<2xi1>
    return %mx, %mn, %add, %mul, %badd, %bmax : tensor<3xf32>, tensor<3xf32>, tensor<2xi8>, tensor<2xi8>, tensor<2xi1>, tensor<2xi1>
  })", {F(f32, {3}, {1, NAN, 3}), F(f32, {3}, {NAN, 2, 1}), I(i8, {2}, {100, -100}),
        I(i1, {2}, {0, 1})});
  expectFloats(r[0], {NAN, NAN, 3});
  expectFloats(r[1], {NAN, NAN, 1});
  expectInts(r[2], {-56, 56});
  expectInts(r[3], {16, 16}); // 10000 mod 256
  expectInts(r[4], {0, 0});   // i1 add is xor
  expectInts(r[5], {0, 1});   // i1 is 0 or 1: max is or
}

TEST_F(ElementwiseTest, FloorModTakesTheDivisorsSign) {
  auto r = run(R"(func.func @f(%a: tensor<4xi64>, %b: tensor<4xi64>, %x: tensor<5xf64>, %y: tensor<5xf64>)
      -> (tensor<4xi64>, tensor<5xf64>) {
    %i = loom.floor_mod %a, %b : tensor<4xi64>
    %f = loom.floor_mod %x, %y : tensor<5xf64>
    return %i, %f : tensor<4xi64>, tensor<5xf64>
  })", {I(i64, {4}, {7, -7, 7, -7}), I(i64, {4}, {3, 3, -3, -3}),
        F(f64, {5}, {7.5, -7.5, 7.5, -7.5, 1}), F(f64, {5}, {2, 2, -2, -2, 0})}, Precision::F64);
  expectInts(r[0], {1, 2, -2, -1});
  expectFloats(r[1], {1.5, 0.5, -0.5, -1.5, NAN});
  // The most negative value mod -1 is 0 (no overflow), and i64 hashes stay exact.
  auto big = run(R"(func.func @f(%a: tensor<2xi64>, %b: tensor<2xi64>) -> tensor<2xi64> {
    %i = loom.floor_mod %a, %b : tensor<2xi64>
    return %i : tensor<2xi64>
  })", {I(i64, {2}, {std::numeric_limits<int64_t>::min(), -9000000000000000001}),
        I(i64, {2}, {-1, 500002})});
  expectInts(big[0], {0, 500002 - (9000000000000000001 % 500002)});
}

TEST_F(ElementwiseTest, IntegerFloorModByZeroIsAnError) {
  std::string error = runError(R"(func.func @f(%a: tensor<2xi32>, %b: tensor<2xi32>) -> tensor<2xi32> {
    %i = loom.floor_mod %a, %b : tensor<2xi32>
    return %i : tensor<2xi32>
  })", {I(i32, {2}, {1, 2}), I(i32, {2}, {1, 0})});
  EXPECT_NE(error.find("'loom.floor_mod' op divides by zero at flat index 1"), std::string::npos)
      << error;
}

TEST_F(ElementwiseTest, CompareFollowsIEEEAndSelectPicks) {
  auto r = run(R"(func.func @f(%x: tensor<3xf32>, %y: tensor<3xf32>) -> (tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xf32>) {
    %eq = loom.compare eq %x, %y : tensor<3xf32>
    %ne = loom.compare ne %x, %y : tensor<3xf32>
    %lt = loom.compare lt %x, %y : tensor<3xf32>
    %s = loom.select %lt, %x, %y : tensor<3xi1>, tensor<3xf32>
    return %eq, %ne, %lt, %s : tensor<3xi1>, tensor<3xi1>, tensor<3xi1>, tensor<3xf32>
  })", {F(f32, {3}, {1, NAN, 2}), F(f32, {3}, {1, NAN, 3})});
  expectInts(r[0], {1, 0, 0});
  expectInts(r[1], {0, 1, 1});
  expectInts(r[2], {0, 0, 1});
  expectFloats(r[3], {1, NAN, 2});
}

TEST_F(ElementwiseTest, CastSaturatesMapsNaNToZeroAndRoundsToNearestEven) {
  auto r = run(R"(func.func @f(%x: tensor<6xf32>, %i: tensor<3xi32>) -> (tensor<6xi8>, tensor<6xi1>, tensor<6xbf16>, tensor<3xi8>, tensor<3xf32>) {
    %a = loom.cast %x : tensor<6xf32> to tensor<6xi8>
    %b = loom.cast %x : tensor<6xf32> to tensor<6xi1>
    %c = loom.cast %x : tensor<6xf32> to tensor<6xbf16>
    %d = loom.cast %i : tensor<3xi32> to tensor<3xi8>
    %e = loom.cast %i : tensor<3xi32> to tensor<3xf32>
    return %a, %b, %c, %d, %e : tensor<6xi8>, tensor<6xi1>, tensor<6xbf16>, tensor<3xi8>, tensor<3xf32>
  })", {F(f32, {6}, {1e10, -1e10, NAN, -2.7, 0.0, 1.00390625}),
        I(i32, {3}, {300, -1, 16777217})});
  expectInts(r[0], {127, -128, 0, -2, 0, 1});
  expectInts(r[1], {1, 1, 0, 1, 0, 1});
  // 1e10 is 149 · 2^26 in bf16 (8 significant bits); 1.00390625 ties to 1.
  expectFloats(r[2], {9999220736.0, -9999220736.0, NAN, -2.703125, 0.0, 1.0});
  expectInts(r[3], {44, -1, 1});
  expectFloats(r[4], {300, -1, 16777216});
}

TEST_F(ElementwiseTest, BroadcastRepeatsAlongNewDims) {
  auto r = run(R"(func.func @f(%x: tensor<2xf32>) -> tensor<3x2x2xf32> {
    %b = loom.broadcast %x dims [1] : tensor<2xf32> -> tensor<3x2x2xf32>
    return %b : tensor<3x2x2xf32>
  })", {F(f32, {2}, {1, 2})});
  expectFloats(r[0], {1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2});
}

} // namespace
