//===- ShapeUtils.cpp - bounded dims, type inference and reification -----===//

#include "dialects/loom/IR/ShapeUtils.h"

#include "dialects/loom/IR/LoomAttrs.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::loom;

Dims mlir::loom::dimsOf(RankedTensorType type) {
  auto bounds = llvm::dyn_cast_or_null<BoundsAttr>(type.getEncoding());
  Dims dims;
  for (auto [i, size] : llvm::enumerate(type.getShape())) {
    int64_t bound = size;
    if (ShapedType::isDynamic(size))
      bound = bounds && i < bounds.getBounds().size() ? bounds.getBounds()[i] : size;
    dims.push_back({size, bound});
  }
  return dims;
}

RankedTensorType mlir::loom::makeTensorType(llvm::ArrayRef<Dim> dims, Type elementType) {
  llvm::SmallVector<int64_t> shape, bounds;
  bool anyDynamic = false, allBounded = true;
  for (const Dim &d : dims) {
    shape.push_back(d.size);
    bounds.push_back(d.bound);
    anyDynamic |= d.isDynamic();
    allBounded &= !d.isDynamic() || d.bound >= 1;
  }
  // A dynamic dim without a valid bound comes from an operand that lacks one
  // (BoundedShapes reports that operand); never build an invalid #loom.bounds.
  Attribute encoding;
  if (anyDynamic && allBounded)
    encoding = BoundsAttr::get(elementType.getContext(), bounds);
  return RankedTensorType::get(shape, elementType, encoding);
}

std::string mlir::loom::describe(const Dim &dim) {
  if (dim.isDynamic())
    return "?<=" + std::to_string(dim.bound);
  return std::to_string(dim.size);
}

std::string mlir::loom::describe(llvm::ArrayRef<Dim> dims) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(dims))
    s += (i ? ", " : "") + describe(d);
  return s + "]";
}

std::optional<int64_t> mlir::loom::normalizeDim(int64_t dim, int64_t rank) {
  if (dim < 0)
    dim += rank;
  if (dim < 0 || dim >= rank)
    return std::nullopt;
  return dim;
}

Type mlir::loom::statisticsType(Type elementType) {
  if (elementType.isF64())
    return elementType;
  return Float32Type::get(elementType.getContext());
}

llvm::SmallVector<OpFoldResult>
mlir::loom::reifyDims(OpBuilder &builder, Location loc, RankedTensorType type,
                      llvm::function_ref<DimSource(int64_t)> sourceOf) {
  llvm::SmallVector<OpFoldResult> result;
  for (auto [d, size] : llvm::enumerate(type.getShape())) {
    if (!ShapedType::isDynamic(size)) {
      result.push_back(builder.getIndexAttr(size));
      continue;
    }
    DimSource src = sourceOf(d);
    if (src.dim >= 0)
      result.push_back(tensor::getMixedSize(builder, loc, src.value, src.dim));
    else
      result.push_back(src.value);
  }
  return result;
}

llvm::SmallVector<OpFoldResult> mlir::loom::reifyLike(OpBuilder &builder, Location loc,
                                                      RankedTensorType type, Value like) {
  return reifyDims(builder, loc, type, [&](int64_t d) { return DimSource{like, d}; });
}

llvm::SmallVector<OpFoldResult>
mlir::loom::reifyFromOperands(OpBuilder &builder, Location loc, RankedTensorType type,
                              ValueRange dynamicDims) {
  unsigned next = 0;
  return reifyDims(builder, loc, type, [&](int64_t) { return DimSource{dynamicDims[next++], -1}; });
}

LogicalResult mlir::loom::verifyAccumulationType(Operation *op, Type element, Type acc) {
  if (element.isInteger(1))
    return op->emitOpError("cannot accumulate i1 elements; cast them to a number first");
  bool floatData = isa<FloatType>(element), floatAcc = isa<FloatType>(acc);
  if (floatData != floatAcc)
    return op->emitOpError("accumulation type ")
           << acc << " does not suit " << element << " elements (floats accumulate in a float"
           << " type, integers in an integer type)";
  if (acc.getIntOrFloatBitWidth() < element.getIntOrFloatBitWidth())
    return op->emitOpError("accumulation type ")
           << acc << " is narrower than the " << element << " elements";
  return success();
}
