//===- VJPBuilder.cpp - loom op construction for VJPs ---------------------===//

#include "dialects/loom/IR/VJPBuilder.h"

#include "dialects/loom/IR/ShapeUtils.h"

using namespace mlir;
using namespace mlir::loom;

Value VJPBuilder::splatLike(Value like, double value, Type element) {
  auto type = llvm::cast<RankedTensorType>(like.getType());
  Type e = element ? element : type.getElementType();
  Attribute scalar = isa<FloatType>(e) ? Attribute(FloatAttr::get(e, value))
                                       : Attribute(IntegerAttr::get(e, static_cast<int64_t>(value)));
  if (type.hasStaticShape())
    return ConstantOp::create(b, loc,
                              DenseElementsAttr::get(RankedTensorType::get(type.getShape(), e), scalar));
  Value one = ConstantOp::create(b, loc, DenseElementsAttr::get(RankedTensorType::get({}, e), scalar));
  return broadcast(one, {}, like);
}

Value VJPBuilder::scale(Value x, double c) {
  Value k = splatLike(x, c);
  return k ? mul(x, k) : Value();
}

Value VJPBuilder::cast(Value x, Type element) {
  auto type = llvm::cast<RankedTensorType>(x.getType());
  if (type.getElementType() == element)
    return x;
  return CastOp::create(b, loc, type.clone(element), x);
}

Value VJPBuilder::broadcast(Value x, ArrayRef<int64_t> dims, Value like) {
  auto xType = llvm::cast<RankedTensorType>(x.getType());
  auto type = llvm::cast<RankedTensorType>(like.getType());
  auto result = RankedTensorType::get(type.getShape(), xType.getElementType(), type.getEncoding());
  if (xType == result)
    return x;
  SmallVector<Value> sizes; // the run-time sizes of new dynamic dims
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d) && !llvm::is_contained(dims, d))
      sizes.push_back(tensor::DimOp::create(b, loc, like, d));
  return BroadcastOp::create(b, loc, result, x, dims, sizes);
}

Value VJPBuilder::unreduce(Value x, ArrayRef<int64_t> dropped, Value like) {
  SmallVector<int64_t> kept;
  for (int64_t d = 0; d < llvm::cast<RankedTensorType>(like.getType()).getRank(); ++d)
    if (!llvm::is_contained(dropped, d))
      kept.push_back(d);
  return broadcast(x, kept, like);
}

Value VJPBuilder::sum(Value x, ArrayRef<int64_t> dims) {
  if (dims.empty())
    return x;
  Type element = llvm::cast<RankedTensorType>(x.getType()).getElementType();
  return ReduceOp::create(b, loc, ReduceKind::sum, x, dims, statisticsType(element),
                          /*keep_dims=*/false);
}

Value VJPBuilder::reshape(Value x, ArrayRef<int64_t> shape) {
  auto type = llvm::cast<RankedTensorType>(x.getType());
  if (type.getShape() == shape)
    return x;
  return ReshapeOp::create(b, loc, RankedTensorType::get(shape, type.getElementType()), x,
                           ValueRange{});
}

LogicalResult VJPBuilder::unsupported(const Twine &what) {
  return op->emitOpError("has no VJP for ") << what << " yet";
}
