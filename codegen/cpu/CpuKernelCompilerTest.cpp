//===- CpuKernelCompilerTest.cpp - a kernels .so against the interpreter ---===//
//
// One module of kernels (kKernels) is compiled once into a .so in a temporary
// directory, dlopened the way the runtime does (RTLD_NOW | RTLD_LOCAL), and
// each kernel is launched through the ABI on generated inputs; its outputs,
// prefilled with a poison byte so that an unwritten element shows, must agree
// with the reference interpreter (Precision::F32): f32 within 1e-6 relative,
// integers and i1 exactly. Then: the symbol table, the exports, no growth of
// the heap over many launches, and the errors (a refused op, a bad kernel
// module, a name clash), each with a diagnostic at its location and no .so.
//
// Tiled kernels (codegen/tiling): the same kernels after loom-kernel-strategy
// with the smallest workgroups it allows (min-work=1), plus kTiled, whose
// grids are written out (boxes spanning several row dims, every row-local op
// family), are compiled into a second .so; every workgroup of each grid is
// launched, in a shuffled order, from several threads at once, and the
// outputs must still agree with the interpreter, with every element written.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/CpuKernelCompiler.h"
#include "codegen/cpu/CpuPipeline.h"
#include "codegen/cpu/testing/DenseBuffers.h"
#include "codegen/cpu/testing/KernelLaunch.h"
#include "codegen/reference/Interpreter.h"
#include "codegen/tiling/WorkgroupTiling.h"
#include "passes/Plan/PlanClassify.h"
#include "passes/Strategy/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <dlfcn.h>
#include <malloc.h>

using namespace mlir;
using namespace mlir::loom::codegen;
using ::loom::reference::Interpreter;
using ::loom::reference::Tensor;
using namespace mlir::loom::codegen::testsupport;

namespace {

const char *kKernels = R"mlir(
func.func @add_f32(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = loom.binary add %a, %b : tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}
func.func @rms_norm(%x: tensor<3x7xf32>, %w: tensor<7xf32>) -> (tensor<3x7xf32>, tensor<3xf32>) {
  %y, %r = loom.rms_norm %x weight(%w : tensor<7xf32>) {epsilon = 1.0e-05 : f64} : tensor<3x7xf32>
  return %y, %r : tensor<3x7xf32>, tensor<3xf32>
}
func.func @reduce_sum(%x: tensor<3x4x5xf32>) -> tensor<3x5xf32> {
  %r = loom.reduce sum %x dims [1] acc(f32) : tensor<3x4x5xf32>
  return %r : tensor<3x5xf32>
}
func.func @reduce_all_i64(%x: tensor<2x3xi64>) -> tensor<i64> {
  %r = loom.reduce sum %x dims [0, 1] acc(i64) : tensor<2x3xi64>
  return %r : tensor<i64>
}
func.func @scale_by_constant(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %c = loom.constant dense<[[1.5, -2.0, 0.1], [0.25, 3.0, -1.0e-03]]> : tensor<2x3xf32>
  %r = loom.binary mul %x, %c : tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}
func.func @constant_only() -> tensor<2x2xi32> {
  %c = loom.constant dense<[[1, -2], [3, 2147483647]]> : tensor<2x2xi32>
  return %c : tensor<2x2xi32>
}
func.func @gather(%table: tensor<6x4xf32>, %ids: tensor<2x3xi64>) -> tensor<2x3x4xf32> {
  %r = loom.gather %table[%ids] axis 0 : tensor<6x4xf32>, tensor<2x3xi64>
  return %r : tensor<2x3x4xf32>
}
func.func @softmax(%x: tensor<3x5xf32>) -> tensor<3x5xf32> {
  %r = loom.softmax %x dim 1 acc(f32) : tensor<3x5xf32>
  return %r : tensor<3x5xf32>
}
func.func @multi_op(%x: tensor<4x6xf32>, %y: tensor<4x6xf32>, %bias: tensor<6xf32>)
    -> (tensor<4x6xf32>, tensor<4xf32>, tensor<4x6xi1>) {
  %s = loom.unary silu %x : tensor<4x6xf32>
  %m = loom.binary mul %s, %y : tensor<4x6xf32>
  %b = loom.broadcast %bias dims [1] : tensor<6xf32> -> tensor<4x6xf32>
  %z = loom.binary add %m, %b : tensor<4x6xf32>
  %e = loom.unary exp %z : tensor<4x6xf32>
  %mx = loom.reduce max %e dims [1] acc(f32) : tensor<4x6xf32>
  %lt = loom.compare lt %z, %b : tensor<4x6xf32>
  return %z, %mx, %lt : tensor<4x6xf32>, tensor<4xf32>, tensor<4x6xi1>
}
func.func @integers(%a: tensor<5xi64>, %b: tensor<5xi64>, %c: tensor<5xi32>)
    -> (tensor<5xi64>, tensor<5xi1>, tensor<5xf32>) {
  %s = loom.binary mul %a, %b : tensor<5xi64>
  %lt = loom.compare lt %a, %b : tensor<5xi64>
  %f = loom.cast %c : tensor<5xi32> to tensor<5xf32>
  return %s, %lt, %f : tensor<5xi64>, tensor<5xi1>, tensor<5xf32>
}
func.func @repeated_and_input_results(%x: tensor<3x2xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>) {
  %n = loom.unary neg %x : tensor<3x2xf32>
  return %n, %n, %x : tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>
}
func.func @half_floats(%x: tensor<16xf32>, %h: tensor<16xbf16>, %g: tensor<16xf16>)
    -> (tensor<16xbf16>, tensor<16xf16>, tensor<16xbf16>, tensor<16xf16>, tensor<16xbf16>, tensor<f32>) {
  %b = loom.cast %x : tensor<16xf32> to tensor<16xbf16>
  %f = loom.cast %x : tensor<16xf32> to tensor<16xf16>
  %s = loom.binary mul %h, %b : tensor<16xbf16>
  %t = loom.binary add %g, %f : tensor<16xf16>
  %e = loom.unary exp %h : tensor<16xbf16>
  %r = loom.reduce sum %h dims [0] acc(f32) : tensor<16xbf16>
  %rf = loom.cast %r : tensor<bf16> to tensor<f32>
  return %b, %f, %s, %t, %e, %rf : tensor<16xbf16>, tensor<16xf16>, tensor<16xbf16>, tensor<16xf16>, tensor<16xbf16>, tensor<f32>
}
func.func @f64_to_bf16_rounds_once() -> tensor<11xbf16> {
  // Ties, a value just above a tie (which f64 -> f32 -> bf16 to nearest would
  // round down), overflow, subnormals.
  %c = loom.constant dense<[1.00390625, 1.0039062509313226, 1.01171875, -1.0039062509313226, 1.0e+300,
      -1.0e+300, 3.3961e+38, 1.0e-45, 9.255296097172552e-41, 0.0, -2.5]> : tensor<11xf64>
  %b = loom.cast %c : tensor<11xf64> to tensor<11xbf16>
  return %b : tensor<11xbf16>
}
)mlir";

/// Kernels with their grids written out: each workgroup's rows are a box
/// of the row space (t_boxes: [1, 2, 10] of [3, 4, 10]), and each row-local
/// op family is tiled once. t_many_workgroups runs 64 workgroups.
const char *kTiled = R"mlir(
func.func @t_boxes(%x: tensor<3x4x10xf32>) -> tensor<3x4x10xf32>
    attributes {loom.workgroups = array<i64: 6, 1, 1>, loom.tile_rows = 20 : i64} {
  %e = loom.unary exp %x : tensor<3x4x10xf32>
  return %e : tensor<3x4x10xf32>
}
func.func @t_broadcast_splat(%x: tensor<4x6x8xf32>, %b: tensor<6x8xf32>) -> tensor<4x6x8xf32>
    attributes {loom.workgroups = array<i64: 12, 1, 1>, loom.tile_rows = 16 : i64} {
  %two = loom.constant dense<2.0> : tensor<4x6x8xf32>
  %bb = loom.broadcast %b dims [1, 2] : tensor<6x8xf32> -> tensor<4x6x8xf32>
  %m = loom.binary mul %x, %two : tensor<4x6x8xf32>
  %s = loom.binary add %m, %bb : tensor<4x6x8xf32>
  return %s : tensor<4x6x8xf32>
}
func.func @t_rms_norm(%x: tensor<4x6x8xf32>, %w: tensor<8xf32>) -> (tensor<4x6x8xf32>, tensor<4x6xf32>)
    attributes {loom.workgroups = array<i64: 8, 1, 1>, loom.tile_rows = 3 : i64} {
  %y, %r = loom.rms_norm %x weight(%w : tensor<8xf32>) {epsilon = 1.0e-05 : f64} : tensor<4x6x8xf32>
  return %y, %r : tensor<4x6x8xf32>, tensor<4x6xf32>
}
func.func @t_layer_norm(%x: tensor<6x8xf32>, %w: tensor<8xf32>, %b: tensor<8xf32>)
    -> (tensor<6x8xf32>, tensor<6xf32>, tensor<6xf32>)
    attributes {loom.workgroups = array<i64: 3, 1, 1>, loom.tile_rows = 2 : i64} {
  %y, %mean, %rstd = loom.layer_norm %x weight(%w : tensor<8xf32>) bias(%b : tensor<8xf32>) {epsilon = 1.0e-06 : f64} : tensor<6x8xf32>
  return %y, %mean, %rstd : tensor<6x8xf32>, tensor<6xf32>, tensor<6xf32>
}
func.func @t_norm_grads(%x: tensor<6x8xf32>, %rstd: tensor<6xf32>, %mean: tensor<6xf32>, %g: tensor<6x8xf32>)
    -> (tensor<6x8xf32>, tensor<6x8xf32>)
    attributes {loom.workgroups = array<i64: 2, 1, 1>, loom.tile_rows = 3 : i64} {
  %a = loom.rms_norm_grad %x, %rstd, %g : tensor<6x8xf32>, tensor<6xf32>
  %b = loom.layer_norm_grad %x, %mean, %rstd, %g : tensor<6x8xf32>, tensor<6xf32>
  return %a, %b : tensor<6x8xf32>, tensor<6x8xf32>
}
func.func @t_rope(%q: tensor<2x4x2x8xf32>, %pos: tensor<2x4xi64>) -> tensor<2x4x2x8xf32>
    attributes {loom.workgroups = array<i64: 8, 1, 1>, loom.tile_rows = 2 : i64} {
  %r = loom.rope %q positions(%pos : tensor<2x4xi64>) layout(half_split) {theta = 1.0e+04 : f64} : tensor<2x4x2x8xf32>
  return %r : tensor<2x4x2x8xf32>
}
func.func @t_cross_entropy(%logits: tensor<8x10xf32>, %t: tensor<8xi64>) -> tensor<8xf32>
    attributes {loom.workgroups = array<i64: 4, 1, 1>, loom.tile_rows = 2 : i64} {
  %l = loom.cross_entropy %logits, %t acc(f32) : tensor<8x10xf32>, tensor<8xi64>
  return %l : tensor<8xf32>
}
func.func @t_cumsum_argmax(%x: tensor<6x5xf32>) -> (tensor<6x5xf32>, tensor<6xi64>, tensor<6x5xf32>)
    attributes {loom.workgroups = array<i64: 6, 1, 1>, loom.tile_rows = 1 : i64} {
  %c = loom.cumsum %x dim 1 acc(f32) : tensor<6x5xf32>
  %i = loom.argmax %x dim 1 : tensor<6x5xf32>
  %l = loom.log_softmax %x dim 1 acc(f32) : tensor<6x5xf32>
  return %c, %i, %l : tensor<6x5xf32>, tensor<6xi64>, tensor<6x5xf32>
}
func.func @t_many_workgroups(%x: tensor<256x64xf32>, %y: tensor<256x64xf32>) -> (tensor<256x64xf32>, tensor<256x64xf32>)
    attributes {loom.workgroups = array<i64: 64, 1, 1>, loom.tile_rows = 4 : i64} {
  %s = loom.binary add %x, %y : tensor<256x64xf32>
  %p = loom.softmax %s dim 1 acc(f32) : tensor<256x64xf32>
  return %s, %p : tensor<256x64xf32>, tensor<256x64xf32>
}
)mlir";

/// Each kernel with the range of its integer inputs (gather ids < 6).
struct KernelCase {
  const char *name;
  int64_t intRange;
};
void PrintTo(const KernelCase &c, std::ostream *os) { *os << c.name; }
const KernelCase kCases[] = {
    {"add_f32", 1},
    {"rms_norm", 1},
    {"reduce_sum", 1},
    {"reduce_all_i64", 1000},
    {"scale_by_constant", 1},
    {"constant_only", 1},
    {"gather", 6},
    {"softmax", 1},
    {"multi_op", 1},
    {"integers", 1 << 20},
    {"repeated_and_input_results", 1},
    {"half_floats", 1},
    {"f64_to_bf16_rounds_once", 1},
};
const KernelCase kTiledCases[] = {
    {"t_boxes", 1},         {"t_broadcast_splat", 1}, {"t_rms_norm", 1},
    {"t_layer_norm", 1},    {"t_norm_grads", 1},      {"t_rope", 100},
    {"t_cross_entropy", 10}, {"t_cumsum_argmax", 1},  {"t_many_workgroups", 1},
};

MLIRContext &context() {
  static MLIRContext *context = [] {
    DialectRegistry registry;
    ::loom::reference::registerDialects(registry);
    registerCpuCodegenDialects(registry);
    auto *c = new MLIRContext(registry);
    c->loadAllAvailableDialects();
    return c;
  }();
  return *context;
}

std::string readFile(StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  return buffer ? (*buffer)->getBuffer().str() : std::string("<missing>");
}

/// The compiled module, built once for the whole suite.
class CpuKernelCompilerTest : public ::testing::TestWithParam<KernelCase> {
public:
  static void SetUpTestSuite() {
    compileSuite(OwningOpRef<ModuleOp>(parseSourceString<ModuleOp>(kKernels, &context())));
  }

  /// Compiles `parsed` into a .so and dlopens it.
  static void compileSuite(OwningOpRef<ModuleOp> parsed) {
    module = new OwningOpRef<ModuleOp>(std::move(parsed));
    ASSERT_TRUE(*module) << "cannot parse the kernels";
    std::string before;
    llvm::raw_string_ostream(before) << **module;

    SmallString<128> dir;
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("loom-cpu-codegen", dir));
    directory = new std::string(dir.str());
    soPath = new std::string((dir + "/kernels.so").str());
    auto start = std::chrono::steady_clock::now();
    bool compiled = succeeded(compileCpuKernels(**module, *soPath, symbols));
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_TRUE(compiled) << "compileCpuKernels failed";
    uint64_t size = 0;
    llvm::sys::fs::file_size(*soPath, size);
    std::printf("[cpu-codegen] %zu kernels -> %s: %llu bytes, compiled in %.2f s\n",
                symbols.size(), soPath->c_str(), static_cast<unsigned long long>(size), seconds);

    std::string after;
    llvm::raw_string_ostream(after) << **module;
    EXPECT_EQ(before, after) << "compileCpuKernels changed its input module";
    handle = dlopen(soPath->c_str(), RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(handle, nullptr) << dlerror();
  }

  static void TearDownTestSuite() {
    if (handle)
      dlclose(handle);
    if (soPath)
      llvm::sys::fs::remove(*soPath);
    if (directory)
      llvm::sys::fs::remove(*directory);
    delete module;
    delete soPath;
    delete directory;
    // Two suites share this fixture: the second set-up starts from nothing.
    handle = nullptr;
    module = nullptr;
    soPath = directory = nullptr;
    symbols.clear();
  }

protected:
  using LaunchFn = function_ref<void(const KernelLaunch &, KernelFn, func::FuncOp)>;

  /// Launches kernel `c` by `launchAll` on generated inputs; every output
  /// must agree with the interpreter and no input may change. `how` names
  /// the launch in failures.
  static void expectMatchesInterpreter(const KernelCase &c, const std::string &how,
                                       LaunchFn launchAll) {
    ASSERT_NE(handle, nullptr);
    auto fn = (*module)->lookupSymbol<func::FuncOp>(c.name);
    ASSERT_TRUE(fn) << c.name;
    auto kernel = reinterpret_cast<KernelFn>(dlsym(handle, c.name));
    ASSERT_NE(kernel, nullptr) << c.name << " is not exported";

    std::vector<Tensor> inputs = generatedInputs(fn, c.intRange);
    Interpreter interpreter(**module, {::loom::reference::Precision::F32});
    std::string error;
    auto expected = interpreter.run(c.name, inputs, error);
    ASSERT_TRUE(succeeded(expected)) << error;

    KernelLaunch launch(fn, inputs);
    launchAll(launch, kernel, fn);
    std::vector<Tensor> got = launch.results();
    for (unsigned r = 0; r < fn.getNumResults(); ++r) {
      std::string where = std::string(c.name) + how + " result " + std::to_string(r);
      EXPECT_EQ(countMismatches(got[r], (*expected)[r], 1e-6, where), 0) << where;
    }
    EXPECT_TRUE(launch.inputsUnchanged()) << c.name << " wrote an input";
  }

  static inline OwningOpRef<ModuleOp> *module = nullptr;
  static inline std::string *directory = nullptr, *soPath = nullptr;
  static inline SmallVector<CpuKernelSymbol> symbols;
  static inline void *handle = nullptr;
};

TEST_P(CpuKernelCompilerTest, MatchesInterpreter) {
  expectMatchesInterpreter(GetParam(), "", [](const KernelLaunch &launch, KernelFn kernel,
                                              func::FuncOp) { launch.run(kernel); });
}

INSTANTIATE_TEST_SUITE_P(Kernels, CpuKernelCompilerTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<KernelCase> &info) {
                           return std::string(info.param.name);
                         });

/// kKernels after loom-kernel-strategy with the smallest workgroups it allows,
/// and kTiled with its grids as written, compiled into one .so.
class TiledKernelCompilerTest : public CpuKernelCompilerTest {
public:
  static void SetUpTestSuite() {
    OwningOpRef<ModuleOp> kernels = parseSourceString<ModuleOp>(kKernels, &context());
    OwningOpRef<ModuleOp> tiled = parseSourceString<ModuleOp>(kTiled, &context());
    ASSERT_TRUE(kernels && tiled);
    // The pass annotates a module named @kernels.
    kernels->setSymName(mlir::loom::kKernelModuleName);
    PassManager pm(&context());
    mlir::loom::LoomKernelStrategyPassOptions options;
    options.minWork = 1;
    options.maxWorkgroups = 64;
    pm.addPass(mlir::loom::createLoomKernelStrategyPass(options));
    ASSERT_TRUE(succeeded(pm.run(*kernels)));
    for (Operation &op : llvm::make_early_inc_range(tiled->getBody()->getOperations()))
      op.moveBefore(kernels->getBody(), kernels->getBody()->end());
    compileSuite(std::move(kernels));
  }

  /// The kernel's grid (1 when it has none).
  static int64_t workgroups(func::FuncOp fn) {
    auto grid = fn->getAttrOfType<DenseI64ArrayAttr>("loom.workgroups");
    return grid ? grid[0] : 1;
  }
};

TEST_P(TiledKernelCompilerTest, EveryWorkgroupFromSeveralThreadsMatchesInterpreter) {
  for (uint64_t seed : {1u, 2u}) {
    int64_t grid = 0;
    expectMatchesInterpreter(
        GetParam(), " (order " + std::to_string(seed) + ")",
        [&](const KernelLaunch &launch, KernelFn kernel, func::FuncOp fn) {
          grid = workgroups(fn);
          launch.runGrid(kernel, grid, /*threads=*/4, seed);
        });
    if (HasFailure()) {
      ADD_FAILURE() << GetParam().name << " failed on a grid of " << grid << " workgroups";
      return;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Strategy, TiledKernelCompilerTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<KernelCase> &info) {
                           return std::string(info.param.name);
                         });
INSTANTIATE_TEST_SUITE_P(Written, TiledKernelCompilerTest, ::testing::ValuesIn(kTiledCases),
                         [](const ::testing::TestParamInfo<KernelCase> &info) {
                           return std::string(info.param.name);
                         });

/// The strategy pass gave kKernels the grids its rule says (one row per
/// workgroup here), and serial kernels one workgroup.
TEST_F(TiledKernelCompilerTest, GridsOfTheStrategy) {
  ASSERT_NE(handle, nullptr);
  const std::pair<const char *, int64_t> grids[] = {
      {"add_f32", 32},    {"rms_norm", 3},      {"reduce_sum", 3},  {"reduce_all_i64", 1},
      {"gather", 24},     {"softmax", 3},       {"multi_op", 4},    {"half_floats", 1},
      {"constant_only", 4}, {"repeated_and_input_results", 6}, {"t_many_workgroups", 64}};
  for (auto [name, grid] : grids) {
    auto fn = (*module)->lookupSymbol<func::FuncOp>(name);
    ASSERT_TRUE(fn) << name;
    EXPECT_EQ(workgroups(fn), grid) << name;
  }
}

/// A workgroup writes its rows of every output and nothing else: workgroup 5
/// of t_many_workgroups (4 rows of 64) and workgroup 3 of t_boxes (the box
/// [1, 2, 10] at [1, 2, 0] of [3, 4, 10]) leave every other byte poisoned.
TEST_F(TiledKernelCompilerTest, AWorkgroupWritesOnlyItsRows) {
  ASSERT_NE(handle, nullptr);
  struct Case {
    const char *name;
    int64_t workgroup, firstElement, elements; // of result 0, row-major
  };
  for (Case c : {Case{"t_many_workgroups", 5, 5 * 4 * 64, 4 * 64}, Case{"t_boxes", 3, 60, 20}}) {
    auto fn = (*module)->lookupSymbol<func::FuncOp>(c.name);
    auto kernel = reinterpret_cast<KernelFn>(dlsym(handle, c.name));
    ASSERT_TRUE(fn && kernel) << c.name;
    KernelLaunch launch(fn, generatedInputs(fn, 1));
    launch.runWorkgroup(kernel, c.workgroup);
    const std::vector<char> &bytes = launch.outputBytes(0);
    const int64_t size = 4; // f32 results
    for (int64_t i = 0; i * size < static_cast<int64_t>(bytes.size()); ++i) {
      bool mine = i >= c.firstElement && i < c.firstElement + c.elements;
      bool poisoned = std::all_of(&bytes[i * size], &bytes[i * size] + size,
                                  [](char b) { return b == static_cast<char>(0xA5); });
      if (mine == poisoned) {
        ADD_FAILURE() << c.name << " workgroup " << c.workgroup << ": element " << i
                      << (mine ? " of its rows is not written" : " outside its rows is written");
        break;
      }
    }
  }
}

/// Each workgroup's temporaries are freed within its launch.
TEST_F(TiledKernelCompilerTest, WorkgroupsDoNotLeak) {
  ASSERT_NE(handle, nullptr);
  for (const char *name : {"t_rms_norm", "t_many_workgroups"}) {
    auto fn = (*module)->lookupSymbol<func::FuncOp>(name);
    auto kernel = reinterpret_cast<KernelFn>(dlsym(handle, name));
    ASSERT_TRUE(fn && kernel) << name;
    KernelLaunch launch(fn, generatedInputs(fn, 1));
    launch.runGrid(kernel, workgroups(fn), 1, 1); // warm up the allocator
    size_t before = mallinfo2().uordblks;
    for (int n = 0; n < 50; ++n)
      launch.runGrid(kernel, workgroups(fn), 1, n);
    EXPECT_EQ(mallinfo2().uordblks, before) << name << " leaks";
  }
}

/// The guard against racing workgroups: after bufferization, a tiled kernel
/// that writes an output buffer other than through a subview of its rows is
/// refused.
TEST(WorkgroupTiling, OutputsWrittenWholeAreRefused) {
  const char *source = R"mlir(
func.func @whole(%wg: index, %x: memref<4x8xf32>, %out: memref<4x8xf32>) {
  memref.copy %x, %out : memref<4x8xf32> to memref<4x8xf32>
  return
}
func.func @rows(%wg: index, %x: memref<4x8xf32>, %out: memref<4x8xf32>) {
  %in = memref.subview %x[%wg, 0] [1, 8] [1, 1] : memref<4x8xf32> to memref<1x8xf32, strided<[8, 1], offset: ?>>
  %o = memref.subview %out[%wg, 0] [1, 8] [1, 1] : memref<4x8xf32> to memref<1x8xf32, strided<[8, 1], offset: ?>>
  memref.copy %in, %o : memref<1x8xf32, strided<[8, 1], offset: ?>> to memref<1x8xf32, strided<[8, 1], offset: ?>>
  return
}
func.func @full_view(%wg: index, %x: memref<4x8xf32>, %out: memref<4x8xf32>) {
  %o = memref.subview %out[0, 0] [4, 8] [1, 1] : memref<4x8xf32> to memref<4x8xf32, strided<[8, 1]>>
  memref.copy %x, %o : memref<4x8xf32> to memref<4x8xf32, strided<[8, 1]>>
  return
}
)mlir";
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &context());
  ASSERT_TRUE(module);
  std::vector<std::string> messages;
  ScopedDiagnosticHandler handler(&context(), [&](Diagnostic &d) {
    messages.push_back(d.str());
    return success();
  });
  EXPECT_TRUE(failed(checkOutputsWrittenInPlace(module->lookupSymbol<func::FuncOp>("whole"), 1)));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_NE(messages[0].find("output #0 is written whole"), std::string::npos) << messages[0];
  EXPECT_TRUE(succeeded(checkOutputsWrittenInPlace(module->lookupSymbol<func::FuncOp>("rows"), 1)));
  EXPECT_TRUE(
      failed(checkOutputsWrittenInPlace(module->lookupSymbol<func::FuncOp>("full_view"), 1)));
}

TEST_F(CpuKernelCompilerTest, SymbolsCountBuffers) {
  ASSERT_EQ(symbols.size(), std::size(kCases));
  for (const CpuKernelSymbol &symbol : symbols) {
    auto fn = (*module)->lookupSymbol<func::FuncOp>(symbol.name);
    ASSERT_TRUE(fn) << symbol.name;
    EXPECT_EQ(symbol.symbol, symbol.name);
    EXPECT_EQ(symbol.numBufferArgs, fn.getNumArguments() + fn.getNumResults()) << symbol.name;
    EXPECT_EQ(symbol.numScalarArgs, 0u) << symbol.name;
  }
  EXPECT_EQ(symbols[1].name, "rms_norm"); // module order
  EXPECT_EQ(symbols[1].numBufferArgs, 4u);
}

TEST_F(CpuKernelCompilerTest, ExportsOnlyKernels) {
  ASSERT_NE(handle, nullptr);
  // The bodies are internal (and inlined): nothing but entry points leaks.
  EXPECT_EQ(dlsym(handle, "add_f32__impl"), nullptr);
  EXPECT_EQ(dlsym(handle, "rms_norm__impl"), nullptr);
}

/// Temporaries (softmax, rms_norm and multi_op keep some) are freed within
/// each launch: the heap in use does not grow over many launches.
TEST_F(CpuKernelCompilerTest, LaunchesDoNotLeak) {
  ASSERT_NE(handle, nullptr);
  for (const char *name : {"softmax", "rms_norm", "multi_op", "repeated_and_input_results"}) {
    auto fn = (*module)->lookupSymbol<func::FuncOp>(name);
    auto kernel = reinterpret_cast<KernelFn>(dlsym(handle, name));
    ASSERT_TRUE(fn && kernel) << name;
    KernelLaunch launch(fn, generatedInputs(fn, 1));
    launch.run(kernel); // warm up the allocator
    size_t before = mallinfo2().uordblks;
    for (int n = 0; n < 500; ++n)
      launch.run(kernel);
    EXPECT_EQ(mallinfo2().uordblks, before) << name << " leaks";
  }
}

/// Compiles `source` to a .so in a fresh directory that first holds a
/// sentinel file at the .so's path; returns the diagnostics, and checks
/// that compilation failed and left the sentinel and nothing else.
std::vector<std::string> compileError(const char *source, std::vector<unsigned> *lines = nullptr) {
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &context());
  EXPECT_TRUE(module);
  if (!module)
    return {};
  SmallString<128> dir;
  EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("loom-cpu-codegen-error", dir));
  std::string soPath = (dir + "/kernels.so").str();
  {
    std::error_code ec;
    llvm::raw_fd_ostream(soPath, ec) << "sentinel";
  }
  std::vector<std::string> messages;
  ScopedDiagnosticHandler handler(&context(), [&](Diagnostic &d) {
    if (d.getSeverity() == DiagnosticSeverity::Error) {
      messages.push_back(d.str());
      if (lines)
        if (auto file = dyn_cast<FileLineColLoc>(d.getLocation()))
          lines->push_back(file.getLine());
    }
    return success();
  });
  SmallVector<CpuKernelSymbol> symbols{{"stale", "stale", 1, 0}};
  EXPECT_TRUE(failed(compileCpuKernels(*module, soPath, symbols)));
  EXPECT_TRUE(symbols.empty());
  EXPECT_EQ(readFile(soPath), "sentinel");
  std::error_code ec;
  int entries = 0;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    ++entries;
  EXPECT_EQ(entries, 1) << "temporary files left beside the .so";
  llvm::sys::fs::remove(soPath);
  llvm::sys::fs::remove(dir);
  EXPECT_FALSE(messages.empty());
  return messages;
}

TEST(CpuKernelCompilerErrors, RefusedOpIsReportedAtItsLocation) {
  // Line 4 of the source holds the attention op, which loom-lower-to-linalg refuses.
  const char *source = R"mlir(
func.func @fine(%a: tensor<4xf32>) -> tensor<4xf32> { return %a : tensor<4xf32> }
func.func @attn(%q: tensor<1x2x1x4xf32>, %k: tensor<1x2x1x4xf32>, %v: tensor<1x2x1x4xf32>, %qp: tensor<1x2xi64>, %kp: tensor<1x2xi64>, %lo: tensor<1x2xi64>, %hi: tensor<1x2xi64>) -> (tensor<1x2x1x4xf32>, tensor<1x2x1xf32>) {
  %o, %l = loom.attention %q, %k, %v query_positions(%qp) key_positions(%kp) visible(%lo, %hi) : tensor<1x2x1x4xf32>, tensor<1x2x1x4xf32>, tensor<1x2x1x4xf32>, tensor<1x2xi64>, tensor<1x2xi64>
  return %o, %l : tensor<1x2x1x4xf32>, tensor<1x2x1xf32>
}
)mlir";
  std::vector<unsigned> lines;
  std::vector<std::string> messages = compileError(source, &lines);
  ASSERT_FALSE(messages.empty());
  EXPECT_NE(messages[0].find("not lowered yet"), std::string::npos) << messages[0];
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], 4u);
}

TEST(CpuKernelCompilerErrors, NotAKernelModule) {
  auto expectMessage = [](const char *source, const char *needle) {
    std::vector<std::string> messages = compileError(source);
    ASSERT_FALSE(messages.empty()) << needle;
    EXPECT_NE(messages[0].find(needle), std::string::npos) << messages[0];
  };
  expectMessage("func.func private @p(%a: tensor<4xf32>) -> tensor<4xf32> { return %a : tensor<4xf32> }",
                "is not public");
  expectMessage("func.func @d(%a: tensor<?xf32>) -> tensor<?xf32> { return %a : tensor<?xf32> }",
                "statically shaped");
  expectMessage("func.func @i(%a: tensor<4xindex>) -> tensor<4xindex> { return %a : tensor<4xindex> }",
                "statically shaped");
  expectMessage("func.func @g(%a: tensor<4xf32>) -> tensor<4xf32> { return %a : tensor<4xf32> }\n"
                "func.func @c(%a: tensor<4xf32>) -> tensor<4xf32> {\n"
                "  %r = func.call @g(%a) : (tensor<4xf32>) -> tensor<4xf32>\n"
                "  return %r : tensor<4xf32>\n}",
                "cannot call functions");
  expectMessage("func.func @a(%a: tensor<4xf32> {loom.arena = \"p\"}) -> (tensor<4xf32> {loom.arena = \"p\"}) {\n"
                "  return %a : tensor<4xf32>\n}",
                "arena");
  expectMessage("memref.global \"private\" constant @g : memref<2xf32> = dense<1.0>",
                "holds only func.func kernels");
  expectMessage("func.func @\"not-an-identifier\"(%a: tensor<4xf32>) -> tensor<4xf32> {\n"
                "  return %a : tensor<4xf32>\n}",
                "C identifier");
}

TEST(CpuKernelCompilerErrors, NameOfACalledLibraryFunction) {
  // The body calls libm's expf; an entry point named expf would shadow it.
  std::vector<std::string> messages = compileError(
      "func.func @expf(%a: tensor<4xf32>) -> tensor<4xf32> {\n"
      "  %r = loom.unary exp %a : tensor<4xf32>\n"
      "  return %r : tensor<4xf32>\n}");
  ASSERT_FALSE(messages.empty());
  EXPECT_NE(messages[0].find("external function"), std::string::npos) << messages[0];
}

} // namespace
