//===- ContractionTest.cpp - matmul and linear ------------------------------===//

#include "test/reference/TestUtil.h"

using namespace loom::reference;
using namespace loom::reference::testing;

namespace {

class ContractionTest : public InterpreterTest {};

TEST_F(ContractionTest, MatmulWithEveryTransposeAgrees) {
  // A = [[1,2,3],[4,5,6]] (2x3), B = [[1,0],[0,1],[1,1]] (3x2): A·B = [[4,5],[10,11]].
  auto r = run(R"(func.func @f(%a: tensor<2x3xf32>, %b: tensor<3x2xf32>, %at: tensor<3x2xf32>, %bt: tensor<2x3xf32>)
      -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>) {
    %0 = loom.matmul %a, %b acc(f32) : tensor<2x3xf32>, tensor<3x2xf32>
    %1 = loom.matmul %at, %b transpose_lhs acc(f32) : tensor<3x2xf32>, tensor<3x2xf32>
    %2 = loom.matmul %a, %bt transpose_rhs acc(f32) : tensor<2x3xf32>, tensor<2x3xf32>
    %3 = loom.matmul %at, %bt transpose_lhs transpose_rhs acc(f32) : tensor<3x2xf32>, tensor<2x3xf32>
    return %0, %1, %2, %3 : tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>
  })", {F(f32, {2, 3}, {1, 2, 3, 4, 5, 6}), F(f32, {3, 2}, {1, 0, 0, 1, 1, 1}),
        F(f32, {3, 2}, {1, 4, 2, 5, 3, 6}), F(f32, {2, 3}, {1, 0, 1, 0, 1, 1})});
  for (const Tensor &t : r)
    expectFloats(t, {4, 5, 10, 11});
}

TEST_F(ContractionTest, BatchedMatmulAndIntegerWrap) {
  auto r = run(R"(func.func @f(%a: tensor<2x1x2xf64>, %b: tensor<2x2x1xf64>, %i: tensor<1x2xi8>, %j: tensor<2x1xi8>)
      -> (tensor<2x1x1xf64>, tensor<1x1xi8>) {
    %0 = loom.matmul %a, %b acc(f64) : tensor<2x1x2xf64>, tensor<2x2x1xf64>
    %1 = loom.matmul %i, %j acc(i32) : tensor<1x2xi8>, tensor<2x1xi8>
    return %0, %1 : tensor<2x1x1xf64>, tensor<1x1xi8>
  })", {F(f64, {2, 1, 2}, {1, 2, 3, 4}), F(f64, {2, 2, 1}, {5, 6, 7, 8}), I(i8, {1, 2}, {100, 100}),
        I(i8, {2, 1}, {2, 1})});
  expectFloats(r[0], {17, 53});
  expectInts(r[1], {44}); // 300 wraps to i8
}

TEST_F(ContractionTest, MatmulRoundsOnceNotPerProduct) {
  // In bf16 each product 1·(1 + 2^-7) is exact; the sum 3 + 3·2^-7 rounds once.
  double e = std::ldexp(1.0, -7);
  auto r = run(R"(func.func @f(%a: tensor<1x3xbf16>, %b: tensor<3x1xbf16>) -> tensor<1x1xbf16> {
    %0 = loom.matmul %a, %b acc(f32) : tensor<1x3xbf16>, tensor<3x1xbf16>
    return %0 : tensor<1x1xbf16>
  })", {F(bf16, {1, 3}, {1, 1, 1}), F(bf16, {3, 1}, {1 + e, 1 + e, 1 + e})});
  // 3 + 3/128 = 3.0234375; bf16 spacing at 2..4 is 2^-6: nearest is 3.03125 (3 + 2/64).
  expectFloats(r[0], {3.03125});
}

TEST_F(ContractionTest, LinearUsesTorchWeightLayoutAndBias) {
  auto r = run(R"(func.func @f(%x: tensor<2x3xf32>, %w: tensor<2x3xf32>, %b: tensor<2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>) {
    %0 = loom.linear %x, %w acc(f32) : tensor<2x3xf32>, tensor<2x3xf32>
    %1 = loom.linear %x, %w bias(%b : tensor<2xf32>) acc(f32) : tensor<2x3xf32>, tensor<2x3xf32>
    return %0, %1 : tensor<2x2xf32>, tensor<2x2xf32>
  })", {F(f32, {2, 3}, {1, 2, 3, 4, 5, 6}), F(f32, {2, 3}, {1, 0, 0, 1, 1, 1}),
        F(f32, {2}, {10, 20})});
  expectFloats(r[0], {1, 6, 4, 15});
  expectFloats(r[1], {11, 26, 14, 35});
}

} // namespace
