//===- GpuThreadingTest.cpp - how the GPU lowering spreads work ----------===//
//
// - Which reductions splitRowReductions splits, by how much, and which it
//   leaves alone (CooperativeReductions.h's rules), on linalg IR.
// - A sequential nest whose writes are row-parallel (scatter_add: rows added
//   into the table rows their indices name, indices repeating) runs on every
//   thread, each owning columns, and matches an in-order reference exactly.
// - Numerics: kernels with long rows (softmax, RMSNorm, a full sum of
//   131904, a max over rows of 1000, a column sum) go through the CUDA
//   lowering with the host emulation of its threads (no GPU, no toolkit
//   needed) and are called through the launch ABI; their results are
//   compared with references computed here in double. The split sum of
//   131904 squares is held to 1e-6: an f32 sum in order is off by about
//   2e-5 there, which is what the split fixes.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/CooperativeReductions.h"
#include "codegen/cuda/CudaKernelCompiler.h"

#include "dialects/loom/IR/LoomDialect.h"
#include "dialects/loomrt/IR/LoomrtDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <dlfcn.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

using namespace mlir;
using namespace mlir::loom::codegen;

namespace {

class GpuThreadingTest : public ::testing::Test {
protected:
  GpuThreadingTest() {
    DialectRegistry registry;
    registry.insert<arith::ArithDialect, func::FuncDialect, linalg::LinalgDialect,
                    tensor::TensorDialect, mlir::loom::LoomDialect, mlir::loomrt::LoomrtDialect>();
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  /// The partial shapes (tensor.empty of the splits, in order) after
  /// splitting the one function of `source`.
  std::vector<std::vector<int64_t>> splitShapes(StringRef source, unsigned &splits) {
    OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &context);
    EXPECT_TRUE(module);
    std::vector<std::vector<int64_t>> shapes;
    if (!module)
      return shapes;
    auto fn = *module->getOps<func::FuncOp>().begin();
    unsigned before = 0;
    fn.walk([&](tensor::EmptyOp) { ++before; });
    splits = splitRowReductions(fn, kCudaBlockSize);
    fn.walk([&](tensor::EmptyOp empty) {
      shapes.emplace_back(empty.getType().getShape().begin(), empty.getType().getShape().end());
    });
    shapes.erase(shapes.begin(), shapes.begin() + before); // the function's own come first
    return shapes;
  }

  MLIRContext context;
};

// A sum of squares over rows of `R`, `P` rows, in element type `T`.
std::string rowSum(int64_t p, int64_t r, StringRef t = "f32", StringRef combiner = "arith.addf") {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "func.func @f(%x: tensor<" << p << "x" << r << "x" << t << ">, %init: tensor<" << p << "x"
     << t << ">) -> tensor<" << p << "x" << t << "> {\n"
     << "  %s = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, "
        "affine_map<(d0, d1) -> (d0)>], iterator_types = [\"parallel\", \"reduction\"]} "
     << "ins(%x : tensor<" << p << "x" << r << "x" << t << ">) outs(%init : tensor<" << p << "x"
     << t << ">) {\n"
     << "  ^bb0(%in: " << t << ", %acc: " << t << "):\n"
     << "    %sq = arith.mulf %in, %in : " << t << "\n"
     << "    %r = " << combiner << " %sq, %acc : " << t << "\n"
     << "    linalg.yield %r : " << t << "\n"
     << "  } -> tensor<" << p << "x" << t << ">\n"
     << "  return %s : tensor<" << p << "x" << t << ">\n}\n";
  return text;
}

TEST_F(GpuThreadingTest, LongRowsAreSplitUntilTheCombineIsShort) {
  unsigned splits = 0;
  // 8 rows of 2048: 64 partials a row (512 threads), then 8, then in order.
  EXPECT_EQ(splitShapes(rowSum(8, 2048), splits),
            (std::vector<std::vector<int64_t>>{{8, 64}, {8, 8}}));
  EXPECT_EQ(splits, 2u);
  // One row of 4096: 512 partials, 64, 8.
  EXPECT_EQ(splitShapes(rowSum(1, 4096, "f64"), splits),
            (std::vector<std::vector<int64_t>>{{1, 512}, {1, 64}, {1, 8}}));
  // Many rows: a warp per row (32 partials), within the shared-memory budget.
  EXPECT_EQ(splitShapes(rowSum(64, 1024), splits),
            (std::vector<std::vector<int64_t>>{{64, 32}}));
  // 1000 is no multiple of 32: its largest divisor allowed, 125.
  EXPECT_EQ(splitShapes(rowSum(2, 1000, "f32", "arith.maximumf"), splits),
            (std::vector<std::vector<int64_t>>{{2, 125}}));
}

TEST_F(GpuThreadingTest, negative_WhatStaysOneThreadPerOutput) {
  unsigned splits = 0;
  // Short rows.
  EXPECT_TRUE(splitShapes(rowSum(4, 32), splits).empty());
  EXPECT_EQ(splits, 0u);
  // Partials over the shared-memory budget (4096 rows x 8 x 4 bytes > 16 KiB).
  EXPECT_TRUE(splitShapes(rowSum(4096, 64), splits).empty());
  // No neutral element: a difference is no reduction that can be reassociated.
  EXPECT_TRUE(splitShapes(rowSum(4, 4096, "f32", "arith.subf"), splits).empty());
  // Low-precision accumulators are widened later, not split.
  EXPECT_TRUE(splitShapes(rowSum(4, 4096, "bf16"), splits).empty());
  // A column sum: the reduced dim is not the contiguous one (already coalesced).
  const char *column = R"mlir(
func.func @f(%x: tensor<4096x8xf32>, %init: tensor<8xf32>) -> tensor<8xf32> {
  %s = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d0)>],
                       iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<4096x8xf32>) outs(%init : tensor<8xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.addf %in, %acc : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  return %s : tensor<8xf32>
}
)mlir";
  EXPECT_TRUE(splitShapes(column, splits).empty());
  EXPECT_EQ(splits, 0u);
}

/// Kernels with long rows, through the CUDA lowering emulated on the host.
const char *kLongRows = R"mlir(
func.func @softmax_rows(%x: tensor<4x2048xf32>) -> tensor<4x2048xf32>
    attributes {loom.strategy = "row_reduction", loom.tile_rows = 1 : i64,
                loom.workgroups = array<i64: 4, 1, 1>} {
  %r = loom.softmax %x dim 1 acc(f32) : tensor<4x2048xf32>
  return %r : tensor<4x2048xf32>
}
func.func @rms_rows(%x: tensor<2x4096xf32>, %w: tensor<4096xf32>) -> (tensor<2x4096xf32>, tensor<2xf32>) {
  %y, %r = loom.rms_norm %x weight(%w : tensor<4096xf32>) {epsilon = 1.0e-05 : f64} : tensor<2x4096xf32>
  return %y, %r : tensor<2x4096xf32>, tensor<2xf32>
}
func.func @sum_squares(%x: tensor<131904xf32>) -> tensor<f32> {
  %0 = loom.binary mul %x, %x : tensor<131904xf32>
  %1 = loom.reduce sum %0 dims [0] acc(f32) : tensor<131904xf32>
  return %1 : tensor<f32>
}
func.func @max_rows(%x: tensor<3x1000xf32>) -> tensor<3xf32> {
  %r = loom.reduce max %x dims [1] acc(f32) : tensor<3x1000xf32>
  return %r : tensor<3xf32>
}
func.func @column_sum(%x: tensor<512x8xf32>) -> tensor<8xf32> {
  %r = loom.reduce sum %x dims [0] acc(f32) : tensor<512x8xf32>
  return %r : tensor<8xf32>
}
)mlir";

using Kernel = void (*)(const int64_t *, void *const *, const int64_t *);

/// scatter_add of 96 rows of 1000 into a table of 7 rows (every row hit many times), and an
/// f64 one: the nest runs on every thread (GpuKernelLowering.h, ownsColumns), each owning
/// columns, so each column is still added in index order: bit-equal to the in-order sum.
const char *kScatter = R"mlir(
func.func @scatter_rows(%x: tensor<96x1000xf32>, %ids: tensor<96xi64>) -> tensor<7x1000xf32> {
  %t = loom.constant dense<0.0> : tensor<7x1000xf32>
  %r = loom.scatter_add %x into %t[%ids] axis 0 : tensor<96x1000xf32>, tensor<7x1000xf32>, tensor<96xi64>
  return %r : tensor<7x1000xf32>
}
)mlir";

double relativeError(const std::vector<float> &got, const std::vector<double> &want) {
  double worst = 0;
  for (size_t i = 0; i < want.size(); ++i)
    worst = std::max(worst, std::abs(got[i] - want[i]) / std::max(std::abs(want[i]), 1e-30));
  return worst;
}

TEST_F(GpuThreadingTest, EmulatedKernelsMatchDoubleReferences) {
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(kLongRows, &context);
  ASSERT_TRUE(module);
  SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("loom-coop", dir));
  SmallString<128> so(dir);
  llvm::sys::path::append(so, "kernels.so");
  ASSERT_TRUE(succeeded(compileCudaKernelsForHostEmulation(*module, so)));
  void *handle = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(handle, nullptr) << dlerror();
  auto kernel = [&](const char *name) { return reinterpret_cast<Kernel>(dlsym(handle, name)); };
  auto launch = [&](const char *name, std::vector<void *> buffers, int64_t workgroups = 1) {
    Kernel k = kernel(name);
    ASSERT_NE(k, nullptr) << name;
    for (int64_t wg = 0; wg < workgroups; ++wg) {
      int64_t id[3] = {wg, 0, 0};
      k(id, buffers.data(), nullptr);
    }
  };
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  auto randoms = [&](size_t n, float scale) {
    std::vector<float> v(n);
    for (float &x : v)
      x = scale * normal(rng);
    return v;
  };

  { // softmax over rows of 2048, tiled one row a block
    std::vector<float> x = randoms(4 * 2048, 3.0f), y(x.size());
    launch("softmax_rows", {x.data(), y.data()}, 4);
    std::vector<double> want(x.size());
    for (int r = 0; r < 4; ++r) {
      double m = -INFINITY, s = 0;
      for (int c = 0; c < 2048; ++c)
        m = std::max(m, double(x[r * 2048 + c]));
      for (int c = 0; c < 2048; ++c)
        s += std::exp(double(x[r * 2048 + c]) - m);
      for (int c = 0; c < 2048; ++c)
        want[r * 2048 + c] = std::exp(double(x[r * 2048 + c]) - m) / s;
    }
    EXPECT_LT(relativeError(y, want), 2e-6);
  }
  { // RMSNorm over rows of 4096
    std::vector<float> x = randoms(2 * 4096, 1.0f), w = randoms(4096, 1.0f), y(x.size()), rstd(2);
    launch("rms_rows", {x.data(), w.data(), y.data(), rstd.data()});
    std::vector<double> want(x.size()), wantRstd(2);
    for (int r = 0; r < 2; ++r) {
      double ss = 0;
      for (int c = 0; c < 4096; ++c)
        ss += double(x[r * 4096 + c]) * x[r * 4096 + c];
      wantRstd[r] = 1 / std::sqrt(ss / 4096 + 1e-5);
      for (int c = 0; c < 4096; ++c)
        want[r * 4096 + c] = x[r * 4096 + c] * wantRstd[r] * w[c];
    }
    EXPECT_LT(relativeError(y, want), 1e-6);
    EXPECT_LT(relativeError(rstd, wantRstd), 1e-6);
  }
  { // a full sum of 131904 squares (the global gradient norm's shape)
    std::vector<float> x = randoms(131904, 2.4e-3f), sum(1);
    launch("sum_squares", {x.data(), sum.data()});
    double want = 0;
    for (float v : x)
      want += double(v * v);
    EXPECT_LT(relativeError(sum, {want}), 1e-6);
  }
  { // max over rows of 1000 (125 partials a row), exact
    std::vector<float> x = randoms(3 * 1000, 1.0f), m(3);
    x[1 * 1000 + 999] = 100.0f; // the last element of a row, the last partial's
    launch("max_rows", {x.data(), m.data()});
    for (int r = 0; r < 3; ++r) {
      float want = -std::numeric_limits<float>::infinity();
      for (int c = 0; c < 1000; ++c)
        want = std::max(want, x[r * 1000 + c]);
      EXPECT_EQ(m[r], want) << "row " << r;
    }
  }
  { // a column sum, not split: in order, as the CPU adds
    std::vector<float> x = randoms(512 * 8, 1.0f), s(8);
    launch("column_sum", {x.data(), s.data()});
    for (int c = 0; c < 8; ++c) {
      float want = 0;
      for (int r = 0; r < 512; ++r)
        want += x[r * 8 + c];
      EXPECT_EQ(s[c], want) << "column " << c;
    }
  }
  dlclose(handle);
  llvm::sys::fs::remove_directories(dir);
}

TEST_F(GpuThreadingTest, RowParallelScatterRunsOnEveryThreadInIndexOrder) {
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(kScatter, &context);
  ASSERT_TRUE(module);
  std::string ir;
  llvm::raw_string_ostream dump(ir);
  CudaCompileOptions options;
  options.irDump = &dump;
  SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("loom-scatter", dir));
  SmallString<128> so(dir);
  llvm::sys::path::append(so, "kernels.so");
  ASSERT_TRUE(succeeded(compileCudaKernelsForHostEmulation(*module, so, options)));
  // Not on thread 0 alone: no `thread_id == 0` guard is left after the distribution.
  size_t at = ir.find("after thread distribution");
  ASSERT_NE(at, std::string::npos);
  std::string distributed = ir.substr(at, ir.find("// -----", at + 10) - at);
  EXPECT_EQ(distributed.find("arith.cmpi eq, %thread_id_x"), std::string::npos) << distributed;
  void *handle = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(handle, nullptr) << dlerror();
  auto kernel = reinterpret_cast<Kernel>(dlsym(handle, "scatter_rows"));
  ASSERT_NE(kernel, nullptr);
  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> x(96 * 1000), table(7 * 1000, -1.0f);
  for (float &v : x)
    v = normal(rng);
  std::vector<int64_t> ids(96);
  for (int64_t &i : ids)
    i = static_cast<int64_t>(rng() % 7);
  ids[5] = 9; // out of range: skipped
  int64_t id[3] = {0, 0, 0};
  void *buffers[] = {x.data(), ids.data(), table.data()};
  kernel(id, buffers, nullptr);
  std::vector<float> want(7 * 1000, 0.0f);
  for (int r = 0; r < 96; ++r)
    if (ids[r] >= 0 && ids[r] < 7)
      for (int c = 0; c < 1000; ++c)
        want[ids[r] * 1000 + c] += x[r * 1000 + c];
  EXPECT_EQ(table, want);
  dlclose(handle);
  llvm::sys::fs::remove_directories(dir);
}

} // namespace
