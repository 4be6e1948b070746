//===- GoldensTest.cpp - every op against PyTorch's float64 goldens --------===//
//
// test/goldens/ops/ (scripts/goldens/make_op_goldens.py): per case <case>.mlir
// with @f and <case>.safetensors with in.N and out.N. Each case's @f runs in
// Precision::F64, or in F32 where its signature has an f32/bf16/f16 tensor
// (casts to f32 and f32 draws, whose rounding is the point); floats must match
// within 1e-10 relative + 1e-12 absolute, integers and i1 exactly. The
// VJP values (grad.N) are for the autodiff pass, not checked here.
//
//===----------------------------------------------------------------------===//

#include "test/reference/TestUtil.h"
#include "tools/loom-interp/InterpIO.h"

#include "runtime/io/safetensors.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"

#include <cmath>
#include <filesystem>

using namespace mlir;
using namespace loom;
using namespace loom::reference;
using namespace loom::reference::testing;

namespace {

const std::string kDir = LOOM_SOURCE_DIR "/test/goldens/ops/";

std::vector<std::string> caseNames() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto &entry : std::filesystem::directory_iterator(kDir, ec))
    if (entry.path().extension() == ".mlir")
      names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  if (names.empty())
    names.push_back("none"); // the directory is missing: one skipped test says so
  return names;
}

class GoldensTest : public InterpreterTest, public ::testing::WithParamInterface<std::string> {};

bool hasNarrowFloat(func::FuncOp fn) {
  auto narrow = [](Type t) {
    Type e = getElementTypeOrSelf(t);
    return isa<FloatType>(e) && !e.isF64();
  };
  return llvm::any_of(fn.getArgumentTypes(), narrow) || llvm::any_of(fn.getResultTypes(), narrow);
}

/// A golden input as the argument's value: float data of any file dtype goes
/// to a float argument, integers to integers. The golden script stores rank-0
/// values with shape [1]; they are read as scalars.
Tensor asArgument(const rt::HostTensor &t, Type type) {
  Tensor v;
  v.elementType = getElementTypeOrSelf(type);
  v.shape = t.shape();
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (tensor && tensor.getRank() == 0 && v.shape == std::vector<int64_t>{1})
    v.shape.clear();
  for (uint64_t n = 0; n < t.num_elements(); ++n) {
    switch (t.dtype()) {
    case rt::DType::kF64: v.f.push_back(t.data_as<double>()[n]); break;
    case rt::DType::kF32: v.f.push_back(t.data_as<float>()[n]); break;
    case rt::DType::kI64: v.i.push_back(t.data_as<int64_t>()[n]); break;
    case rt::DType::kI32: v.i.push_back(t.data_as<int32_t>()[n]); break;
    case rt::DType::kI8: v.i.push_back(t.data_as<int8_t>()[n]); break;
    case rt::DType::kI1: v.i.push_back(t.data_as<uint8_t>()[n]); break;
    default: break; // bf16/f16: not in the goldens (mismatch() reports the count)
    }
  }
  if (v.isFloat() && !v.i.empty()) // an integer file for a float argument
    for (int64_t x : v.i)
      v.f.push_back(static_cast<double>(x));
  if (v.isFloat())
    v.i.clear();
  return v;
}

TEST_P(GoldensTest, MatchesPyTorch) {
  const std::string name = GetParam();
  if (name == "none")
    GTEST_SKIP() << kDir << " has no cases";
  auto module = parseSourceFile<ModuleOp>(kDir + name + ".mlir", &context);
  ASSERT_TRUE(module) << "cannot parse " << name << ".mlir";
  auto fn = module->lookupSymbol<func::FuncOp>("f");
  ASSERT_TRUE(fn);
  auto file = rt::ReadSafetensorsFile(kDir + name + ".safetensors");
  ASSERT_TRUE(file.ok()) << file.status().message();
  std::vector<Tensor> inputs;
  for (unsigned n = 0; n < fn.getNumArguments(); ++n) {
    auto it = file->tensors.find("in." + std::to_string(n));
    ASSERT_NE(it, file->tensors.end()) << "no in." << n;
    inputs.push_back(asArgument(it->second, fn.getArgumentTypes()[n]));
  }
  Precision precision = hasNarrowFloat(fn) ? Precision::F32 : Precision::F64;
  Interpreter interpreter(*module, {precision});
  std::string error;
  auto results = interpreter.run("f", inputs, error);
  ASSERT_TRUE(succeeded(results)) << error;
  for (unsigned k = 0; k < results->size(); ++k) {
    auto it = file->tensors.find("out." + std::to_string(k));
    ASSERT_NE(it, file->tensors.end()) << "no out." << k;
    Tensor want = asArgument(it->second, fn.getResultTypes()[k]);
    const Tensor &got = (*results)[k];
    ASSERT_EQ(got.shape, want.shape) << "out." << k;
    if (!got.isFloat()) {
      EXPECT_EQ(got.i, want.i) << "out." << k;
      continue;
    }
    int reported = 0;
    for (size_t n = 0; n < want.f.size(); ++n) {
      double g = got.f[n], w = want.f[n];
      bool same = (std::isnan(g) && std::isnan(w)) || g == w ||
                  std::fabs(g - w) <= 1e-10 * std::fabs(w) + 1e-12;
      if (!same && reported++ < 5)
        ADD_FAILURE() << name << " out." << k << "[" << n << "]: interpreter " << g
                      << ", PyTorch " << w << " (diff " << g - w << ")";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, GoldensTest, ::testing::ValuesIn(caseNames()),
                         [](const ::testing::TestParamInfo<std::string> &info) {
                           return info.param;
                         });

} // namespace
