//===- CudaKernelCompilerTest.cpp - kernels to PTX, checked by ptxas -------===//
//
// - The ptxas -v parser on canned output (no ptxas needed).
// - A small kernels module (elementwise, row reductions, a full reduction, a
//   gather, a constant, a tiled grid, a scatter_add's sequential loops)
//   compiles to PTX with one .entry per
//   kernel under its name, bare-pointer parameters in ABI order, and the
//   kernel table (grid, block, buffers) the launcher needs.
// - A kernel whose temporaries overflow shared memory is refused with a
//   diagnostic naming it.
// - Every kernel of the tiny Llama (loomc --compile-to=fusion, then
//   loom-kernel-strategy when the pipeline has not run it yet) compiles into
//   one PTX module that ptxas accepts for sm_90, and the elementwise and
//   row-reduction kernels have no spills and no local memory. The figures of
//   every kernel are printed. Without ptxas this test is skipped with a loud
//   notice; under CI=true it fails (DESIGN.md §8).
//
// LOOM_CUDA_DUMP_IR=1 prints the IR after each step of the compile.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/CudaKernelCompiler.h"
#include "codegen/cuda/PtxasCheck.h"
#include "passes/Plan/PlanClassify.h"
#include "passes/Strategy/Passes.h"

#include "dialects/loom/IR/LoomDialect.h"
#include "dialects/loomrt/IR/LoomrtDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace mlir;
using namespace mlir::loom::codegen;

namespace {

const char *kKernels = R"mlir(
func.func @add_f32(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32>
    attributes {loom.strategy = "elementwise", loom.workgroups = array<i64: 1, 1, 1>} {
  %r = loom.binary add %a, %b : tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}
func.func @softmax_tiled(%x: tensor<8x5xf32>) -> tensor<8x5xf32>
    attributes {loom.strategy = "row_reduction", loom.tile_rows = 2 : i64,
                loom.workgroups = array<i64: 4, 1, 1>} {
  %r = loom.softmax %x dim 1 acc(f32) : tensor<8x5xf32>
  return %r : tensor<8x5xf32>
}
func.func @rms_norm(%x: tensor<3x7xf32>, %w: tensor<7xf32>) -> (tensor<3x7xf32>, tensor<3xf32>) {
  %y, %r = loom.rms_norm %x weight(%w : tensor<7xf32>) {epsilon = 1.0e-05 : f64} : tensor<3x7xf32>
  return %y, %r : tensor<3x7xf32>, tensor<3xf32>
}
func.func @reduce_leading(%x: tensor<3x4x5xf32>) -> tensor<4x5xf32> {
  %r = loom.reduce sum %x dims [0] acc(f32) : tensor<3x4x5xf32>
  return %r : tensor<4x5xf32>
}
func.func @reduce_all_i64(%x: tensor<2x3xi64>) -> tensor<i64> {
  %r = loom.reduce sum %x dims [0, 1] acc(i64) : tensor<2x3xi64>
  return %r : tensor<i64>
}
func.func @gather(%table: tensor<6x4xf32>, %ids: tensor<2x3xi64>) -> tensor<2x3x4xf32> {
  %r = loom.gather %table[%ids] axis 0 : tensor<6x4xf32>, tensor<2x3xi64>
  return %r : tensor<2x3x4xf32>
}
func.func @scale_by_constant(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xi1>) {
  %c = loom.constant dense<[[1.5, -2.0, 0.1], [0.25, 3.0, -1.0e-03]]> : tensor<2x3xf32>
  %r = loom.binary mul %x, %c : tensor<2x3xf32>
  %e = loom.unary exp %r : tensor<2x3xf32>
  %lt = loom.compare lt %e, %c : tensor<2x3xf32>
  return %r, %lt : tensor<2x3xf32>, tensor<2x3xi1>
}
func.func @scatter(%src: tensor<3x4xf32>, %ids: tensor<3xi64>) -> tensor<5x4xf32> {
  %z = loom.constant dense<0.0> : tensor<5x4xf32>
  %r = loom.scatter_add %src into %z[%ids] axis 0 : tensor<3x4xf32>, tensor<5x4xf32>, tensor<3xi64>
  return %r : tensor<5x4xf32>
}
)mlir";

/// A row statistic of 16384 rows that an elementwise op then reads: 64 KiB
/// of temporary, more than a block's shared memory.
const char *kTooMuchShared = R"mlir(
func.func @big_temporary(%x: tensor<16384x2xf32>) -> tensor<16384x2xf32> {
  %r = loom.softmax %x dim 1 acc(f32) : tensor<16384x2xf32>
  return %r : tensor<16384x2xf32>
}
)mlir";

class CudaCodegenTest : public ::testing::Test {
protected:
  CudaCodegenTest() {
    DialectRegistry registry;
    registry.insert<func::FuncDialect, mlir::loom::LoomDialect, mlir::loomrt::LoomrtDialect>();
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  OwningOpRef<ModuleOp> parse(StringRef source) {
    return parseSourceString<ModuleOp>(source, &context);
  }

  CudaCompileOptions options() {
    CudaCompileOptions o;
    if (std::getenv("LOOM_CUDA_DUMP_IR"))
      o.irDump = &llvm::errs();
    return o;
  }

  MLIRContext context;
};

std::string readFile(const std::string &path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// ptxas, or a skip (a failure under CI=true) that says loudly why not.
std::string requirePtxas() {
  std::string ptxas = findPtxas();
  if (!ptxas.empty())
    return ptxas;
  const char *ci = std::getenv("CI");
  if (ci && std::string(ci) == "true")
    ADD_FAILURE() << "ptxas not found but CI=true: the PTX checks must run in CI (install the "
                     "CUDA toolkit or set LOOM_PTXAS)";
  return "";
}

/// Whether a CUDA toolkit (its libdevice) is there to compile PTX with; if
/// not, a skip (a failure under CI=true) that says so loudly.
bool requireToolkit() {
  if (!findLibdevice().empty())
    return true;
  const char *ci = std::getenv("CI");
  if (ci && std::string(ci) == "true")
    ADD_FAILURE() << "no CUDA toolkit (libdevice) but CI=true: the PTX checks must run in CI "
                     "(install the CUDA toolkit or set LOOM_CUDA_TOOLKIT)";
  return false;
}

#define REQUIRE_TOOLKIT()                                                                       \
  if (!requireToolkit()) {                                                                      \
    if (HasFailure())                                                                           \
      return;                                                                                   \
    GTEST_SKIP() << "*** no CUDA toolkit (libdevice): this PTX test is SKIPPED. Install the "   \
                    "CUDA toolkit to run it. ***";                                              \
  }

#define REQUIRE_PTXAS(var)                                                                      \
  std::string var = requirePtxas();                                                             \
  if (var.empty()) {                                                                            \
    if (HasFailure())                                                                           \
      return;                                                                                   \
    GTEST_SKIP() << "*** ptxas NOT FOUND: the ptxas check is SKIPPED. Install the CUDA "        \
                    "toolkit to run it. ***";                                                   \
  }

TEST(PtxasParse, ReadsEveryEntry) {
  const char *log = "ptxas info    : 0 bytes gmem\n"
                    "ptxas info    : Compiling entry function 'k0_add' for 'sm_90'\n"
                    "ptxas info    : Function properties for k0_add\n"
                    "    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\n"
                    "ptxas info    : Used 12 registers, used 0 barriers, 368 bytes cmem[0]\n"
                    "ptxas info    : Compiling entry function 'k1_norm' for 'sm_90'\n"
                    "ptxas info    : Function properties for k1_norm\n"
                    "    40 bytes stack frame, 8 bytes spill stores, 16 bytes spill loads\n"
                    "ptxas info    : Used 255 registers, used 1 barriers, 1024 bytes smem, "
                    "64 bytes lmem, 368 bytes cmem[0]\n";
  std::vector<PtxasKernelStats> kernels = parsePtxasVerbose(log);
  ASSERT_EQ(kernels.size(), 2u);
  EXPECT_EQ(kernels[0].name, "k0_add");
  EXPECT_EQ(kernels[0].registers, 12);
  EXPECT_EQ(kernels[0].spillStoreBytes, 0);
  EXPECT_EQ(kernels[0].localBytes, 0);
  EXPECT_EQ(kernels[1].name, "k1_norm");
  EXPECT_EQ(kernels[1].registers, 255);
  EXPECT_EQ(kernels[1].spillStoreBytes, 8);
  EXPECT_EQ(kernels[1].spillLoadBytes, 16);
  EXPECT_EQ(kernels[1].localBytes, 64); // the larger of stack frame and lmem
  EXPECT_EQ(kernels[1].sharedBytes, 1024);
  EXPECT_EQ(kernels[1].barriers, 1);
}

TEST_F(CudaCodegenTest, SmallKernelsToPtx) {
  REQUIRE_TOOLKIT();
  OwningOpRef<ModuleOp> module = parse(kKernels);
  ASSERT_TRUE(module);
  std::string ptx;
  SmallVector<CudaKernelInfo> infos;
  ASSERT_TRUE(succeeded(compileCudaKernelsToPtx(*module, ptx, infos, options())));
  EXPECT_NE(ptx.find(".target sm_90"), std::string::npos);
  EXPECT_NE(ptx.find(".version 8.0"), std::string::npos);
  EXPECT_EQ(ptx.find(".extern .func"), std::string::npos) << "libdevice was not linked";
  EXPECT_EQ(ptx.find(".local"), std::string::npos) << "no local memory";
  ASSERT_EQ(infos.size(), 8u);
  for (const CudaKernelInfo &info : infos) {
    EXPECT_NE(ptx.find(".visible .entry " + info.name + "("), std::string::npos) << info.name;
    EXPECT_EQ(info.block[0], kCudaBlockSize);
  }
  EXPECT_EQ(infos[0].name, "add_f32");
  EXPECT_EQ(infos[0].strategy, "elementwise");
  EXPECT_EQ(infos[0].numInputs, 2u);
  ASSERT_EQ(infos[0].buffers.size(), 3u);
  EXPECT_EQ(infos[0].buffers[2].dtype, "f32");
  EXPECT_EQ(infos[0].buffers[2].bytes, 4 * 8 * 4);
  EXPECT_EQ(infos[1].grid[0], 4);
  EXPECT_EQ(infos[1].tileRows, 2);
  // softmax keeps a max and a sum per row of its tile in shared memory.
  EXPECT_GT(infos[1].sharedBytes, 0);
  EXPECT_EQ(infos[4].buffers[1].shape, std::vector<int64_t>{});
  EXPECT_EQ(infos[6].buffers[2].dtype, "i1");
  EXPECT_EQ(infos[6].buffers[2].bytes, 6);
  // The tiled kernel reads its block id; every kernel reads its thread id.
  size_t softmax = ptx.find(".entry softmax_tiled(");
  size_t next = ptx.find(".entry", softmax + 1);
  std::string body = ptx.substr(softmax, next - softmax);
  EXPECT_NE(body.find("%ctaid.x"), std::string::npos);
  EXPECT_NE(body.find("%tid.x"), std::string::npos);
  EXPECT_NE(body.find("bar.sync"), std::string::npos);

  REQUIRE_PTXAS(ptxas);
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("loom-cuda-small", "ptx", path));
  llvm::FileRemover remove(path);
  {
    std::ofstream out(path.c_str());
    out << ptx;
  }
  llvm::Expected<PtxasReport> report = runPtxas(ptxas, path);
  ASSERT_TRUE(bool(report)) << llvm::toString(report.takeError());
  ASSERT_TRUE(report->accepted) << report->log;
  EXPECT_EQ(report->kernels.size(), infos.size()) << report->log;
  for (const PtxasKernelStats &stats : report->kernels) {
    EXPECT_EQ(stats.spillStoreBytes + stats.spillLoadBytes, 0) << stats.name;
    EXPECT_EQ(stats.localBytes, 0) << stats.name;
  }
}

TEST_F(CudaCodegenTest, TooMuchSharedMemoryIsAnError) {
  OwningOpRef<ModuleOp> module = parse(kTooMuchShared);
  ASSERT_TRUE(module);
  std::string message;
  ScopedDiagnosticHandler capture(&context, [&](Diagnostic &diagnostic) {
    message += diagnostic.str() + "\n";
    return success();
  });
  std::string ptx;
  SmallVector<CudaKernelInfo> infos;
  EXPECT_TRUE(failed(compileCudaKernelsToPtx(*module, ptx, infos)));
  EXPECT_NE(message.find("kernel @big_temporary needs"), std::string::npos) << message;
  EXPECT_NE(message.find("shared memory"), std::string::npos) << message;
  EXPECT_TRUE(ptx.empty());
  EXPECT_TRUE(infos.empty());
}

TEST_F(CudaCodegenTest, TinyLlamaKernelsPassPtxas) {
  REQUIRE_TOOLKIT();
  llvm::SmallString<128> fusion;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("loom-tiny-fusion", "mlir", fusion));
  llvm::FileRemover removeFusion(fusion);
  std::string loomc = LOOM_LOOMC;
  llvm::SmallVector<llvm::StringRef> args{loomc, LOOM_TINY_SPEC, "--target=cpu",
                                          "--compile-to=fusion", "-o", fusion};
  std::string message;
  ASSERT_EQ(llvm::sys::ExecuteAndWait(loomc, args, std::nullopt, {}, 300, 0, &message), 0)
      << message;
  OwningOpRef<ModuleOp> program = parseSourceString<ModuleOp>(readFile(fusion.c_str()), &context);
  ASSERT_TRUE(program);
  ModuleOp kernels;
  for (auto nested : program->getOps<ModuleOp>())
    if (nested.getSymName() == mlir::loom::kKernelModuleName)
      kernels = nested;
  ASSERT_TRUE(kernels);
  bool annotated = llvm::all_of(kernels.getOps<func::FuncOp>(),
                                [](func::FuncOp fn) { return fn->hasAttr("loom.strategy"); });
  if (!annotated) {
    PassManager pm(&context);
    pm.addPass(mlir::loom::createLoomKernelStrategyPass());
    ASSERT_TRUE(succeeded(pm.run(*program)));
  }

  llvm::SmallString<128> ptxPath;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("loom-tiny", "ptx", ptxPath));
  llvm::FileRemover removePtx(ptxPath);
  SmallVector<CudaKernelInfo> infos;
  ASSERT_TRUE(succeeded(compileCudaKernels(kernels, ptxPath, infos, options())));
  size_t numKernels = llvm::range_size(kernels.getOps<func::FuncOp>());
  ASSERT_EQ(infos.size(), numKernels);
  EXPECT_GE(numKernels, 40u);

  REQUIRE_PTXAS(ptxas);
  llvm::Expected<PtxasReport> report = runPtxas(ptxas, ptxPath);
  ASSERT_TRUE(bool(report)) << llvm::toString(report.takeError());
  ASSERT_TRUE(report->accepted) << report->log;
  llvm::outs() << llvm::format("%-28s %-14s %6s %5s %6s %6s %6s %6s\n", "kernel", "strategy",
                               "grid", "regs", "spillS", "spillL", "lmem", "smem");
  for (const CudaKernelInfo &info : infos) {
    const PtxasKernelStats *stats = report->find(info.name);
    ASSERT_NE(stats, nullptr) << "ptxas compiled no entry " << info.name;
    llvm::outs() << llvm::format("%-28s %-14s %6lld %5lld %6lld %6lld %6lld %6lld\n",
                                 info.name.c_str(), info.strategy.c_str(),
                                 static_cast<long long>(info.grid[0]),
                                 static_cast<long long>(stats->registers),
                                 static_cast<long long>(stats->spillStoreBytes),
                                 static_cast<long long>(stats->spillLoadBytes),
                                 static_cast<long long>(stats->localBytes),
                                 static_cast<long long>(stats->sharedBytes));
    if (info.strategy == "elementwise" || info.strategy == "row_reduction") {
      EXPECT_EQ(stats->spillStoreBytes, 0) << info.name;
      EXPECT_EQ(stats->spillLoadBytes, 0) << info.name;
      EXPECT_EQ(stats->localBytes, 0) << info.name;
    }
  }
  llvm::outs().flush();
}

} // namespace
