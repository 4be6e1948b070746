//===- CpuGoldensTest.cpp - compiled CPU code against the interpreter ------===//
//
// For every golden op case (test/goldens/ops/<case>.mlir + .safetensors):
// the CPU lowering that the kernel compiler ships (codegen/cpu/CpuPipeline.h:
// loom-lower-to-linalg, one-shot-bufferize at function boundaries, buffer
// deallocation, linalg to loops, everything to LLVM), JIT through
// mlir::ExecutionEngine for the host target of codegen/cpu/HostTarget.h and a
// call of `_mlir_ciface_f` with strided memref descriptors on the golden
// inputs. The
// results must agree with the reference interpreter's on the same inputs
// (Precision::F64 when the case is all f64, else F32): f64 within 1e-12
// relative (+1e-300 absolute), f32 within 2 ulp-ish (1e-6 relative: the
// interpreter computes inside an op in double and rounds once, compiled code
// computes in f32), integers and i1 exactly, NaN matching NaN.
//
// CpuInlineTest runs the same comparison on a few inline non-f64 cases
// (kInlineCases) with generated inputs, for lowerings that differ by type.
//
// CpuGoldensAot.OneSharedObject compiles every lowered case at once through
// the AOT kernel compiler (codegen/cpu/CpuKernelCompiler.h) into one kernels
// .so and launches each through the runtime's ABI: the same agreement.
//
// A case whose op the pass refuses ("is not lowered yet") is skipped, with
// the pass's message; NotLoweredYet prints the list of such cases in one line.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/CpuKernelCompiler.h"
#include "codegen/cpu/CpuPipeline.h"
#include "codegen/cpu/HostTarget.h"
#include "codegen/cpu/testing/DenseBuffers.h"
#include "codegen/cpu/testing/KernelLaunch.h"
#include "codegen/reference/Interpreter.h"
#include "runtime/io/safetensors.h"
#include "tools/loom-interp/InterpIO.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"

#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <dlfcn.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>

using namespace mlir;
using namespace ::loom;
using namespace ::loom::reference;
using namespace mlir::loom::codegen::testsupport;
namespace codegen = mlir::loom::codegen;

namespace {

const std::string kDir = LOOM_SOURCE_DIR "/test/goldens/ops/";

/// The golden cases (one .safetensors beside each .mlir), sorted; "none"
/// when the directory is missing, so that one skipped test says so.
std::vector<std::string> caseNames() {
  namespace fs = std::filesystem;
  std::set<std::string> found;
  std::error_code ec;
  for (fs::directory_iterator it(kDir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".safetensors")
      found.insert(it->path().stem().string());
  if (found.empty())
    return {"none"};
  return {found.begin(), found.end()};
}

DialectRegistry &registry() {
  static DialectRegistry *r = [] {
    auto *reg = new DialectRegistry;
    ::loom::reference::registerDialects(*reg);
    codegen::registerCpuCodegenDialects(*reg);
    return reg;
  }();
  return *r;
}

/// A memref descriptor {alloc, aligned, offset, sizes[r], strides[r]} as words.
std::vector<int64_t> descriptor(void *data, ArrayRef<int64_t> shape) {
  std::vector<int64_t> d{reinterpret_cast<int64_t>(data), reinterpret_cast<int64_t>(data), 0};
  d.insert(d.end(), shape.begin(), shape.end());
  std::vector<int64_t> strides(shape.size(), 1);
  for (int64_t k = static_cast<int64_t>(shape.size()) - 2; k >= 0; --k)
    strides[k] = strides[k + 1] * shape[k + 1];
  d.insert(d.end(), strides.begin(), strides.end());
  return d;
}

/// Runs `step` on `module`; the failure's first message, empty on success.
std::string firstError(ModuleOp module, llvm::function_ref<LogicalResult(ModuleOp)> step) {
  std::string message;
  ScopedDiagnosticHandler handler(module.getContext(), [&](Diagnostic &d) {
    if (message.empty())
      message = d.str();
    return success();
  });
  if (failed(step(module)) && message.empty())
    message = "failed without a diagnostic";
  return message;
}

/// Runs loom-lower-to-linalg on `module`; the failure message, empty on success.
std::string lowerToLinalg(ModuleOp module) {
  return firstError(module, codegen::lowerLoomToLinalg);
}

bool allStatic(func::FuncOp fn) {
  auto isStatic = [](Type t) { return cast<RankedTensorType>(t).hasStaticShape(); };
  return llvm::all_of(fn.getArgumentTypes(), isStatic) &&
         llvm::all_of(fn.getResultTypes(), isStatic);
}

bool allF64(func::FuncOp fn) {
  auto ok = [](Type t) {
    Type e = getElementTypeOrSelf(t);
    return !isa<FloatType>(e) || e.isF64();
  };
  return llvm::all_of(fn.getArgumentTypes(), ok) && llvm::all_of(fn.getResultTypes(), ok);
}

/// The golden inputs in.N of case `name` as the arguments of `fn`; an error
/// message, empty on success. The golden script stores rank-0 values with
/// shape [1]: they are read as scalars.
std::string goldenInputs(const std::string &name, func::FuncOp fn, std::vector<Tensor> &inputs) {
  auto golden = rt::ReadSafetensorsFile(kDir + name + ".safetensors");
  if (!golden.ok())
    return std::string(golden.status().message());
  for (unsigned n = 0; n < fn.getNumArguments(); ++n) {
    std::string key = "in." + std::to_string(n);
    if (!golden->tensors.count(key))
      return "no " + key;
    const rt::HostTensor *file = &golden->tensors.at(key);
    rt::HostTensor scalar;
    if (cast<RankedTensorType>(fn.getArgumentTypes()[n]).getRank() == 0 &&
        file->shape() == rt::Shape{1}) {
      auto allocated = rt::HostTensor::Allocate(file->dtype(), {});
      if (!allocated.ok())
        return "cannot allocate a scalar";
      scalar = std::move(*allocated);
      std::memcpy(scalar.data(), file->data(), file->size_bytes());
      file = &scalar;
    }
    std::string error;
    auto value = ::loom::interp::toArgument(*file, fn, n, key, error);
    if (failed(value))
      return error;
    inputs.push_back(std::move(*value));
  }
  return "";
}

/// Runs `@f` of `module` on `inputs` through the interpreter and through the
/// compiled code and compares the results; skips when the pass refuses.
void compareCompiled(MLIRContext &context, OwningOpRef<ModuleOp> &module, const std::string &name,
                     const std::vector<Tensor> &inputs) {
  auto fn = module->lookupSymbol<func::FuncOp>("f");
  ASSERT_TRUE(fn);
  SmallVector<RankedTensorType> resultTypes;
  for (Type t : fn.getResultTypes())
    resultTypes.push_back(cast<RankedTensorType>(t));

  // The oracle, on the unlowered module.
  bool f64 = allF64(fn);
  std::vector<Tensor> expected;
  {
    auto copy = OwningOpRef<ModuleOp>(cast<ModuleOp>((*module)->clone()));
    Interpreter interpreter(*copy, {f64 ? Precision::F64 : Precision::F32});
    std::string error;
    auto results = interpreter.run("f", inputs, error);
    ASSERT_TRUE(succeeded(results)) << error;
    expected = std::move(*results);
  }

  std::string refused = lowerToLinalg(*module);
  if (!refused.empty())
    GTEST_SKIP() << name << ": " << refused;
  fn = module->lookupSymbol<func::FuncOp>("f");
  fn->setAttr("llvm.emit_c_interface", UnitAttr::get(&context));
  std::string failure = firstError(*module, [](ModuleOp m) {
    return codegen::lowerLinalgToLLVM(m, codegen::CpuLoweringOptions());
  });
  ASSERT_TRUE(failure.empty()) << name << ": CPU pipeline failed: " << failure;
  auto tm = codegen::createHostTargetMachine();
  ASSERT_TRUE(!!tm) << llvm::toString(tm.takeError());
  ExecutionEngineOptions options;
  options.transformer = makeOptimizingTransformer(2, 0, tm->get());
  auto engine = ExecutionEngine::create(*module, options, std::move(*tm));
  ASSERT_TRUE(!!engine) << llvm::toString(engine.takeError());

  // Arguments: the result block (descriptors of all results, back to back),
  // then one descriptor pointer per input.
  std::vector<std::vector<char>> buffers;
  std::vector<std::vector<int64_t>> descriptors;
  for (const Tensor &v : inputs) {
    buffers.push_back(packDense(v));
    descriptors.push_back(descriptor(buffers.back().data(), v.shape));
  }
  std::vector<int64_t> resultBlock;
  for (RankedTensorType t : resultTypes)
    resultBlock.resize(resultBlock.size() + 3 + 2 * t.getRank(), 0);
  std::vector<void *> pointers{resultBlock.data()};
  for (auto &d : descriptors)
    pointers.push_back(d.data());
  std::vector<void *> args;
  for (void *&p : pointers)
    args.push_back(&p);
  auto err = (*engine)->invokePacked("_mlir_ciface_f", args);
  ASSERT_FALSE(!!err) << llvm::toString(std::move(err));

  const int64_t *word = resultBlock.data();
  for (size_t k = 0; k < resultTypes.size(); ++k) {
    RankedTensorType t = resultTypes[k];
    int64_t r = t.getRank();
    const char *data = reinterpret_cast<const char *>(word[1]) + word[2] * elementBytes(t.getElementType());
    ArrayRef<int64_t> shape(word + 3, r), strides(word + 3 + r, r);
    ASSERT_EQ(shape, t.getShape()) << "out." << k;
    Tensor got = unpackStrided(data, t.getElementType(), shape, strides);
    const Tensor &want = expected[k];
    // The result buffers are owned by the caller (buffer-deallocation
    // clones what it returns); they are small and leaked here.
    word += 3 + 2 * r;
    double tolerance = t.getElementType().isF64() ? 1e-12 : 1e-6;
    std::string where = name + " out." + std::to_string(k);
    EXPECT_EQ(countMismatches(got, want, tolerance, where), 0) << where;
  }
}

class CpuGoldensTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CpuGoldensTest, CompiledMatchesInterpreter) {
  const std::string name = GetParam();
  if (name == "none")
    GTEST_SKIP() << kDir << " has no cases";
  MLIRContext context(registry());
  context.loadAllAvailableDialects();
  auto module = parseSourceFile<ModuleOp>(kDir + name + ".mlir", &context);
  ASSERT_TRUE(module) << "cannot parse " << name << ".mlir";
  auto fn = module->lookupSymbol<func::FuncOp>("f");
  ASSERT_TRUE(fn);
  if (!allStatic(fn))
    GTEST_SKIP() << name << ": bounded dynamic dims (needs bound materialization first)";
  std::vector<Tensor> inputs;
  std::string inputError = goldenInputs(name, fn, inputs);
  ASSERT_TRUE(inputError.empty()) << inputError;
  compareCompiled(context, module, name, inputs);
}

INSTANTIATE_TEST_SUITE_P(Ops, CpuGoldensTest, ::testing::ValuesIn(caseNames()),
                         [](const ::testing::TestParamInfo<std::string> &info) {
                           return info.param;
                         });

/// Cases beyond the goldens (which are f64 but for few): ops whose lowering
/// differs for f32 (rope's f32 angles, f32 statistics' rounding) or for f64
/// draws. Float inputs are a fixed pseudo-random sequence in [-2, 2); integer
/// inputs one in [0, intRange).
struct InlineCase {
  const char *name, *source;
  int64_t intRange;
};

const InlineCase kInlineCases[] = {
    {"rope_f32_interleaved",
     "func.func @f(%x: tensor<1x3x2x8xf32>, %p: tensor<1x3xi64>) -> tensor<1x3x2x8xf32> {\n"
     "  %y = loom.rope %x positions(%p : tensor<1x3xi64>) layout(interleaved) {theta = 10000.0 : f64}"
     " : tensor<1x3x2x8xf32>\n  return %y : tensor<1x3x2x8xf32>\n}",
     4096},
    {"rope_f32_half_split_i32",
     "func.func @f(%x: tensor<2x2x1x6xf32>, %p: tensor<2x2xi32>) -> tensor<2x2x1x6xf32> {\n"
     "  %y = loom.rope %x positions(%p : tensor<2x2xi32>) layout(half_split) {theta = 500.0 : f64}"
     " : tensor<2x2x1x6xf32>\n  return %y : tensor<2x2x1x6xf32>\n}",
     100000},
    {"rms_norm_f32",
     "func.func @f(%x: tensor<3x7xf32>, %w: tensor<7xf32>) -> (tensor<3x7xf32>, tensor<3xf32>) {\n"
     "  %y, %r = loom.rms_norm %x weight(%w : tensor<7xf32>) {epsilon = 1.0e-05 : f64} : tensor<3x7xf32>\n"
     "  return %y, %r : tensor<3x7xf32>, tensor<3xf32>\n}",
     1},
    {"layer_norm_f32",
     "func.func @f(%x: tensor<3x7xf32>, %w: tensor<7xf32>, %b: tensor<7xf32>)"
     " -> (tensor<3x7xf32>, tensor<3xf32>, tensor<3xf32>) {\n"
     "  %y, %m, %r = loom.layer_norm %x weight(%w : tensor<7xf32>) bias(%b : tensor<7xf32>)"
     " {epsilon = 1.0e-05 : f64} : tensor<3x7xf32>\n"
     "  return %y, %m, %r : tensor<3x7xf32>, tensor<3xf32>, tensor<3xf32>\n}",
     1},
    {"norm_grads_f32",
     "func.func @f(%x: tensor<3x7xf32>, %m: tensor<3xf32>, %r: tensor<3xf32>, %g: tensor<3x7xf32>)"
     " -> (tensor<3x7xf32>, tensor<3x7xf32>) {\n"
     "  %a = loom.rms_norm_grad %x, %r, %g : tensor<3x7xf32>, tensor<3xf32>\n"
     "  %b = loom.layer_norm_grad %x, %m, %r, %g : tensor<3x7xf32>, tensor<3xf32>\n"
     "  return %a, %b : tensor<3x7xf32>, tensor<3x7xf32>\n}",
     1},
    {"cross_entropy_f32_acc_f64",
     "func.func @f(%x: tensor<6x5xf32>, %t: tensor<6xi64>, %w: tensor<6xf32>) -> tensor<6xf32> {\n"
     "  %l = loom.cross_entropy %x, %t weights(%w : tensor<6xf32>) acc(f64) {ignore_index = 2 : i64}"
     " : tensor<6x5xf32>, tensor<6xi64>\n  return %l : tensor<6xf32>\n}",
     5},
    {"random_uniform_f64",
     "func.func @f(%k: tensor<i64>) -> tensor<4x3xf64> {\n"
     "  %u = loom.random_uniform %k : tensor<4x3xf64>\n  return %u : tensor<4x3xf64>\n}",
     1 << 30},
    {"sort_top_k_f32",
     "func.func @f(%x: tensor<4x6xf32>) -> (tensor<4x6xf32>, tensor<4x6xi64>, tensor<4x2xf32>, tensor<4x2xi64>) {\n"
     "  %v, %p = loom.sort %x dim 0 {descending} : tensor<4x6xf32>\n"
     "  %tv, %ti = loom.top_k %x k 2 : tensor<4x6xf32>\n"
     "  return %v, %p, %tv, %ti : tensor<4x6xf32>, tensor<4x6xi64>, tensor<4x2xf32>, tensor<4x2xi64>\n}",
     1},
};

class CpuInlineTest : public ::testing::TestWithParam<InlineCase> {};

TEST_P(CpuInlineTest, CompiledMatchesInterpreter) {
  const InlineCase &c = GetParam();
  MLIRContext context(registry());
  context.loadAllAvailableDialects();
  auto module = parseSourceString<ModuleOp>(c.source, &context);
  ASSERT_TRUE(module) << "cannot parse " << c.name;
  auto fn = module->lookupSymbol<func::FuncOp>("f");
  ASSERT_TRUE(fn);
  compareCompiled(context, module, c.name, generatedInputs(fn, c.intRange));
}

INSTANTIATE_TEST_SUITE_P(Inline, CpuInlineTest, ::testing::ValuesIn(kInlineCases),
                         [](const ::testing::TestParamInfo<InlineCase> &info) {
                           return std::string(info.param.name);
                         });

/// One line listing the cases whose op loom-lower-to-linalg refuses.
TEST(CpuGoldensSummary, NotLoweredYet) {
  MLIRContext context(registry());
  context.loadAllAvailableDialects();
  std::vector<std::string> refused;
  int lowered = 0;
  for (const std::string &name : caseNames()) {
    if (name == "none")
      continue;
    auto module = parseSourceFile<ModuleOp>(kDir + name + ".mlir", &context);
    ASSERT_TRUE(module) << name;
    auto fn = module->lookupSymbol<func::FuncOp>("f");
    if (!allStatic(fn) || !lowerToLinalg(*module).empty())
      refused.push_back(name);
    else
      ++lowered;
  }
  std::string line;
  for (const std::string &n : refused)
    line += (line.empty() ? "" : " ") + n;
  std::printf("[codegen] %d golden cases lowered; %zu not lowered yet: %s\n", lowered,
              refused.size(), line.c_str());
}

/// Every golden case that lowers, renamed @<case>, as one kernel module:
/// compiled ahead of time into one kernels .so (codegen/cpu/
/// CpuKernelCompiler.h: results as out-params, the runtime's launch ABI),
/// dlopened, and each kernel launched on the golden inputs.
TEST(CpuGoldensAot, OneSharedObject) {
  MLIRContext context(registry());
  context.loadAllAvailableDialects();
  OwningOpRef<ModuleOp> kernels = ModuleOp::create(UnknownLoc::get(&context));
  std::map<std::string, std::vector<Tensor>> inputs;
  for (const std::string &name : caseNames()) {
    if (name == "none")
      GTEST_SKIP() << kDir << " has no cases";
    auto module = parseSourceFile<ModuleOp>(kDir + name + ".mlir", &context);
    ASSERT_TRUE(module) << name;
    auto fn = module->lookupSymbol<func::FuncOp>("f");
    ASSERT_TRUE(fn) << name;
    OwningOpRef<ModuleOp> probe(cast<ModuleOp>((*module)->clone()));
    if (!allStatic(fn) || !lowerToLinalg(*probe).empty())
      continue;
    std::string error = goldenInputs(name, fn, inputs[name]);
    ASSERT_TRUE(error.empty()) << name << ": " << error;
    fn->remove();
    fn.setSymName(name);
    kernels->push_back(fn);
  }

  SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("loom-goldens-aot", dir));
  std::string soPath = (dir + "/kernels.so").str();
  SmallVector<codegen::CpuKernelSymbol> symbols;
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(succeeded(codegen::compileCpuKernels(*kernels, soPath, symbols)));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("[codegen] %zu golden kernels -> one .so of %ju bytes in %.2f s\n", symbols.size(),
              static_cast<uintmax_t>(std::filesystem::file_size(soPath)), seconds);
  void *library = dlopen(soPath.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(library, nullptr) << dlerror();

  for (const codegen::CpuKernelSymbol &symbol : symbols) {
    auto fn = kernels->lookupSymbol<func::FuncOp>(symbol.name);
    auto kernel = reinterpret_cast<KernelFn>(dlsym(library, symbol.symbol.c_str()));
    ASSERT_TRUE(fn && kernel) << symbol.name;
    Interpreter interpreter(*kernels, {allF64(fn) ? Precision::F64 : Precision::F32});
    std::string error;
    auto expected = interpreter.run(symbol.name, inputs[symbol.name], error);
    ASSERT_TRUE(succeeded(expected)) << symbol.name << ": " << error;
    KernelLaunch launch(fn, inputs[symbol.name]);
    launch.run(kernel);
    std::vector<Tensor> got = launch.results();
    for (size_t k = 0; k < got.size(); ++k) {
      bool f64 = cast<RankedTensorType>(fn.getResultTypes()[k]).getElementType().isF64();
      std::string where = symbol.name + " out." + std::to_string(k);
      EXPECT_EQ(countMismatches(got[k], (*expected)[k], f64 ? 1e-12 : 1e-6, where), 0) << where;
    }
    EXPECT_TRUE(launch.inputsUnchanged()) << symbol.name << " wrote an input";
  }
  dlclose(library);
  std::filesystem::remove_all(dir.str().str());
}

} // namespace
