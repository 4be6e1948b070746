//===- AttentionTest.cpp - attention and attention_grad ----------------------===//

#include "test/reference/TestUtil.h"

#include "codegen/reference/Philox.h"

#include <cmath>
#include <limits>

using namespace loom::reference;
using namespace loom::reference::testing;

namespace {

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

class AttentionTest : public InterpreterTest {
protected:
  std::vector<double> draws(int64_t key, int n) {
    std::vector<double> v(n);
    for (int i = 0; i < n; ++i)
      v[i] = normal53(key, i);
    return v;
  }
};

TEST_F(AttentionTest, OneQueryTwoKeysClosedForm) {
  auto r = run(R"(func.func @f(%q: tensor<1x1x1x1xf64>, %k: tensor<1x2x1x1xf64>, %v: tensor<1x2x1x1xf64>, %qp: tensor<1x1xi64>, %kp: tensor<1x2xi64>, %hi: tensor<1x2xi64>) -> (tensor<1x1x1x1xf64>, tensor<1x1x1xf64>) {
    %o, %l = loom.attention %q, %k, %v query_positions(%qp) key_positions(%kp) visible(%kp, %hi) {scale = 1.0 : f64}
        : tensor<1x1x1x1xf64>, tensor<1x2x1x1xf64>, tensor<1x2x1x1xf64>, tensor<1x1xi64>, tensor<1x2xi64>
    return %o, %l : tensor<1x1x1x1xf64>, tensor<1x1x1xf64>
  })", {F(f64, {1, 1, 1, 1}, {1}), F(f64, {1, 2, 1, 1}, {1, 2}), F(f64, {1, 2, 1, 1}, {10, 20}),
        I(i64, {1, 1}, {1}), I(i64, {1, 2}, {0, 1}), I(i64, {1, 2}, {kNever, kNever})},
               Precision::F64);
  double e1 = std::exp(1.0), e2 = std::exp(2.0);
  expectFloats(r[0], {(10 * e1 + 20 * e2) / (e1 + e2)}, 1e-13);
  expectFloats(r[1], {std::log(e1 + e2)}, 1e-15);
}

TEST_F(AttentionTest, DefaultScaleIsInverseSqrtHeadDim) {
  auto r = run(R"(func.func @f(%q: tensor<1x1x1x4xf64>, %k: tensor<1x2x1x4xf64>, %v: tensor<1x2x1x1xf64>, %p: tensor<1x1xi64>, %kp: tensor<1x2xi64>, %hi: tensor<1x2xi64>) -> tensor<1x1x1xf64> {
    %o, %l = loom.attention %q, %k, %v query_positions(%p) key_positions(%kp) visible(%kp, %hi)
        : tensor<1x1x1x4xf64>, tensor<1x2x1x4xf64>, tensor<1x2x1x1xf64>, tensor<1x1xi64>, tensor<1x2xi64>
    return %l : tensor<1x1x1xf64>
  })", {F(f64, {1, 1, 1, 4}, {1, 1, 1, 1}), F(f64, {1, 2, 1, 4}, {1, 0, 0, 0, 1, 1, 1, 1}),
        F(f64, {1, 2, 1, 1}, {0, 0}), I(i64, {1, 1}, {5}), I(i64, {1, 2}, {0, 1}),
        I(i64, {1, 2}, {kNever, kNever})},
               Precision::F64);
  expectFloats(r[0], {std::log(std::exp(0.5) + std::exp(2.0))}, 1e-15);
}

TEST_F(AttentionTest, FullyMaskedRowsGiveZeroAndMinusInfAndInvisibleNaNKeysDoNotLeak) {
  // Query 0 (position 0) sees key 0 only; key 1 (a stale cache slot) holds NaN.
  // Query 1 (position -1) sees nothing.
  auto r = run(R"(func.func @f(%q: tensor<1x2x1x2xf32>, %k: tensor<1x2x1x2xf32>, %v: tensor<1x2x1x2xf32>, %qp: tensor<1x2xi64>, %kp: tensor<1x2xi64>, %hi: tensor<1x2xi64>) -> (tensor<1x2x1x2xf32>, tensor<1x2x1xf32>) {
    %o, %l = loom.attention %q, %k, %v query_positions(%qp) key_positions(%kp) visible(%kp, %hi)
        : tensor<1x2x1x2xf32>, tensor<1x2x1x2xf32>, tensor<1x2x1x2xf32>, tensor<1x2xi64>, tensor<1x2xi64>
    return %o, %l : tensor<1x2x1x2xf32>, tensor<1x2x1xf32>
  })", {F(f32, {1, 2, 1, 2}, {1, 1, 1, 1}), F(f32, {1, 2, 1, 2}, {1, 0, NAN, NAN}),
        F(f32, {1, 2, 1, 2}, {3, 4, NAN, NAN}), I(i64, {1, 2}, {0, -1}), I(i64, {1, 2}, {0, 1}),
        I(i64, {1, 2}, {kNever, kNever})});
  expectFloats(r[0], {3, 4, 0, 0});
  expectFloats(r[1], {static_cast<float>(1 / std::sqrt(2.0)), -INFINITY});
}

TEST_F(AttentionTest, GroupedQueryHeadsReadTheirKvHead) {
  // Hq = 4, Hkv = 2: query heads 0, 1 read kv head 0 (values 1), heads 2, 3 kv head 1 (values 2).
  std::vector<double> q = draws(1, 8), k = draws(2, 2 * 2 * 2);
  auto r = run(R"(func.func @f(%q: tensor<1x1x4x2xf64>, %k: tensor<1x2x2x2xf64>, %v: tensor<1x2x2x1xf64>, %qp: tensor<1x1xi64>, %kp: tensor<1x2xi64>, %hi: tensor<1x2xi64>) -> tensor<1x1x4x1xf64> {
    %o, %l = loom.attention %q, %k, %v query_positions(%qp) key_positions(%kp) visible(%kp, %hi)
        : tensor<1x1x4x2xf64>, tensor<1x2x2x2xf64>, tensor<1x2x2x1xf64>, tensor<1x1xi64>, tensor<1x2xi64>
    return %o : tensor<1x1x4x1xf64>
  })", {F(f64, {1, 1, 4, 2}, q), F(f64, {1, 2, 2, 2}, k), F(f64, {1, 2, 2, 1}, {1, 2, 1, 2}),
        I(i64, {1, 1}, {1}), I(i64, {1, 2}, {0, 1}), I(i64, {1, 2}, {kNever, kNever})},
               Precision::F64);
  expectFloats(r[0], {1, 1, 2, 2}, 1e-15);
}

/// attention_grad against central differences of Σ dO·O, with grouped-query
/// heads and a fully masked query.
TEST_F(AttentionTest, GradMatchesFiniteDifferences) {
  const char *types = "tensor<1x3x4x2xf64>, tensor<1x3x2x2xf64>, tensor<1x3x2x3xf64>, "
                      "tensor<1x3xi64>, tensor<1x3xi64>";
  std::string args = "%q: tensor<1x3x4x2xf64>, %k: tensor<1x3x2x2xf64>, %v: tensor<1x3x2x3xf64>, "
                     "%qp: tensor<1x3xi64>, %kp: tensor<1x3xi64>, %hi: tensor<1x3xi64>";
  std::string attention = std::string("  %o, %l = loom.attention %q, %k, %v query_positions(%qp) "
                                      "key_positions(%kp) visible(%kp, %hi) : ") + types + "\n";
  std::string fwd = "func.func @f(" + args + ") -> tensor<1x3x4x3xf64> {\n" + attention +
                    "  return %o : tensor<1x3x4x3xf64>\n}\n";
  std::string bwd =
      "func.func @f(" + args + ", %do: tensor<1x3x4x3xf64>) -> (tensor<1x3x4x2xf64>, "
      "tensor<1x3x2x2xf64>, tensor<1x3x2x3xf64>) {\n" + attention +
      "  %dq, %dk, %dv = loom.attention_grad %q, %k, %v, %o, %l, %do query_positions(%qp) "
      "key_positions(%kp) visible(%kp, %hi) : tensor<1x3x4x2xf64>, tensor<1x3x2x2xf64>, "
      "tensor<1x3x2x3xf64>, tensor<1x3x4x3xf64>, tensor<1x3x4xf64>, tensor<1x3xi64>, "
      "tensor<1x3xi64>\n  return %dq, %dk, %dv : tensor<1x3x4x2xf64>, tensor<1x3x2x2xf64>, "
      "tensor<1x3x2x3xf64>\n}\n";
  std::vector<std::vector<double>> x = {draws(10, 24), draws(11, 12), draws(12, 18)};
  std::vector<double> dO = draws(13, 36);
  // Query 0 at position 1 sees keys 0, 1; query 1 at 2 sees all; query 2 at -5 none.
  Tensor qp = I(i64, {1, 3}, {1, 2, -5}), kp = I(i64, {1, 3}, {0, 1, 2});
  Tensor hi = I(i64, {1, 3}, {kNever, kNever, kNever});
  std::vector<std::vector<int64_t>> shapes = {{1, 3, 4, 2}, {1, 3, 2, 2}, {1, 3, 2, 3}};
  auto inputs = [&](const std::vector<std::vector<double>> &v) {
    return std::vector<Tensor>{F(f64, shapes[0], v[0]), F(f64, shapes[1], v[1]),
                               F(f64, shapes[2], v[2]), qp, kp, hi};
  };
  std::vector<Tensor> in = inputs(x);
  in.push_back(F(f64, {1, 3, 4, 3}, dO));
  std::vector<Tensor> grads = run(bwd, in, Precision::F64);
  ASSERT_EQ(grads.size(), 3u);
  auto objective = [&](const std::vector<std::vector<double>> &v) {
    std::vector<Tensor> o = run(fwd, inputs(v), Precision::F64);
    double s = 0;
    for (size_t n = 0; n < dO.size(); ++n)
      s += dO[n] * o[0].f[n];
    return s;
  };
  for (int which = 0; which < 3; ++which)
    for (size_t n = 0; n < x[which].size(); ++n) {
      auto up = x, down = x;
      up[which][n] += 1e-6;
      down[which][n] -= 1e-6;
      double fd = (objective(up) - objective(down)) / 2e-6;
      EXPECT_NEAR(grads[which].f[n], fd, 1e-7) << "operand " << which << " element " << n;
    }
  // The masked query (index 2) gets no gradient.
  for (int n = 16; n < 24; ++n)
    EXPECT_EQ(grads[0].f[n], 0.0);
}

} // namespace
