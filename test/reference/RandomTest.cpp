//===- RandomTest.cpp - random_fold_in, random_uniform, random_normal ops --===//

#include "test/reference/TestUtil.h"

#include "codegen/reference/Numerics.h"
#include "codegen/reference/Philox.h"

using namespace loom::reference;
using namespace loom::reference::testing;

namespace {

class RandomTest : public InterpreterTest {};

TEST_F(RandomTest, OpsFollowTheCounterAndKeyLayout) {
  auto r = run(R"(func.func @f(%seed: tensor<i64>, %step: tensor<i64>) -> (tensor<i64>, tensor<2x3xf32>, tensor<2x3xf64>, tensor<2x3xf32>, tensor<2x3xf64>, tensor<4xbf16>) {
    %k = loom.random_fold_in %seed, %step : tensor<i64>
    %u = loom.random_uniform %k : tensor<2x3xf32>
    %u64 = loom.random_uniform %k : tensor<2x3xf64>
    %n = loom.random_normal %k : tensor<2x3xf32>
    %n64 = loom.random_normal %k : tensor<2x3xf64>
    %ub = loom.random_uniform %k : tensor<4xbf16>
    return %k, %u, %u64, %n, %n64, %ub : tensor<i64>, tensor<2x3xf32>, tensor<2x3xf64>, tensor<2x3xf32>, tensor<2x3xf64>, tensor<4xbf16>
  })", {I(i64, {}, {1234}), I(i64, {}, {7})});
  int64_t key = foldIn(1234, 7);
  expectInts(r[0], {key});
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(r[1].f[i], uniform24(key, i));
    EXPECT_EQ(r[2].f[i], uniform53(key, i));
    EXPECT_EQ(r[3].f[i], static_cast<float>(normal24(key, i)));
    EXPECT_EQ(r[4].f[i], normal53(key, i));
  }
  for (int i = 0; i < 4; ++i) // 24 bits, then toward zero to bf16's 8
    EXPECT_EQ(r[5].f[i], roundTowardZero(uniform24(key, i), bf16));
}

TEST_F(RandomTest, ADynamicDrawUsesIndicesOfTheBoundedShape) {
  const char *ir = R"(func.func @f(%key: tensor<i64>, %n: index) -> (tensor<3x?xf32, #loom.bounds<[3, 8]>>, tensor<3x8xf32>) {
    %u = loom.random_uniform %key sizes(%n) : tensor<3x?xf32, #loom.bounds<[3, 8]>>
    %full = loom.random_uniform %key : tensor<3x8xf32>
    return %u, %full : tensor<3x?xf32, #loom.bounds<[3, 8]>>, tensor<3x8xf32>
  })";
  auto r = run(ir, {I(i64, {}, {99}), index(5)});
  ASSERT_EQ(r[0].shape, (std::vector<int64_t>{3, 5}));
  for (int row = 0; row < 3; ++row)
    for (int col = 0; col < 5; ++col)
      EXPECT_EQ(r[0].f[row * 5 + col], r[1].f[row * 8 + col]);
}

TEST_F(RandomTest, DrawsAreDeterministic) {
  const char *ir = R"(func.func @f(%key: tensor<i64>) -> tensor<64xf32> {
    %n = loom.random_normal %key : tensor<64xf32>
    return %n : tensor<64xf32>
  })";
  auto a = run(ir, {I(i64, {}, {5})}), b = run(ir, {I(i64, {}, {5})}), c = run(ir, {I(i64, {}, {6})});
  EXPECT_EQ(a[0].f, b[0].f);
  EXPECT_NE(a[0].f, c[0].f);
}

} // namespace
