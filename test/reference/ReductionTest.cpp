//===- ReductionTest.cpp - reduce, argmax, cumsum, top_k, sort, softmax, CE ===//

#include "test/reference/TestUtil.h"

#include <cmath>

using namespace loom::reference;
using namespace loom::reference::testing;

namespace {

class ReductionTest : public InterpreterTest {};

TEST_F(ReductionTest, ReduceOverSeveralDimsWithKeepDims) {
  auto r = run(R"(func.func @f(%x: tensor<2x3x2xf64>) -> (tensor<3xf64>, tensor<1x3x1xf64>, tensor<2xf64>, tensor<2xf64>) {
    %s = loom.reduce sum %x dims [0, 2] acc(f64) : tensor<2x3x2xf64>
    %m = loom.reduce mean %x dims [0, 2] keep_dims acc(f64) : tensor<2x3x2xf64>
    %mx = loom.reduce max %x dims [1, 2] acc(f64) : tensor<2x3x2xf64>
    %mn = loom.reduce min %x dims [1, 2] acc(f64) : tensor<2x3x2xf64>
    return %s, %m, %mx, %mn : tensor<3xf64>, tensor<1x3x1xf64>, tensor<2xf64>, tensor<2xf64>
  })", {F(f64, {2, 3, 2}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})}, Precision::F64);
  expectFloats(r[0], {14, 22, 30});
  expectFloats(r[1], {3.5, 5.5, 7.5});
  expectFloats(r[2], {5, 11});
  expectFloats(r[3], {0, 6});
}

TEST_F(ReductionTest, MaxAndMinPropagateNaNIntegerSumsWrap) {
  auto r = run(R"(func.func @f(%x: tensor<2x3xf32>, %i: tensor<3xi8>) -> (tensor<2xf32>, tensor<2xf32>, tensor<i8>, tensor<i8>) {
    %mx = loom.reduce max %x dims [1] acc(f32) : tensor<2x3xf32>
    %mn = loom.reduce min %x dims [1] acc(f32) : tensor<2x3xf32>
    %s = loom.reduce sum %i dims [0] acc(i32) : tensor<3xi8>
    %m = loom.reduce max %i dims [0] acc(i32) : tensor<3xi8>
    return %mx, %mn, %s, %m : tensor<2xf32>, tensor<2xf32>, tensor<i8>, tensor<i8>
  })", {F(f32, {2, 3}, {1, NAN, 3, -1, -2, -3}), I(i8, {3}, {100, 100, -3})});
  expectFloats(r[0], {NAN, -1});
  expectFloats(r[1], {NAN, -3});
  expectInts(r[2], {-59}); // 197 wraps
  expectInts(r[3], {100});
}

TEST_F(ReductionTest, ArgmaxTiesTakeTheFirstAndNaNWins) {
  auto r = run(R"(func.func @f(%x: tensor<3x4xf32>, %i: tensor<4xi32>) -> (tensor<3xi64>, tensor<i64>) {
    %a = loom.argmax %x dim 1 : tensor<3x4xf32>
    %b = loom.argmax %i dim 0 : tensor<4xi32>
    return %a, %b : tensor<3xi64>, tensor<i64>
  })", {F(f32, {3, 4}, {1, 5, 5, 2, 1, NAN, 9, NAN, -INFINITY, -INFINITY, -INFINITY, -INFINITY}),
        I(i32, {4}, {-1, 7, 7, 3})});
  expectInts(r[0], {1, 1, 0});
  expectInts(r[1], {1});
}

TEST_F(ReductionTest, CumsumInclusiveExclusiveReverse) {
  auto r = run(R"(func.func @f(%x: tensor<2x3xi64>) -> (tensor<2x3xi64>, tensor<2x3xi64>, tensor<2x3xi64>, tensor<2x3xi64>, tensor<2x3xi64>) {
    %a = loom.cumsum %x dim 1 acc(i64) : tensor<2x3xi64>
    %b = loom.cumsum %x dim 1 acc(i64) {exclusive} : tensor<2x3xi64>
    %c = loom.cumsum %x dim 1 acc(i64) {reverse} : tensor<2x3xi64>
    %d = loom.cumsum %x dim 1 acc(i64) {exclusive, reverse} : tensor<2x3xi64>
    %e = loom.cumsum %x dim 0 acc(i64) : tensor<2x3xi64>
    return %a, %b, %c, %d, %e : tensor<2x3xi64>, tensor<2x3xi64>, tensor<2x3xi64>, tensor<2x3xi64>, tensor<2x3xi64>
  })", {I(i64, {2, 3}, {1, 2, 3, 4, 5, 6})});
  expectInts(r[0], {1, 3, 6, 4, 9, 15});
  expectInts(r[1], {0, 1, 3, 0, 4, 9});
  expectInts(r[2], {6, 5, 3, 15, 11, 6});
  expectInts(r[3], {5, 3, 0, 11, 6, 0});
  expectInts(r[4], {1, 2, 3, 5, 7, 9});
}

TEST_F(ReductionTest, CumsumRoundsPerElementInBF16) {
  // Running sum 256 + 1 + 1: each output is rounded (257 -> 256 in bf16), the sum is not.
  auto r = run(R"(func.func @f(%x: tensor<3xbf16>) -> tensor<3xbf16> {
    %a = loom.cumsum %x dim 0 acc(f32) : tensor<3xbf16>
    return %a : tensor<3xbf16>
  })", {F(bf16, {3}, {256, 1, 1})});
  expectFloats(r[0], {256, 256, 258});
}

TEST_F(ReductionTest, TopKIsStableWithNaNLargest) {
  auto r = run(R"(func.func @f(%x: tensor<2x5xf32>) -> (tensor<2x3xf32>, tensor<2x3xi64>) {
    %v, %i = loom.top_k %x k 3 : tensor<2x5xf32>
    return %v, %i : tensor<2x3xf32>, tensor<2x3xi64>
  })", {F(f32, {2, 5}, {1, 3, 3, NAN, 2, 5, 5, 5, 5, 0})});
  expectFloats(r[0], {NAN, 3, 3, 5, 5, 5});
  expectInts(r[1], {3, 1, 2, 0, 1, 2});
}

TEST_F(ReductionTest, SortPutsNaNLastAscendingFirstDescendingStably) {
  auto r = run(R"(func.func @f(%x: tensor<6xf32>, %g: tensor<2x3xi32>) -> (tensor<6xf32>, tensor<6xi64>, tensor<6xf32>, tensor<6xi64>, tensor<2x3xi32>, tensor<2x3xi64>) {
    %a, %pa = loom.sort %x dim 0 : tensor<6xf32>
    %d, %pd = loom.sort %x dim 0 {descending} : tensor<6xf32>
    %c, %pc = loom.sort %g dim 0 : tensor<2x3xi32>
    return %a, %pa, %d, %pd, %c, %pc : tensor<6xf32>, tensor<6xi64>, tensor<6xf32>, tensor<6xi64>, tensor<2x3xi32>, tensor<2x3xi64>
  })", {F(f32, {6}, {2, NAN, 1, 2, NAN, -INFINITY}), I(i32, {2, 3}, {3, 1, 2, 1, 1, 5})});
  expectFloats(r[0], {-INFINITY, 1, 2, 2, NAN, NAN});
  expectInts(r[1], {5, 2, 0, 3, 1, 4});
  expectFloats(r[2], {NAN, NAN, 2, 2, 1, -INFINITY});
  expectInts(r[3], {1, 4, 0, 3, 2, 5});
  expectInts(r[4], {1, 1, 2, 3, 1, 5});
  expectInts(r[5], {1, 0, 0, 0, 1, 1});
}

TEST_F(ReductionTest, SoftmaxAndLogSoftmaxClosedForm) {
  auto r = run(R"(func.func @f(%x: tensor<2x3xf64>) -> (tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>) {
    %s = loom.softmax %x dim 1 acc(f64) : tensor<2x3xf64>
    %l = loom.log_softmax %x dim 1 acc(f64) : tensor<2x3xf64>
    %c = loom.softmax %x dim 0 acc(f64) : tensor<2x3xf64>
    return %s, %l, %c : tensor<2x3xf64>, tensor<2x3xf64>, tensor<2x3xf64>
  })", {F(f64, {2, 3}, {1, 2, 3, 1000, 1000, -INFINITY})}, Precision::F64);
  double z = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  expectFloats(r[0], {std::exp(1.0) / z, std::exp(2.0) / z, std::exp(3.0) / z, 0.5, 0.5, 0},
               1e-15);
  expectFloats(r[1], {1 - std::log(z), 2 - std::log(z), 3 - std::log(z), -std::log(2.0),
                      -std::log(2.0), -INFINITY},
               1e-13);
  expectFloats(r[2], {0, 0, 1, 1, 1, 0}, 1e-15);
}

TEST_F(ReductionTest, SoftmaxOfAnAllMinusInfRowIsNaN) {
  auto r = run(R"(func.func @f(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
    %s = loom.softmax %x dim 1 acc(f32) : tensor<1x2xf32>
    return %s : tensor<1x2xf32>
  })", {F(f32, {1, 2}, {-INFINITY, -INFINITY})});
  expectFloats(r[0], {NAN, NAN});
}

TEST_F(ReductionTest, CrossEntropyWithIgnoreIndexAndWeights) {
  auto r = run(R"(func.func @f(%l: tensor<3x3xf64>, %t: tensor<3xi64>, %w: tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>) {
    %a = loom.cross_entropy %l, %t acc(f64) : tensor<3x3xf64>, tensor<3xi64>
    %b = loom.cross_entropy %l, %t weights(%w : tensor<3xf64>) acc(f64) : tensor<3x3xf64>, tensor<3xi64>
    return %a, %b : tensor<3xf64>, tensor<3xf64>
  })", {F(f64, {3, 3}, {1, 2, 3, 0, 0, 0, 5, 1, 1}), I(i64, {3}, {2, -100, 0}),
        F(f64, {3}, {2, 3, 0.5})},
               Precision::F64);
  double lse0 = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
  double lse2 = std::log(std::exp(5.0) + 2 * std::exp(1.0));
  expectFloats(r[0], {lse0 - 3, 0, lse2 - 5}, 1e-14);
  expectFloats(r[1], {2 * (lse0 - 3), 0, 0.5 * (lse2 - 5)}, 1e-14);
  // A custom ignore_index: row 0 (target 2) is ignored, the others count.
  auto c = run(R"(func.func @f(%l: tensor<3x3xf64>, %t: tensor<3xi64>) -> tensor<3xf64> {
    %c = loom.cross_entropy %l, %t acc(f64) {ignore_index = 2} : tensor<3x3xf64>, tensor<3xi64>
    return %c : tensor<3xf64>
  })", {F(f64, {3, 3}, {1, 2, 3, 0, 0, 0, 5, 1, 1}), I(i64, {3}, {2, 1, 0})}, Precision::F64);
  expectFloats(c[0], {0, std::log(3.0), lse2 - 5}, 1e-14);
}

TEST_F(ReductionTest, CrossEntropyTargetOutOfRangeIsAnError) {
  std::string error = runError(R"(func.func @f(%l: tensor<2x4xf32>, %t: tensor<2xi32>) -> tensor<2xf32> {
    %a = loom.cross_entropy %l, %t acc(f32) : tensor<2x4xf32>, tensor<2xi32>
    return %a : tensor<2xf32>
  })", {F(f32, {2, 4}, {0, 0, 0, 0, 0, 0, 0, 0}), I(i32, {2}, {3, 4})});
  EXPECT_NE(error.find("target 4 at flat index 1 is outside [0, 4)"), std::string::npos) << error;
  EXPECT_NE(error.find("'loom.cross_entropy'"), std::string::npos) << error;
}

} // namespace
