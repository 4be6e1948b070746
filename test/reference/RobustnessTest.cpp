//===- RobustnessTest.cpp - errors instead of crashes -----------------------===//

#include "test/reference/TestUtil.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"

#include <cmath>
#include <cstring>

using namespace loom::reference;
using namespace loom::reference::testing;

namespace {

class RobustnessTest : public InterpreterTest {
protected:
  std::string contains(const std::string &error, const std::string &part) {
    EXPECT_NE(error.find(part), std::string::npos) << error;
    return error;
  }
};

const char *kIdentity = R"(func.func @f(%x: tensor<2xi8>) -> tensor<2xi8> {
  return %x : tensor<2xi8>
})";

TEST_F(RobustnessTest, BadInputsAreRefused) {
  contains(runError(kIdentity, {}), "@f takes 1 arguments, got 0");
  contains(runError(kIdentity, {F(f32, {2}, {1, 2})}), "has element type f32, expected i8");
  contains(runError(kIdentity, {I(i8, {3}, {1, 2, 3})}), "has size 3 in dim 0, expected 2");
  contains(runError(kIdentity, {I(i8, {2, 1}, {1, 2})}), "has rank 2, expected 1");
  contains(runError(kIdentity, {I(i8, {2}, {1})}), "holds 1 elements for shape [2] i8");
  contains(runError(kIdentity, {I(i8, {2}, {1, 300})}), "holds 300 at flat index 1, outside i8");
  Tensor noType;
  contains(runError(kIdentity, {noType}), "argument #0");
}

TEST_F(RobustnessTest, MissingFunctionAndUnsupportedOps) {
  auto module = mlir::parseSourceString<mlir::ModuleOp>(kIdentity, &context);
  Interpreter interpreter(*module);
  std::string error;
  EXPECT_TRUE(failed(interpreter.run("g", {}, error)));
  contains(error, "no func.func @g");
  contains(runError(R"(func.func @f(%x: f32) -> f32 {
    %y = arith.addf %x, %x : f32
    return %y : f32
  })", {F(f32, {}, {1})}), "'arith.addf' op is not supported by the reference interpreter");
}

TEST_F(RobustnessTest, InvalidIRIsReportedNotRun) {
  mlir::ParserConfig config(&context, /*verifyAfterParse=*/false);
  auto module = mlir::parseSourceString<mlir::ModuleOp>(R"(func.func @f(%x: tensor<2xi32>) -> tensor<2xi32> {
    %y = loom.binary div %x, %x : tensor<2xi32>
    return %y : tensor<2xi32>
  })", config);
  ASSERT_TRUE(module);
  Interpreter interpreter(*module);
  std::string error;
  EXPECT_TRUE(failed(interpreter.run("f", {I(i32, {2}, {1, 2})}, error)));
  contains(error, "invalid IR");
  contains(error, "kind 'div' needs float elements");
}

TEST_F(RobustnessTest, CallsNameTheChainAndRecursionIsBounded) {
  std::string error = runError(R"(
    func.func private @inner(%t: tensor<3xf32>, %i: tensor<1xi64>) -> tensor<1xf32> {
      %g = loom.gather %t[%i] axis 0 : tensor<3xf32>, tensor<1xi64>
      return %g : tensor<1xf32>
    }
    func.func @f(%t: tensor<3xf32>, %i: tensor<1xi64>) -> tensor<1xf32> {
      %g = call @inner(%t, %i) : (tensor<3xf32>, tensor<1xi64>) -> tensor<1xf32>
      return %g : tensor<1xf32>
    })", {F(f32, {3}, {1, 2, 3}), I(i64, {1}, {7})});
  contains(error, "'loom.gather' op index 7");
  contains(error, "in @inner, ");
  contains(error, "'func.call' op called it");
  contains(runError(R"(func.func @f(%x: tensor<1xf32>) -> tensor<1xf32> {
      %y = call @f(%x) : (tensor<1xf32>) -> tensor<1xf32>
      return %y : tensor<1xf32>
    })", {F(f32, {1}, {1})}), "nests calls deeper than 200");
  contains(runError(R"(
    func.func private @ext(tensor<1xf32>) -> tensor<1xf32>
    func.func @f(%x: tensor<1xf32>) -> tensor<1xf32> {
      %y = call @ext(%x) : (tensor<1xf32>) -> tensor<1xf32>
      return %y : tensor<1xf32>
    })", {F(f32, {1}, {1})}), "@ext has no body to interpret");
}

TEST_F(RobustnessTest, HugeResultsAreRefusedBeforeAllocation) {
  contains(runError(R"(func.func @f() -> tensor<100000x100000xf32> {
    %x = loom.iota dim 0 : tensor<100000x100000xf32>
    return %x : tensor<100000x100000xf32>
  })", {}), "exceeds the interpreter's limit");
}

TEST_F(RobustnessTest, ResultsAreDeterministicBitForBit) {
  const char *ir = R"(func.func @f(%x: tensor<64x64xf32>) -> tensor<64x64xf32> {
    %y = loom.matmul %x, %x acc(f32) : tensor<64x64xf32>, tensor<64x64xf32>
    %z = loom.softmax %y dim 1 acc(f32) : tensor<64x64xf32>
    return %z : tensor<64x64xf32>
  })";
  std::vector<double> x(64 * 64);
  for (size_t n = 0; n < x.size(); ++n)
    x[n] = std::sin(static_cast<double>(n));
  auto a = run(ir, {F(f32, {64, 64}, x)}), b = run(ir, {F(f32, {64, 64}, x)});
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(std::memcmp(a[0].f.data(), b[0].f.data(), x.size() * sizeof(double)), 0);
}

} // namespace
