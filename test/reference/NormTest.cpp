//===- NormTest.cpp - rms_norm, layer_norm, their grads, rope --------------===//

#include "test/reference/TestUtil.h"

#include <cmath>

using namespace loom::reference;
using namespace loom::reference::testing;

namespace {

class NormTest : public InterpreterTest {};

TEST_F(NormTest, RmsNormClosedForm) {
  auto r = run(R"(func.func @f(%x: tensor<2x2xf64>, %w: tensor<2xf64>) -> (tensor<2x2xf64>, tensor<2xf64>) {
    %y, %rstd = loom.rms_norm %x weight(%w : tensor<2xf64>) {epsilon = 1.0e-05 : f64} : tensor<2x2xf64>
    return %y, %rstd : tensor<2x2xf64>, tensor<2xf64>
  })", {F(f64, {2, 2}, {3, 4, 0, 0}), F(f64, {2}, {1, 2})}, Precision::F64);
  double s0 = 1 / std::sqrt(12.5 + 1e-5), s1 = 1 / std::sqrt(1e-5);
  expectFloats(r[1], {s0, s1}, 1e-15);
  expectFloats(r[0], {3 * s0, 8 * s0, 0, 0}, 1e-15);
}

TEST_F(NormTest, LayerNormClosedFormAndStatisticsTypes) {
  auto r = run(R"(func.func @f(%x: tensor<1x4xbf16>, %w: tensor<4xbf16>, %b: tensor<4xbf16>) -> (tensor<1x4xbf16>, tensor<1xf32>, tensor<1xf32>) {
    %y, %m, %s = loom.layer_norm %x weight(%w : tensor<4xbf16>) bias(%b : tensor<4xbf16>) {epsilon = 0.0 : f64} : tensor<1x4xbf16>
    return %y, %m, %s : tensor<1x4xbf16>, tensor<1xf32>, tensor<1xf32>
  })", {F(bf16, {1, 4}, {1, 2, 3, 4}), F(bf16, {4}, {1, 1, 1, 2}), F(bf16, {4}, {0, 0, 0, 1})});
  double rstd = 1 / std::sqrt(1.25);
  expectFloats(r[1], {2.5});
  expectFloats(r[2], {static_cast<double>(static_cast<float>(rstd))});
  // y in bf16: (x - 2.5)·rstd·w + b, rounded to 8 significant bits.
  EXPECT_NEAR(r[0].f[0], -1.5 * rstd, 1e-2);
  EXPECT_NEAR(r[0].f[3], 1.5 * rstd * 2 + 1, 1e-2);
  EXPECT_EQ(r[0].f[3], 3.6875); // 3.6833 rounded to bf16 (spacing 2^-6)
}

/// Central differences of Σ g·y(x) against the grad op's dx, in f64.
class NormGradTest : public NormTest {
protected:
  double objective(const std::string &ir, const std::vector<double> &x,
                   const std::vector<double> &g) {
    auto r = run(ir, {F(f64, {2, 3}, x)}, Precision::F64);
    double s = 0;
    for (size_t n = 0; n < g.size(); ++n)
      s += g[n] * r[0].f[n];
    return s;
  }
};

TEST_F(NormGradTest, RmsAndLayerNormGradsMatchFiniteDifferences) {
  std::vector<double> x = {0.3, -1.2, 0.7, 2.0, 0.1, -0.4}, g = {0.5, -1, 2, 1, 0.25, -0.75};
  for (bool layer : {false, true}) {
    std::string fwd = layer ? R"(func.func @f(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
        %y, %m, %s = loom.layer_norm %x {epsilon = 1.0e-03 : f64} : tensor<2x3xf64>
        return %y : tensor<2x3xf64> })"
                            : R"(func.func @f(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
        %y, %s = loom.rms_norm %x {epsilon = 1.0e-03 : f64} : tensor<2x3xf64>
        return %y : tensor<2x3xf64> })";
    std::string bwd = layer ? R"(func.func @f(%x: tensor<2x3xf64>, %g: tensor<2x3xf64>) -> tensor<2x3xf64> {
        %y, %m, %s = loom.layer_norm %x {epsilon = 1.0e-03 : f64} : tensor<2x3xf64>
        %dx = loom.layer_norm_grad %x, %m, %s, %g : tensor<2x3xf64>, tensor<2xf64>
        return %dx : tensor<2x3xf64> })"
                            : R"(func.func @f(%x: tensor<2x3xf64>, %g: tensor<2x3xf64>) -> tensor<2x3xf64> {
        %y, %s = loom.rms_norm %x {epsilon = 1.0e-03 : f64} : tensor<2x3xf64>
        %dx = loom.rms_norm_grad %x, %s, %g : tensor<2x3xf64>, tensor<2xf64>
        return %dx : tensor<2x3xf64> })";
    auto dx = run(bwd, {F(f64, {2, 3}, x), F(f64, {2, 3}, g)}, Precision::F64);
    ASSERT_EQ(dx.size(), 1u);
    for (size_t n = 0; n < x.size(); ++n) {
      std::vector<double> up = x, down = x;
      up[n] += 1e-6;
      down[n] -= 1e-6;
      double fd = (objective(fwd, up, g) - objective(fwd, down, g)) / 2e-6;
      EXPECT_NEAR(dx[0].f[n], fd, 1e-7) << (layer ? "layer_norm" : "rms_norm") << " x[" << n << "]";
    }
  }
}

TEST_F(NormTest, RopeBothLayoutsRotateTheRightPairs) {
  // D = 4, theta = 100: pair 0 rotates by p, pair 1 by p / 10.
  std::vector<double> x = {1, 2, 3, 4};
  auto r = run(R"(func.func @f(%x: tensor<1x1x1x4xf64>, %p: tensor<1x1xi64>) -> (tensor<1x1x1x4xf64>, tensor<1x1x1x4xf64>) {
    %a = loom.rope %x positions(%p : tensor<1x1xi64>) layout(interleaved) {theta = 1.0e+02 : f64} : tensor<1x1x1x4xf64>
    %b = loom.rope %x positions(%p : tensor<1x1xi64>) layout(half_split) {theta = 1.0e+02 : f64} : tensor<1x1x1x4xf64>
    return %a, %b : tensor<1x1x1x4xf64>, tensor<1x1x1x4xf64>
  })", {F(f64, {1, 1, 1, 4}, x), I(i64, {1, 1}, {3})}, Precision::F64);
  double c0 = std::cos(3.0), s0 = std::sin(3.0), c1 = std::cos(0.3), s1 = std::sin(0.3);
  // interleaved pairs (x0, x1) and (x2, x3)
  expectFloats(r[0], {1 * c0 - 2 * s0, 1 * s0 + 2 * c0, 3 * c1 - 4 * s1, 3 * s1 + 4 * c1}, 1e-15);
  // half_split pairs (x0, x2) and (x1, x3)
  expectFloats(r[1], {1 * c0 - 3 * s0, 2 * c1 - 4 * s1, 1 * s0 + 3 * c0, 2 * s1 + 4 * c1}, 1e-15);
}

TEST_F(NormTest, RopeAtPositionZeroIsIdentityAndPositionsArePerToken) {
  auto r = run(R"(func.func @f(%x: tensor<1x2x2x2xf32>, %p: tensor<1x2xi32>) -> tensor<1x2x2x2xf32> {
    %a = loom.rope %x positions(%p : tensor<1x2xi32>) layout(half_split) {theta = 1.0e+04 : f64} : tensor<1x2x2x2xf32>
    return %a : tensor<1x2x2x2xf32>
  })", {F(f32, {1, 2, 2, 2}, {1, 2, 3, 4, 1, 0, 0, 1}), I(i32, {1, 2}, {0, 1})});
  double c = static_cast<float>(std::cos(1.0)), s = static_cast<float>(std::sin(1.0));
  expectFloats(r[0], {1, 2, 3, 4, c, s, -s, c}, 1e-7);
}

} // namespace
