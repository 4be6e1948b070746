//===- ContractionOps.cpp - matmul and linear -----------------------------===//

#include "dialects/loom/IR/ContractionOps.h"

#include "dialects/loom/IR/ShapeUtils.h"

using namespace mlir;
using namespace mlir::loom;

#define GET_OP_CLASSES
#include "dialects/loom/IR/ContractionOps.cpp.inc"

void LoomDialect::registerContractionOps() {
  addOperations<
#define GET_OP_LIST
#include "dialects/loom/IR/ContractionOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------===//

namespace {
/// Where m, k and n sit in matmul operands of rank r.
struct MatmulDims {
  int64_t m, kLhs, kRhs, n;
  MatmulDims(int64_t rank, bool transposeLhs, bool transposeRhs)
      : m(transposeLhs ? rank - 1 : rank - 2), kLhs(transposeLhs ? rank - 2 : rank - 1),
        kRhs(transposeRhs ? rank - 1 : rank - 2), n(transposeRhs ? rank - 2 : rank - 1) {}
};
} // namespace

LogicalResult MatmulOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto lhs = dyn_cast<RankedTensorType>(adaptor.getLhs().getType());
  auto rhs = dyn_cast<RankedTensorType>(adaptor.getRhs().getType());
  if (!lhs || !rhs)
    return failure();
  if (lhs.getRank() != rhs.getRank() || lhs.getRank() < 2)
    return inferFail(loc, getOperationName(), "operands need equal ranks of at least 2, got ",
                     lhs.getRank(), " and ", rhs.getRank());
  if (lhs.getElementType() != rhs.getElementType())
    return inferFail(loc, getOperationName(), "operand element types differ: ",
                     lhs.getElementType(), " and ", rhs.getElementType());
  Dims l = dimsOf(lhs), r = dimsOf(rhs);
  int64_t rank = lhs.getRank();
  MatmulDims at(rank, adaptor.getTransposeLhs(), adaptor.getTransposeRhs());
  Dims result(l.begin(), l.end() - 2);
  for (int64_t i = 0; i < rank - 2; ++i)
    if (l[i] != r[i])
      return inferFail(loc, getOperationName(), "batch dim ", i, " differs: ", describe(l[i]),
                       " vs ", describe(r[i]));
  if (l[at.kLhs] != r[at.kRhs])
    return inferFail(loc, getOperationName(), "contraction dims differ: lhs has ",
                     describe(l[at.kLhs]), ", rhs has ", describe(r[at.kRhs]));
  result.push_back(l[at.m]);
  result.push_back(r[at.n]);
  types.push_back(makeTensorType(result, lhs.getElementType()));
  return success();
}

LogicalResult MatmulOp::verify() {
  return verifyAccumulationType(*this, getLhs().getType().getElementType(), getAcc());
}

LogicalResult MatmulOp::reifyResultShapes(OpBuilder &b, ReifiedRankedShapedTypeDims &shapes) {
  auto type = getType();
  int64_t rank = type.getRank();
  MatmulDims at(rank, getTransposeLhs(), getTransposeRhs());
  shapes.push_back(reifyDims(b, getLoc(), type, [&](int64_t d) {
    if (d < rank - 2)
      return DimSource{getLhs(), d};
    return d == rank - 2 ? DimSource{getLhs(), at.m} : DimSource{getRhs(), at.n};
  }));
  return success();
}

//===----------------------------------------------------------------------===//
// linear
//===----------------------------------------------------------------------===//

LogicalResult LinearOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
  auto weight = dyn_cast<RankedTensorType>(adaptor.getWeight().getType());
  if (!input || !weight)
    return failure();
  if (input.getRank() < 1 || weight.getRank() != 2)
    return inferFail(loc, getOperationName(), "needs an input of rank >= 1 and a weight [out, in]"
                     ", got ranks ", input.getRank(), " and ", weight.getRank());
  if (input.getElementType() != weight.getElementType())
    return inferFail(loc, getOperationName(), "input and weight element types differ: ",
                     input.getElementType(), " and ", weight.getElementType());
  Dims x = dimsOf(input), w = dimsOf(weight);
  if (x.back() != w[1])
    return inferFail(loc, getOperationName(), "input features ", describe(x.back()),
                     " differ from the weight's in-features ", describe(w[1]));
  if (Value bias = adaptor.getBias()) {
    auto b = dyn_cast<RankedTensorType>(bias.getType());
    if (!b)
      return failure();
    if (b.getElementType() != input.getElementType() || dimsOf(b) != Dims{w[0]})
      return inferFail(loc, getOperationName(), "bias must be [", describe(w[0]), "] of ",
                       input.getElementType(), ", got ", b);
  }
  x.back() = w[0];
  types.push_back(makeTensorType(x, input.getElementType()));
  return success();
}

LogicalResult LinearOp::verify() {
  return verifyAccumulationType(*this, getInput().getType().getElementType(), getAcc());
}

LogicalResult LinearOp::reifyResultShapes(OpBuilder &b, ReifiedRankedShapedTypeDims &shapes) {
  auto type = getType();
  shapes.push_back(reifyDims(b, getLoc(), type, [&](int64_t d) {
    return d + 1 < type.getRank() ? DimSource{getInput(), d} : DimSource{getWeight(), 0};
  }));
  return success();
}
