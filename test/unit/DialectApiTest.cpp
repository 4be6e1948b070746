//===- DialectApiTest.cpp - bounded types, fusion kinds, reification ------===//

#include "dialects/loom/IR/LoomOps.h"
#include "dialects/loom/IR/ShapeUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::loom;

namespace {

class DialectApiTest : public ::testing::Test {
protected:
  DialectApiTest() {
    context.loadDialect<LoomDialect, func::FuncDialect, tensor::TensorDialect,
                        arith::ArithDialect>();
    // Diagnostics of deliberately bad IR are expected; keep the log quiet.
    context.getDiagEngine().registerHandler([](Diagnostic &) { return success(); });
  }
  OwningOpRef<ModuleOp> parse(StringRef ir) { return parseSourceString<ModuleOp>(ir, &context); }

  MLIRContext context;
};

TEST_F(DialectApiTest, BoundedTypeRoundTrip) {
  Type f32 = Float32Type::get(&context);
  Dims dims{{ShapedType::kDynamic, 512}, Dim::fixed(64)};
  RankedTensorType type = makeTensorType(dims, f32);
  ASSERT_TRUE(isa<BoundsAttr>(type.getEncoding()));
  EXPECT_EQ(dimsOf(type), dims);
  EXPECT_EQ(describe(dims), "[?<=512, 64]");
  // A static shape carries no encoding: bounds only where sizes vary.
  EXPECT_FALSE(makeTensorType({Dim::fixed(2), Dim::fixed(3)}, f32).getEncoding());
}

TEST_F(DialectApiTest, FusionKindsComeFromTheOps) {
  auto module = parse(R"mlir(
    func.func @f(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>, %i: tensor<3xi64>) {
      %0 = loom.unary exp %a : tensor<4x8xf32>
      %1 = loom.matmul %a, %b acc(f32) : tensor<4x8xf32>, tensor<8x4xf32>
      %2 = loom.softmax %a dim 1 acc(f32) : tensor<4x8xf32>
      %3 = loom.cumsum %a dim 1 acc(f32) : tensor<4x8xf32>
      %4 = loom.transpose %a perm [1, 0] : tensor<4x8xf32>
      %5 = loom.gather %a[%i] axis 0 : tensor<4x8xf32>, tensor<3xi64>
      %6 = loom.iota dim 0 : tensor<4xi64>
      return
    })mlir");
  ASSERT_TRUE(module);
  std::vector<std::string> kinds;
  module->walk([&](FusableOpInterface op) {
    kinds.push_back(stringifyFusionKind(op.getFusionKind()).str());
  });
  EXPECT_EQ(kinds, (std::vector<std::string>{"elementwise", "contraction", "row_reduction", "scan",
                                             "layout", "opaque", "generator"}));
}

TEST_F(DialectApiTest, ReifiesBoundedMatmulRowsFromTheLhs) {
  auto module = parse(R"mlir(
    func.func @f(%a: tensor<?x16xf32, #loom.bounds<[64, 16]>>, %b: tensor<16x8xf32>) {
      %0 = loom.matmul %a, %b acc(f32) : tensor<?x16xf32, #loom.bounds<[64, 16]>>, tensor<16x8xf32>
      return
    })mlir");
  ASSERT_TRUE(module);
  MatmulOp matmul;
  module->walk([&](MatmulOp op) { matmul = op; });
  ASSERT_TRUE(matmul);
  EXPECT_EQ(matmul.getType(),
            makeTensorType({{ShapedType::kDynamic, 64}, Dim::fixed(8)}, Float32Type::get(&context)));
  OpBuilder builder(matmul);
  ReifiedRankedShapedTypeDims shapes;
  ASSERT_TRUE(succeeded(matmul.reifyResultShapes(builder, shapes)));
  ASSERT_EQ(shapes.size(), 1u);
  auto rows = dyn_cast<Value>(shapes[0][0]);
  ASSERT_TRUE(rows);
  auto dim = rows.getDefiningOp<tensor::DimOp>();
  ASSERT_TRUE(dim);
  EXPECT_EQ(dim.getSource(), matmul.getLhs());
  EXPECT_EQ(getConstantIntValue(shapes[0][1]), 8);
}

TEST_F(DialectApiTest, MalformedIrIsRefusedNotCrashedOn) {
  // Truncations and corruptions of valid IR: each must parse or fail cleanly.
  std::string valid = R"mlir(func.func @f(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>) {
      %0 = loom.matmul %a, %b transpose_rhs acc(f32) : tensor<4x8xf32>, tensor<8x4xf32>
      %1 = loom.reduce sum %0 dims [1] keep_dims acc(f32) : tensor<4x4xf32>
      return
    })mlir";
  int refused = 0;
  for (size_t cut = 0; cut < valid.size(); cut += 3) {
    std::string broken = valid.substr(0, cut);
    refused += !parse(broken);
    std::string swapped = valid;
    swapped[cut] = "0x[]<>:,%#?"[cut % 11];
    refused += !parse(swapped);
  }
  EXPECT_GT(refused, 0);
}

} // namespace
