//===- BoundsTest.cpp - bounded dynamic dims at run time --------------------===//

#include "test/reference/TestUtil.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"

#include <cmath>

using namespace loom::reference;
using namespace loom::reference::testing;

namespace {

class BoundsTest : public InterpreterTest {};

const char *kAddRows = R"(func.func @f(%x: tensor<?x2xf32, #loom.bounds<[4, 2]>>, %y: tensor<?x2xf32, #loom.bounds<[4, 2]>>) -> tensor<?x2xf32, #loom.bounds<[4, 2]>> {
  %z = loom.binary add %x, %y : tensor<?x2xf32, #loom.bounds<[4, 2]>>
  return %z : tensor<?x2xf32, #loom.bounds<[4, 2]>>
})";

TEST_F(BoundsTest, ValuesCarryTheirRunTimeSizes) {
  auto r = run(kAddRows, {F(f32, {3, 2}, {1, 2, 3, 4, 5, 6}), F(f32, {3, 2}, {1, 1, 1, 1, 1, 1})});
  EXPECT_EQ(r[0].shape, (std::vector<int64_t>{3, 2}));
  expectFloats(r[0], {2, 3, 4, 5, 6, 7});
  auto empty = run(kAddRows, {F(f32, {0, 2}, {}), F(f32, {0, 2}, {})});
  EXPECT_EQ(empty[0].shape, (std::vector<int64_t>{0, 2}));
}

TEST_F(BoundsTest, InputsAboveTheBoundAreRefused) {
  std::string error =
      runError(kAddRows, {F(f32, {5, 2}, std::vector<double>(10, 0)), F(f32, {5, 2}, std::vector<double>(10, 0))});
  EXPECT_NE(error.find("argument #0 of @f has size 5 in dynamic dim 0, outside its bound [0, 4]"),
            std::string::npos)
      << error;
}

TEST_F(BoundsTest, OperandsWhoseRunTimeSizesDisagreeAreAnError) {
  std::string error = runError(kAddRows, {F(f32, {3, 2}, std::vector<double>(6, 0)),
                                          F(f32, {2, 2}, std::vector<double>(4, 0))});
  EXPECT_NE(error.find("'loom.binary' op lhs has run-time shape [3, 2] f32 but rhs has [2, 2] f32"),
            std::string::npos)
      << error;
}

TEST_F(BoundsTest, PaddedResultsHoldPoison) {
  auto module = mlir::parseSourceString<mlir::ModuleOp>(R"(
    func.func @f(%x: tensor<?xf32, #loom.bounds<[4]>>, %i: tensor<?xi32, #loom.bounds<[3]>>) -> (tensor<?xf32, #loom.bounds<[4]>>, tensor<?xi32, #loom.bounds<[3]>>) {
      return %x, %i : tensor<?xf32, #loom.bounds<[4]>>, tensor<?xi32, #loom.bounds<[3]>>
    })", &context);
  ASSERT_TRUE(module);
  Options options;
  options.padResultsToBounds = true;
  Interpreter interpreter(*module, options);
  std::string error;
  auto r = interpreter.run("f", {F(f32, {2}, {1, 2}), I(i32, {1}, {7})}, error);
  ASSERT_TRUE(succeeded(r)) << error;
  expectFloats((*r)[0], {1, 2, NAN, NAN});
  expectInts((*r)[1], {7, INT32_MIN, INT32_MIN});
}

TEST_F(BoundsTest, SizesFromDimArithmeticAndTheirBounds) {
  const char *ir = R"(func.func @f(%x: tensor<?xf32, #loom.bounds<[4]>>) -> (tensor<?x2xf32, #loom.bounds<[5, 2]>>, tensor<?xi64, #loom.bounds<[8]>>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %n = tensor.dim %x, %c0 : tensor<?xf32, #loom.bounds<[4]>>
    %m = arith.addi %n, %c1 : index
    %w = arith.muli %n, %c2 : index
    %b = loom.broadcast %x dims [0] : tensor<?xf32, #loom.bounds<[4]>> -> tensor<?x2xf32, #loom.bounds<[4, 2]>>
    %r = loom.reshape %b sizes(%w) : tensor<?x2xf32, #loom.bounds<[4, 2]>> -> tensor<?xf32, #loom.bounds<[8]>>
    %z = loom.reshape %r sizes(%n) : tensor<?xf32, #loom.bounds<[8]>> -> tensor<?x2xf32, #loom.bounds<[4, 2]>>
    %e = loom.broadcast %x dims [0] : tensor<?xf32, #loom.bounds<[4]>> -> tensor<?x2xf32, #loom.bounds<[4, 2]>>
    %c = loom.concat %z, %e dim 1 : tensor<?x2xf32, #loom.bounds<[4, 2]>>, tensor<?x2xf32, #loom.bounds<[4, 2]>>
    %s = loom.slice %c offsets [0, 0] sizes [-1, 2] strides [1, 2] : tensor<?x4xf32, #loom.bounds<[4, 4]>>
    %big = loom.broadcast %x dims [1] sizes(%m) : tensor<?xf32, #loom.bounds<[4]>> -> tensor<?x?xf32, #loom.bounds<[5, 4]>>
    %red = loom.reduce sum %big dims [1] acc(f32) : tensor<?x?xf32, #loom.bounds<[5, 4]>>
    %rb = loom.broadcast %red dims [0] : tensor<?xf32, #loom.bounds<[5]>> -> tensor<?x2xf32, #loom.bounds<[5, 2]>>
    %io = loom.iota dim 0 sizes(%w) : tensor<?xi64, #loom.bounds<[8]>>
    return %rb, %io : tensor<?x2xf32, #loom.bounds<[5, 2]>>, tensor<?xi64, #loom.bounds<[8]>>
  })";
  auto r = run(ir, {F(f32, {3}, {1, 2, 3})});
  EXPECT_EQ(r[0].shape, (std::vector<int64_t>{4, 2}));
  expectFloats(r[0], {6, 6, 6, 6, 6, 6, 6, 6});
  expectInts(r[1], {0, 1, 2, 3, 4, 5});
  // 4 rows make %m = 5 (bound 5: fine) and %w = 8 (bound 8: fine).
  auto full = run(ir, {F(f32, {4}, {1, 1, 1, 1})});
  EXPECT_EQ(full[1].shape, (std::vector<int64_t>{8}));
}

TEST_F(BoundsTest, ASizeAboveItsBoundIsAnError) {
  std::string error = runError(R"(func.func @f(%n: index) -> tensor<?xi64, #loom.bounds<[8]>> {
    %io = loom.iota dim 0 sizes(%n) : tensor<?xi64, #loom.bounds<[8]>>
    return %io : tensor<?xi64, #loom.bounds<[8]>>
  })", {index(9)});
  EXPECT_NE(error.find("'loom.iota' op dynamic dim 0 gets size 9, outside its bound [0, 8]"),
            std::string::npos)
      << error;
  error = runError(R"(func.func @f(%x: tensor<2xf32>, %n: index) -> tensor<?x2xf32, #loom.bounds<[8, 2]>> {
    %b = loom.broadcast %x dims [1] sizes(%n) : tensor<2xf32> -> tensor<?x2xf32, #loom.bounds<[8, 2]>>
    return %b : tensor<?x2xf32, #loom.bounds<[8, 2]>>
  })", {F(f32, {2}, {1, 2}), index(1000000000000)});
  EXPECT_NE(error.find("'loom.broadcast' op new dim 0 gets size 1000000000000"), std::string::npos)
      << error;
}

TEST_F(BoundsTest, ACountComputedInTheGraphSizesADim) {
  // The number of positive elements, computed on "device", sizes an iota.
  auto r = run(R"(func.func @f(%x: tensor<5xf32>) -> tensor<?xi32, #loom.bounds<[5]>> {
    %zero = loom.constant dense<0.0> : tensor<5xf32>
    %pos = loom.compare gt %x, %zero : tensor<5xf32>
    %ones = loom.cast %pos : tensor<5xi1> to tensor<5xi64>
    %count = loom.reduce sum %ones dims [0] acc(i64) : tensor<5xi64>
    %c = tensor.extract %count[] : tensor<i64>
    %n = arith.index_cast %c : i64 to index
    %io = loom.iota dim 0 sizes(%n) : tensor<?xi32, #loom.bounds<[5]>>
    return %io : tensor<?xi32, #loom.bounds<[5]>>
  })", {F(f32, {5}, {1, -1, 2, 3, -4})});
  expectInts(r[0], {0, 1, 2});
}

TEST_F(BoundsTest, AttentionOverDynamicLengthsAndMeanOverRunTimeCount) {
  auto r = run(R"(func.func @f(%q: tensor<1x?x1x2xf64, #loom.bounds<[1, 4, 1, 2]>>, %k: tensor<1x?x1x2xf64, #loom.bounds<[1, 6, 1, 2]>>,
                  %qp: tensor<1x?xi64, #loom.bounds<[1, 4]>>, %kp: tensor<1x?xi64, #loom.bounds<[1, 6]>>, %hi: tensor<1x?xi64, #loom.bounds<[1, 6]>>)
      -> (tensor<1x?x1x2xf64, #loom.bounds<[1, 4, 1, 2]>>, tensor<1x1xf64>) {
    %o, %l = loom.attention %q, %k, %k query_positions(%qp) key_positions(%kp) visible(%kp, %hi)
        : tensor<1x?x1x2xf64, #loom.bounds<[1, 4, 1, 2]>>, tensor<1x?x1x2xf64, #loom.bounds<[1, 6, 1, 2]>>, tensor<1x?x1x2xf64, #loom.bounds<[1, 6, 1, 2]>>,
          tensor<1x?xi64, #loom.bounds<[1, 4]>>, tensor<1x?xi64, #loom.bounds<[1, 6]>>
    %qf = loom.cast %kp : tensor<1x?xi64, #loom.bounds<[1, 6]>> to tensor<1x?xf64, #loom.bounds<[1, 6]>>
    %m = loom.reduce mean %qf dims [1] keep_dims acc(f64) : tensor<1x?xf64, #loom.bounds<[1, 6]>>
    return %o, %m : tensor<1x?x1x2xf64, #loom.bounds<[1, 4, 1, 2]>>, tensor<1x1xf64>
  })", {F(f64, {1, 1, 1, 2}, {0, 0}), F(f64, {1, 2, 1, 2}, {1, 2, 3, 4}), I(i64, {1, 1}, {5}),
        I(i64, {1, 2}, {0, 1}), I(i64, {1, 2}, {100, 100})},
               Precision::F64);
  expectFloats(r[0], {2, 3}); // equal scores: the mean of the two values
  expectFloats(r[1], {0.5});  // the mean of the 2 key positions, not of the bound's 6
}

} // namespace
