//===- GraphBuilder.cpp - terse loom op construction ----------------------===//

#include "models/common/GraphBuilder.h"

#include "dialects/loom/IR/ShapeUtils.h"

using namespace mlir;
using namespace mlir::loom;
using namespace ::loom::models;

GraphBuilder::GraphBuilder(OpBuilder &builder, Type elementType)
    : b(builder), element(elementType), acc(statisticsType(elementType)),
      location(builder.getUnknownLoc()) {}

RankedTensorType GraphBuilder::tensor(ArrayRef<int64_t> shape) const {
  return RankedTensorType::get(shape, element);
}

RankedTensorType GraphBuilder::tensor(ArrayRef<int64_t> shape, Type elementType) const {
  return RankedTensorType::get(shape, elementType);
}

RankedTensorType GraphBuilder::i64Tensor(ArrayRef<int64_t> shape) const {
  return RankedTensorType::get(shape, b.getI64Type());
}

Value GraphBuilder::unary(UnaryKind kind, Value x) {
  return UnaryOp::create(b, location, kind, x);
}

Value GraphBuilder::binary(BinaryKind kind, Value x, Value y) {
  return BinaryOp::create(b, location, kind, x, y);
}

Value GraphBuilder::compare(ComparePredicate p, Value x, Value y) {
  return CompareOp::create(b, location, p, x, y);
}

Value GraphBuilder::select(Value cond, Value onTrue, Value onFalse) {
  return SelectOp::create(b, location, cond, onTrue, onFalse);
}

Value GraphBuilder::cast(Value x, Type elementType) {
  auto type = llvm::cast<RankedTensorType>(x.getType());
  if (type.getElementType() == elementType)
    return x;
  return CastOp::create(b, location, type.clone(elementType), x);
}

Value GraphBuilder::broadcast(Value x, ArrayRef<int64_t> dims, ArrayRef<int64_t> shape) {
  auto type = llvm::cast<RankedTensorType>(x.getType());
  return BroadcastOp::create(b, location, RankedTensorType::get(shape, type.getElementType()), x,
                             dims, ValueRange{});
}

Value GraphBuilder::splat(ArrayRef<int64_t> shape, double value) {
  auto type = tensor(shape);
  return ConstantOp::create(b, location, DenseElementsAttr::get(type, FloatAttr::get(element, value)));
}

Value GraphBuilder::splatI64(ArrayRef<int64_t> shape, int64_t value) {
  auto type = i64Tensor(shape);
  return ConstantOp::create(b, location, DenseElementsAttr::get(type, b.getI64IntegerAttr(value)));
}

Value GraphBuilder::iota(ArrayRef<int64_t> shape, int64_t dim) {
  return IotaOp::create(b, location, i64Tensor(shape), dim, ValueRange{});
}

Value GraphBuilder::linear(Value x, Value weight) {
  return LinearOp::create(b, location, x, weight, /*bias=*/Value(), acc);
}

Value GraphBuilder::reduce(ReduceKind kind, Value x, ArrayRef<int64_t> dims) {
  return ReduceOp::create(b, location, kind, x, dims, acc, /*keep_dims=*/false);
}

Value GraphBuilder::reshape(Value x, ArrayRef<int64_t> shape) {
  auto type = llvm::cast<RankedTensorType>(x.getType());
  if (type.getShape() == shape)
    return x;
  return ReshapeOp::create(b, location, RankedTensorType::get(shape, type.getElementType()), x,
                           ValueRange{});
}

Value GraphBuilder::gather(Value table, Value indices, int64_t axis) {
  return GatherOp::create(b, location, table, indices, axis);
}

Value GraphBuilder::concat(ValueRange xs, int64_t dim) {
  if (xs.size() == 1)
    return xs.front();
  return ConcatOp::create(b, location, xs, dim);
}
