//===- VjpGoldensTest.cpp - every op's VJP against PyTorch, and by FD ------===//
//
// For each golden case with a VJP (test/goldens/ops, made by PyTorch autograd
// in float64): wrap the case's @f in @loss = Σ_k <cot_k, f_k(in)>, run
// loom-autodiff, interpret @grad_step in float64 and compare with grad.N
// (gradpart.0.N where the op has statistic results, whose cotangents the VJP
// does not take) within 1e-10 relative. Then the dot-product test: for a
// random direction u, (L(x + hu) − L(x − hu)) / 2h against <∇L, u>, h = 1e-6,
// |Δ| ≤ 1e-7·(|lhs| + 1e-12).
//
//===----------------------------------------------------------------------===//

#include "test/training/Harness.h"

#include "dialects/loom/IR/LoomOps.h"
#include "passes/Autodiff/Passes.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <random>

using namespace mlir;
namespace ml = mlir::loom;
using ::loom::reference::Tensor;
namespace training = ::loom::training;
namespace reference = ::loom::reference;
namespace rt = ::loom::rt;

namespace {

const std::string kDir = LOOM_SOURCE_DIR "/test/goldens/ops/";

std::vector<std::string> vjpCases() {
  std::ifstream in(kDir + "cases.json");
  std::vector<std::string> names;
  if (in) {
    nlohmann::json cases = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (cases.is_array())
      for (const auto &c : cases)
        if (c.value("vjp", false))
          names.push_back(c.value("case", ""));
  }
  if (names.empty())
    names.push_back("missing_cases_json");
  return names;
}

bool isFloatTensor(Type t) {
  auto r = dyn_cast<RankedTensorType>(t);
  return r && isa<FloatType>(r.getElementType());
}

class VjpGoldensTest : public ::testing::TestWithParam<std::string> {
protected:
  VjpGoldensTest() {
    DialectRegistry registry;
    training::registerAll(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }
  MLIRContext context;
};

/// @loss(args of @f..., cotangents...) = Σ_k sum(f_k · cot_k), in f64.
void buildLoss(ModuleOp module, func::FuncOp f, ArrayRef<unsigned> usedResults) {
  OpBuilder b(module.getContext());
  b.setInsertionPointToEnd(module.getBody());
  Location loc = f.getLoc();
  SmallVector<Type> inputs(f.getArgumentTypes());
  for (unsigned k : usedResults)
    inputs.push_back(f.getResultTypes()[k]);
  auto f64 = b.getF64Type();
  auto loss = func::FuncOp::create(b, loc, "loss",
                                   b.getFunctionType(inputs, {RankedTensorType::get({}, f64)}));
  for (unsigned i = 0; i < f.getNumArguments(); ++i)
    loss.setArgAttr(i, isFloatTensor(f.getArgumentTypes()[i]) ? "loom.param" : "loom.input",
                    b.getStringAttr("in." + std::to_string(i)));
  b.setInsertionPointToStart(loss.addEntryBlock());
  auto call = func::CallOp::create(b, loc, f, loss.getArguments().take_front(f.getNumArguments()));
  Value total;
  for (auto [n, k] : llvm::enumerate(usedResults)) {
    Value r = call.getResult(k), cot = loss.getArgument(f.getNumArguments() + n);
    auto type = cast<RankedTensorType>(r.getType());
    Value prod = ml::BinaryOp::create(b, loc, ml::BinaryKind::mul, r, cot);
    if (type.getElementType() != f64)
      prod = ml::CastOp::create(b, loc, type.clone(f64), prod);
    SmallVector<int64_t> dims;
    for (int64_t d = 0; d < type.getRank(); ++d)
      dims.push_back(d);
    Value s = dims.empty() ? prod
                           : ml::ReduceOp::create(b, loc, ml::ReduceKind::sum, prod, dims, f64,
                                                    false).getResult();
    total = total ? ml::BinaryOp::create(b, loc, ml::BinaryKind::add, total, s).getResult() : s;
  }
  func::ReturnOp::create(b, loc, total);
}

TEST_P(VjpGoldensTest, MatchesTorchAndFiniteDifferences) {
  const std::string name = GetParam();
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(kDir + name + ".mlir", &context);
  ASSERT_TRUE(module) << "cannot parse " << name << ".mlir";
  auto f = module->lookupSymbol<func::FuncOp>("f");
  ASSERT_TRUE(f);
  std::map<std::string, rt::HostTensor> golden = training::readSafetensors(kDir + name + ".safetensors");
  ASSERT_FALSE(golden.empty());

  // Statistic results (rstd, mean, log-sum-exp) take no cotangent: use the
  // part of the golden gradient that comes from result 0 alone.
  bool partial = false;
  for (auto &[key, t] : golden)
    partial |= key.rfind("gradpart.0.", 0) == 0;
  SmallVector<unsigned> used;
  for (unsigned k = 0; k < f.getNumResults(); ++k)
    if (golden.count("cot." + std::to_string(k)) && (!partial || k == 0))
      used.push_back(k);
  ASSERT_FALSE(used.empty()) << name << " has no cotangent";
  buildLoss(*module, f, used);

  PassManager pm(&context);
  pm.addPass(ml::createLoomAutodiffPass());
  ASSERT_TRUE(succeeded(pm.run(*module))) << name << ": loom-autodiff failed";

  // Inputs: in.N, cot.K, then zero accumulators for the float arguments.
  auto lossFn = module->lookupSymbol<func::FuncOp>("loss");
  std::vector<Tensor> inputs;
  for (unsigned i = 0; i < lossFn.getNumArguments(); ++i) {
    std::string key = i < f.getNumArguments() ? "in." + std::to_string(i)
                                              : "cot." + std::to_string(used[i - f.getNumArguments()]);
    auto type = cast<RankedTensorType>(lossFn.getArgumentTypes()[i]);
    ASSERT_TRUE(golden.count(key)) << name << ": no " << key;
    inputs.push_back(training::fromHost(golden.at(key), type.getElementType(), type.getRank() == 0));
  }
  std::vector<unsigned> floats;
  for (unsigned i = 0; i < f.getNumArguments(); ++i)
    if (isFloatTensor(f.getArgumentTypes()[i]))
      floats.push_back(i);
  std::vector<Tensor> gradInputs = inputs;
  for (unsigned i : floats)
    gradInputs.push_back(Tensor::zeros(inputs[i].elementType, inputs[i].shape));

  reference::Interpreter interp(*module, {reference::Precision::F64});
  std::string error;
  auto out = interp.run("grad_step", gradInputs, error);
  ASSERT_TRUE(succeeded(out)) << name << ": " << error;
  ASSERT_EQ(out->size(), 1 + floats.size());

  for (auto [n, i] : llvm::enumerate(floats)) {
    std::string key = (partial ? "gradpart.0." : "grad.") + std::to_string(i);
    ASSERT_TRUE(golden.count(key)) << name << ": no " << key;
    Tensor expected = training::fromHost(golden.at(key), (*out)[1 + n].elementType,
                                         (*out)[1 + n].shape.empty());
    EXPECT_LE(training::relativeError((*out)[1 + n], expected, 1e-12), 1e-10)
        << name << ": gradient of argument " << i;
  }

  // The dot-product test against central differences.
  std::mt19937_64 rng(std::hash<std::string>{}(name));
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  const double h = 1e-6;
  std::vector<Tensor> plus = inputs, minus = inputs;
  double rhs = 0;
  for (auto [n, i] : llvm::enumerate(floats)) {
    for (size_t e = 0; e < inputs[i].f.size(); ++e) {
      double u = uniform(rng);
      plus[i].f[e] += h * u;
      minus[i].f[e] -= h * u;
      rhs += (*out)[1 + n].f[e] * u;
    }
  }
  auto lp = interp.run("loss", plus, error);
  ASSERT_TRUE(succeeded(lp)) << error;
  auto lm = interp.run("loss", minus, error);
  ASSERT_TRUE(succeeded(lm)) << error;
  double lhs = ((*lp)[0].f[0] - (*lm)[0].f[0]) / (2 * h);
  EXPECT_LE(std::fabs(lhs - rhs), 1e-7 * (std::fabs(lhs) + 1e-12))
      << name << ": <v, J u> = " << lhs << " by central differences, <VJP(v), u> = " << rhs;
}

INSTANTIATE_TEST_SUITE_P(Ops, VjpGoldensTest, ::testing::ValuesIn(vjpCases()),
                         [](const auto &info) { return info.param; });

} // namespace
