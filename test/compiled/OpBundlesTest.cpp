//===- OpBundlesTest.cpp - every golden op case as a compiled bundle -------===//
//
// Each golden op case (test/goldens/ops/<case>.mlir, one function @f) goes
// through the target, bounds, fusion and codegen phases and the bundle
// writer, and the runtime runs its entry point @f on the golden inputs: the
// whole compiled path (kernels, GEMM library calls, the runtime's attention
// routines, views, fills, memory plan) against the reference interpreter on
// the same inputs. Tolerances: integers and i1 exactly; f32 within 2e-6
// relative (the interpreter rounds once per op, compiled code in f32; GEMMs
// accumulate in f32, so contractions get 2e-5); f64 within 1e-12. A case
// with bounded dims is skipped naming materialization (not built).
//
//===----------------------------------------------------------------------===//

#include "codegen/bundle/BundleWriter.h"
#include "codegen/cpu/testing/DenseBuffers.h"
#include "codegen/reference/Interpreter.h"
#include "runtime/exec/session.h"
#include "runtime/io/safetensors.h"
#include "test/training/Harness.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/MemoryBuffer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <set>

using namespace mlir;
using namespace ::loom;

namespace {

const std::string kDir = LOOM_SOURCE_DIR "/test/goldens/ops/";

std::vector<std::string> caseNames() {
  std::set<std::string> found;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(kDir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".safetensors")
      found.insert(it->path().stem().string());
  if (found.empty())
    return {"none"};
  return {found.begin(), found.end()};
}

bool isStatic(Type t) { return cast<ShapedType>(t).hasStaticShape(); }

/// The golden input in.N as a host tensor of exactly `type` (rank-0 values
/// are stored with shape [1]; f64 values feed an f32 argument rounded).
rt::HostTensor hostInput(const rt::HostTensor &file, RankedTensorType type) {
  rt::Shape shape(type.getShape().begin(), type.getShape().end());
  bool narrow = file.dtype() == rt::DType::kF64 && type.getElementType().isF32();
  rt::HostTensor t =
      std::move(rt::HostTensor::Allocate(narrow ? rt::DType::kF32 : file.dtype(), shape)).value();
  if (!narrow) {
    std::memcpy(t.data(), file.data(), t.size_bytes());
    return t;
  }
  const auto *from = reinterpret_cast<const double *>(file.data());
  auto *to = reinterpret_cast<float *>(t.data());
  for (uint64_t i = 0; i < t.num_elements(); ++i)
    to[i] = static_cast<float>(from[i]);
  return t;
}

class OpBundles : public ::testing::TestWithParam<std::string> {};

TEST_P(OpBundles, CompiledBundleMatchesInterpreter) {
  const std::string name = GetParam();
  if (name == "none")
    GTEST_SKIP() << "no golden cases in " << kDir;
  MLIRContext context;
  DialectRegistry registry;
  training::registerAll(registry);
  context.appendDialectRegistry(registry);
  context.loadAllAvailableDialects();
  // The runtime's attention routines are f32 (bundle.proto): the f64 golden
  // attention cases run retyped to f32, inputs rounded once.
  bool retype = name.rfind("attention", 0) == 0;
  OwningOpRef<ModuleOp> module;
  if (retype) {
    auto text = llvm::MemoryBuffer::getFile(kDir + name + ".mlir");
    ASSERT_TRUE(text) << name;
    std::string source = (*text)->getBuffer().str();
    for (size_t at = source.find("xf64>"); at != std::string::npos;
         at = source.find("xf64>", at))
      source.replace(at, 5, "xf32>"); // tensor types only: the scale stays an f64 attribute
    module = parseSourceString<ModuleOp>(source, &context);
  } else {
    module = parseSourceFile<ModuleOp>(kDir + name + ".mlir", &context);
  }
  ASSERT_TRUE(module) << name;
  auto fn = module->lookupSymbol<func::FuncOp>("f");
  ASSERT_TRUE(fn);
  if (!llvm::all_of(fn.getArgumentTypes(), isStatic) ||
      !llvm::all_of(fn.getResultTypes(), isStatic))
    GTEST_SKIP() << "bounded dims: bound materialization is not built yet";

  auto golden = rt::ReadSafetensorsFile(kDir + name + ".safetensors");
  ASSERT_TRUE(golden.ok()) << golden.status().message();
  std::vector<rt::HostTensor> host;
  std::vector<reference::Tensor> inputs;
  for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
    auto file = golden->tensors.find("in." + std::to_string(i));
    ASSERT_NE(file, golden->tensors.end()) << "no in." << i;
    host.push_back(hostInput(file->second, cast<RankedTensorType>(fn.getArgumentTypes()[i])));
    inputs.push_back(mlir::loom::codegen::testsupport::unpackDense(
        reinterpret_cast<const char *>(host.back().data()),
        cast<RankedTensorType>(fn.getArgumentTypes()[i])));
  }
  auto noF32 = [](Type t) {
    Type e = cast<ShapedType>(t).getElementType();
    return !isa<FloatType>(e) || e.isF64();
  };
  bool allF64 = llvm::all_of(fn.getArgumentTypes(), noF32) &&
                llvm::all_of(fn.getResultTypes(), noF32);
  reference::Interpreter interp(*module, {allF64 ? reference::Precision::F64
                                                 : reference::Precision::F32});
  std::string error;
  auto want = interp.run("f", inputs, error);
  ASSERT_TRUE(succeeded(want)) << error;
  SmallVector<Type> resultTypes(fn.getResultTypes());
  bool contraction = false;
  fn.walk([&](Operation *op) {
    StringRef n = op->getName().getStringRef();
    contraction |= n == "loom.matmul" || n == "loom.linear" || n.starts_with("loom.attention");
  });

  ASSERT_TRUE(training::runPhases(*module, {"target", "bounds", "fusion", "codegen"}));
  std::string dir = (std::filesystem::temp_directory_path() /
                     ("loom-op-bundle-" + name + "-" + std::to_string(::getpid())))
                        .string();
  mlir::loom::codegen::BundleSummary summary;
  ASSERT_TRUE(succeeded(mlir::loom::codegen::writeCpuBundle(*module, dir, summary)));
  rt::Session session(2);
  auto program = session.Load("op", dir);
  ASSERT_TRUE(program.ok()) << program.status().message();
  std::vector<const rt::HostTensor *> args;
  for (const rt::HostTensor &h : host)
    args.push_back(&h);
  auto got = (*program)->Run("f", args);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_EQ(got->size(), want->size());
  for (size_t r = 0; r < got->size(); ++r) {
    auto type = cast<RankedTensorType>(resultTypes[r]);
    reference::Tensor value = mlir::loom::codegen::testsupport::unpackDense(
        reinterpret_cast<const char *>((*got)[r].data()), type);
    double tol = type.getElementType().isF64() ? 1e-12 : contraction ? 2e-5 : 2e-6;
    EXPECT_EQ(mlir::loom::codegen::testsupport::countMismatches(
                  value, (*want)[r], tol, name + " result " + std::to_string(r)),
              0);
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, OpBundles, ::testing::ValuesIn(caseNames()),
                         [](const ::testing::TestParamInfo<std::string> &info) {
                           return info.param;
                         });

} // namespace
