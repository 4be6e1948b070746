//===- CpuGoldensTest.cpp - compiled CPU code against the interpreter ------===//
//
// For every golden op case (test/goldens/ops/<case>.mlir + .safetensors):
// loom-lower-to-linalg, then the CPU pipeline of build-recipe §10
// (one-shot-bufferize at function boundaries, buffer deallocation, linalg to
// loops, everything to LLVM), JIT through mlir::ExecutionEngine and a call of
// `_mlir_ciface_f` with strided memref descriptors on the golden inputs. The
// results must agree with the reference interpreter's on the same inputs
// (Precision::F64 when the case is all f64, else F32): f64 within 1e-12
// relative (+1e-300 absolute), f32 within 2 ulp-ish (1e-6 relative: the
// interpreter computes inside an op in double and rounds once, compiled code
// computes in f32), integers and i1 exactly, NaN matching NaN.
//
// CpuInlineTest runs the same comparison on a few inline non-f64 cases
// (kInlineCases) with generated inputs, for lowerings that differ by type.
//
// A case whose op the pass refuses ("is not lowered yet") is skipped, with
// the pass's message; NotLoweredYet prints the list of such cases in one line.
//
//===----------------------------------------------------------------------===//

#include "codegen/reference/Interpreter.h"
#include "passes/Lowering/Passes.h"
#include "runtime/io/safetensors.h"
#include "tools/loom-interp/InterpIO.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"

#include "llvm/Support/TargetSelect.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <set>

using namespace mlir;
using namespace ::loom;
using namespace ::loom::reference;

namespace {

const std::string kDir = LOOM_SOURCE_DIR "/test/goldens/ops/";

/// Up to memrefs; then every memref.copy becomes a linalg.copy (so the
/// kernels need no memrefCopy from mlir_c_runner_utils: a strided slice or a
/// concat writes through a strided view), then the rest to LLVM.
const char *kBufferize =
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map},"
    "buffer-deallocation-pipeline,convert-bufferization-to-memref";
const char *kCpuPipeline =
    "func.func(convert-linalg-to-loops),convert-scf-to-cf,expand-strided-metadata,lower-affine,"
    "convert-math-to-libm,convert-math-to-llvm,finalize-memref-to-llvm,convert-arith-to-llvm,"
    "convert-index-to-llvm,convert-cf-to-llvm,convert-func-to-llvm,reconcile-unrealized-casts";

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
    registerAllDialects(*reg);
    registerAllExtensions(*reg);
    registerBuiltinDialectTranslation(*reg);
    registerLLVMDialectTranslation(*reg);
    ::loom::reference::registerDialects(*reg);
    registerAllPasses();
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return reg;
  }();
  return *r;
}

/// Bytes of one element in memory (i1 is one byte).
int64_t elementBytes(Type e) { return e.isInteger(1) ? 1 : (e.getIntOrFloatBitWidth() + 7) / 8; }

/// A row-major buffer holding `v` in its element type.
std::vector<char> pack(const Tensor &v) {
  Type e = v.elementType;
  int64_t n = v.numElements(), w = elementBytes(e);
  std::vector<char> bytes(std::max<int64_t>(n * w, 8));
  for (int64_t k = 0; k < n; ++k) {
    char *p = bytes.data() + k * w;
    if (e.isF64()) { double x = v.f[k]; std::memcpy(p, &x, 8); }
    else if (e.isF32()) { float x = static_cast<float>(v.f[k]); std::memcpy(p, &x, 4); }
    else if (w == 8) { std::memcpy(p, &v.i[k], 8); }
    else if (w == 4) { int32_t x = static_cast<int32_t>(v.i[k]); std::memcpy(p, &x, 4); }
    else { int8_t x = static_cast<int8_t>(v.i[k]); std::memcpy(p, &x, 1); }
  }
  return bytes;
}

/// The values at `data` (row-major, strides as in the descriptor) as a Tensor.
Tensor unpack(const char *data, Type e, ArrayRef<int64_t> shape, ArrayRef<int64_t> strides) {
  Tensor v;
  v.elementType = e;
  v.shape.assign(shape.begin(), shape.end());
  int64_t n = v.numElements(), w = elementBytes(e);
  std::vector<int64_t> idx(shape.size(), 0);
  for (int64_t k = 0; k < n; ++k) {
    int64_t off = 0;
    for (size_t d = 0; d < shape.size(); ++d)
      off += idx[d] * strides[d];
    const char *p = data + off * w;
    if (e.isF64()) { double x; std::memcpy(&x, p, 8); v.f.push_back(x); }
    else if (e.isF32()) { float x; std::memcpy(&x, p, 4); v.f.push_back(x); }
    else if (w == 8) { int64_t x; std::memcpy(&x, p, 8); v.i.push_back(x); }
    else if (w == 4) { int32_t x; std::memcpy(&x, p, 4); v.i.push_back(x); }
    else if (e.isInteger(1)) { v.i.push_back(*p & 1); }
    else { v.i.push_back(static_cast<int8_t>(*p)); }
    for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
      if (++idx[d] < shape[d])
        break;
      idx[d] = 0;
    }
  }
  return v;
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

/// Runs loom-lower-to-linalg on `module`; the failure message, empty on success.
std::string lowerToLinalg(ModuleOp module) {
  std::string message;
  ScopedDiagnosticHandler handler(module.getContext(), [&](Diagnostic &d) {
    if (message.empty())
      message = d.str();
    return success();
  });
  PassManager pm(module.getContext());
  pm.addPass(mlir::loom::createLoomLowerToLinalgPass());
  if (failed(pm.run(module)) && message.empty())
    message = "loom-lower-to-linalg failed";
  return message;
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

/// How many of `got` differ from `want` by more than `tolerance` relative
/// (NaN matches NaN); the first few are reported with their values.
int floatMismatches(const std::vector<double> &got, const std::vector<double> &want,
                    double tolerance, const std::string &where) {
  int bad = 0;
  for (size_t n = 0; n < want.size(); ++n) {
    double diff = got[n] - want[n];
    bool bothNan = std::isnan(got[n]) && std::isnan(want[n]);
    if (bothNan || got[n] == want[n] || std::fabs(diff) <= tolerance * std::fabs(want[n]))
      continue;
    if (++bad <= 5)
      ADD_FAILURE() << where << "[" << n << "]: compiled " << got[n] << ", interpreter "
                    << want[n] << " (diff " << diff << ")";
  }
  return bad;
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
  {
    PassManager pm(&context);
    ASSERT_TRUE(succeeded(parsePassPipeline(kBufferize, pm)));
    ASSERT_TRUE(succeeded(pm.run(*module))) << name << ": bufferization failed";
  }
  module->walk([](memref::CopyOp copy) {
    OpBuilder b(copy);
    linalg::CopyOp::create(b, copy.getLoc(), copy.getSource(), copy.getTarget());
    copy->erase();
  });
  {
    PassManager pm(&context);
    ASSERT_TRUE(succeeded(parsePassPipeline(kCpuPipeline, pm)));
    std::string message;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &d) {
      message += d.str() + "\n";
      return success();
    });
    ASSERT_TRUE(succeeded(pm.run(*module))) << name << ": CPU pipeline failed: " << message;
  }
  auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
  ASSERT_TRUE(!!jtmb);
  jtmb->setRelocationModel(llvm::Reloc::PIC_);
  jtmb->setCodeModel(llvm::CodeModel::Small);
  auto tm = jtmb->createTargetMachine();
  ASSERT_TRUE(!!tm);
  ExecutionEngineOptions options;
  options.transformer = makeOptimizingTransformer(2, 0, nullptr);
  auto engine = ExecutionEngine::create(*module, options, std::move(*tm));
  ASSERT_TRUE(!!engine) << llvm::toString(engine.takeError());

  // Arguments: the result block (descriptors of all results, back to back),
  // then one descriptor pointer per input.
  std::vector<std::vector<char>> buffers;
  std::vector<std::vector<int64_t>> descriptors;
  for (const Tensor &v : inputs) {
    buffers.push_back(pack(v));
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
    Tensor got = unpack(data, t.getElementType(), shape, strides);
    const Tensor &want = expected[k];
    // The result buffers are owned by the caller (buffer-deallocation
    // clones what it returns); they are small and leaked here.
    word += 3 + 2 * r;
    ASSERT_EQ(got.shape, want.shape) << "out." << k;
    if (!got.isFloat()) {
      EXPECT_EQ(got.i, want.i) << name << " out." << k;
      continue;
    }
    double tolerance = t.getElementType().isF64() ? 1e-12 : 1e-6;
    std::string where = name + " out." + std::to_string(k);
    EXPECT_EQ(floatMismatches(got.f, want.f, tolerance, where), 0) << where;
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
  uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 33;
  };
  std::vector<Tensor> inputs;
  for (Type t : fn.getArgumentTypes()) {
    auto type = cast<RankedTensorType>(t);
    Type e = type.getElementType();
    int64_t n = type.getNumElements();
    if (isa<FloatType>(e)) {
      std::vector<double> values;
      for (int64_t k = 0; k < n; ++k)
        values.push_back(static_cast<float>(static_cast<double>(next() % 4096) / 1024.0 - 2.0));
      inputs.push_back(Tensor::floats(e, type.getShape(), values));
    } else {
      std::vector<int64_t> values;
      for (int64_t k = 0; k < n; ++k)
        values.push_back(static_cast<int64_t>(next() % static_cast<uint64_t>(c.intRange)));
      inputs.push_back(Tensor::ints(e, type.getShape(), values));
    }
  }
  compareCompiled(context, module, c.name, inputs);
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

} // namespace
