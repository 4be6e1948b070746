//===- DataMovementTest.cpp - gather, scatter_add, layout ops, iota, const -===//

#include "test/reference/TestUtil.h"

using namespace loom::reference;
using namespace loom::reference::testing;

namespace {

class DataMovementTest : public InterpreterTest {};

TEST_F(DataMovementTest, GatherIsNumpyTakeOnAnyAxis) {
  auto r = run(R"(func.func @f(%t: tensor<3x2xf32>, %i: tensor<2x2xi64>, %j: tensor<1xi32>) -> (tensor<2x2x2xf32>, tensor<3x1xf32>) {
    %e = loom.gather %t[%i] axis 0 : tensor<3x2xf32>, tensor<2x2xi64>
    %c = loom.gather %t[%j] axis 1 : tensor<3x2xf32>, tensor<1xi32>
    return %e, %c : tensor<2x2x2xf32>, tensor<3x1xf32>
  })", {F(f32, {3, 2}, {0, 1, 10, 11, 20, 21}), I(i64, {2, 2}, {2, 0, 1, 1}), I(i32, {1}, {1})});
  expectFloats(r[0], {20, 21, 0, 1, 10, 11, 10, 11});
  expectFloats(r[1], {1, 11, 21});
}

TEST_F(DataMovementTest, GatherOutOfRangeIsAnErrorNamingTheOp) {
  for (int64_t bad : {3, -1}) {
    std::string error = runError(R"(func.func @f(%t: tensor<3x2xf32>, %i: tensor<2xi64>) -> tensor<2x2xf32> {
      %e = loom.gather %t[%i] axis 0 : tensor<3x2xf32>, tensor<2xi64>
      return %e : tensor<2x2xf32>
    })", {F(f32, {3, 2}, {0, 1, 2, 3, 4, 5}), I(i64, {2}, {0, bad})});
    EXPECT_NE(error.find("'loom.gather' op index " + std::to_string(bad) +
                         " at flat position 1 of the indices is outside [0, 3)"),
              std::string::npos)
        << error;
  }
}

TEST_F(DataMovementTest, ScatterAddSumsRepeatedIndices) {
  auto r = run(R"(func.func @f(%u: tensor<3x2xf32>, %d: tensor<2x2xf32>, %i: tensor<3xi64>) -> tensor<2x2xf32> {
    %g = loom.scatter_add %u into %d[%i] axis 0 : tensor<3x2xf32>, tensor<2x2xf32>, tensor<3xi64>
    return %g : tensor<2x2xf32>
  })", {F(f32, {3, 2}, {1, 2, 3, 4, 5, 6}), F(f32, {2, 2}, {100, 100, 0, 0}),
        I(i64, {3}, {1, 0, 1})});
  expectFloats(r[0], {103, 104, 6, 8});
  std::string error = runError(R"(func.func @f(%u: tensor<1xi32>, %d: tensor<2xi32>, %i: tensor<1xi64>) -> tensor<2xi32> {
    %g = loom.scatter_add %u into %d[%i] axis 0 : tensor<1xi32>, tensor<2xi32>, tensor<1xi64>
    return %g : tensor<2xi32>
  })", {I(i32, {1}, {1}), I(i32, {2}, {0, 0}), I(i64, {1}, {2})});
  EXPECT_NE(error.find("'loom.scatter_add' op index 2"), std::string::npos) << error;
}

TEST_F(DataMovementTest, ReshapeTransposeSliceConcat) {
  auto r = run(R"(func.func @f(%x: tensor<2x3xf32>, %y: tensor<2x1xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>, tensor<2x2xf32>, tensor<2x4xf32>) {
    %a = loom.reshape %x : tensor<2x3xf32> -> tensor<3x2xf32>
    %b = loom.transpose %x perm [1, 0] : tensor<2x3xf32>
    %c = loom.slice %x offsets [0, 0] sizes [2, 2] strides [1, 2] : tensor<2x3xf32>
    %d = loom.concat %x, %y dim 1 : tensor<2x3xf32>, tensor<2x1xf32>
    return %a, %b, %c, %d : tensor<3x2xf32>, tensor<3x2xf32>, tensor<2x2xf32>, tensor<2x4xf32>
  })", {F(f32, {2, 3}, {1, 2, 3, 4, 5, 6}), F(f32, {2, 1}, {7, 8})});
  expectFloats(r[0], {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(r[0].shape, (std::vector<int64_t>{3, 2}));
  expectFloats(r[1], {1, 4, 2, 5, 3, 6});
  expectFloats(r[2], {1, 3, 4, 6});
  expectFloats(r[3], {1, 2, 3, 7, 4, 5, 6, 8});
}

TEST_F(DataMovementTest, TransposeOfRank4) {
  std::vector<double> x(24);
  for (int n = 0; n < 24; ++n)
    x[n] = n;
  auto r = run(R"(func.func @f(%x: tensor<2x3x2x2xf32>) -> tensor<2x2x3x2xf32> {
    %t = loom.transpose %x perm [0, 2, 1, 3] : tensor<2x3x2x2xf32>
    return %t : tensor<2x2x3x2xf32>
  })", {F(f32, {2, 3, 2, 2}, x)});
  // result[a, b, c, d] = x[a, c, b, d]
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 2; ++b)
      for (int c = 0; c < 3; ++c)
        for (int d = 0; d < 2; ++d)
          EXPECT_EQ(r[0].f[((a * 2 + b) * 3 + c) * 2 + d], x[((a * 3 + c) * 2 + b) * 2 + d]);
}

TEST_F(DataMovementTest, IotaAndConstants) {
  auto r = run(R"(func.func @f() -> (tensor<2x3xi64>, tensor<2x3xf32>, tensor<2xi8>, tensor<3xf32>, tensor<2xi1>) {
    %a = loom.iota dim 1 : tensor<2x3xi64>
    %b = loom.iota dim 0 : tensor<2x3xf32>
    %c = loom.constant dense<-7> : tensor<2xi8>
    %d = loom.constant dense<[1.5, -2.0, 0.1]> : tensor<3xf32>
    %e = loom.constant dense<[true, false]> : tensor<2xi1>
    return %a, %b, %c, %d, %e : tensor<2x3xi64>, tensor<2x3xf32>, tensor<2xi8>, tensor<3xf32>, tensor<2xi1>
  })", {});
  expectInts(r[0], {0, 1, 2, 0, 1, 2});
  expectFloats(r[1], {0, 0, 0, 1, 1, 1});
  expectInts(r[2], {-7, -7});
  expectFloats(r[3], {1.5, -2.0, static_cast<double>(0.1f)});
  expectInts(r[4], {1, 0});
}

} // namespace
