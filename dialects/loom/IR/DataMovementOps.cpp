//===- DataMovementOps.cpp - gather, scatter, reshape, transpose, ... ----===//

#include "dialects/loom/IR/DataMovementOps.h"

#include "dialects/loom/IR/ShapeUtils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/Support/CheckedArithmetic.h"

using namespace mlir;
using namespace mlir::loom;

#define GET_OP_CLASSES
#include "dialects/loom/IR/DataMovementOps.cpp.inc"

void LoomDialect::registerDataMovementOps() {
  addOperations<
#define GET_OP_LIST
#include "dialects/loom/IR/DataMovementOps.cpp.inc"
      >();
}

/// numpy.take's shape: source[:axis] + indices + source[axis+1:].
static Dims takeShape(const Dims &source, const Dims &indices, int64_t axis) {
  Dims result(source.begin(), source.begin() + axis);
  result.append(indices.begin(), indices.end());
  result.append(source.begin() + axis + 1, source.end());
  return result;
}

/// Reifies a take-shaped result from its source and indices.
static SmallVector<OpFoldResult> reifyTake(OpBuilder &b, Location loc, RankedTensorType type,
                                           Value source, Value indices, int64_t axis) {
  int64_t idxRank = cast<RankedTensorType>(indices.getType()).getRank();
  return reifyDims(b, loc, type, [&](int64_t d) {
    if (d < axis)
      return DimSource{source, d};
    if (d < axis + idxRank)
      return DimSource{indices, d - axis};
    return DimSource{source, d - idxRank + 1};
  });
}

//===----------------------------------------------------------------------===//
// gather, scatter_add
//===----------------------------------------------------------------------===//

LogicalResult GatherOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto source = dyn_cast<RankedTensorType>(adaptor.getSource().getType());
  auto indices = dyn_cast<RankedTensorType>(adaptor.getIndices().getType());
  if (!source || !indices)
    return failure();
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= source.getRank())
    return inferFail(loc, getOperationName(), "axis ", axis, " is out of range for a source of rank ",
                     source.getRank());
  types.push_back(makeTensorType(takeShape(dimsOf(source), dimsOf(indices), axis),
                                 source.getElementType()));
  return success();
}


LogicalResult GatherOp::reifyResultShapes(OpBuilder &b, ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyTake(b, getLoc(), getType(), getSource(), getIndices(),
                             static_cast<int64_t>(getAxis())));
  return success();
}

LogicalResult ScatterAddOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                             Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto dest = dyn_cast<RankedTensorType>(adaptor.getDest().getType());
  auto updates = dyn_cast<RankedTensorType>(adaptor.getUpdates().getType());
  auto indices = dyn_cast<RankedTensorType>(adaptor.getIndices().getType());
  if (!dest || !updates || !indices)
    return failure();
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= dest.getRank())
    return inferFail(loc, getOperationName(), "axis ", axis, " is out of range for a dest of rank ",
                     dest.getRank());
  if (updates.getElementType() != dest.getElementType())
    return inferFail(loc, getOperationName(), "updates element type ", updates.getElementType(),
                     " differs from the dest's ", dest.getElementType());
  Dims expected = takeShape(dimsOf(dest), dimsOf(indices), axis);
  if (dimsOf(updates) != expected)
    return inferFail(loc, getOperationName(), "updates shape ", describe(dimsOf(updates)),
                     " differs from the gathered shape ", describe(expected));
  types.push_back(dest);
  return success();
}

LogicalResult ScatterAddOp::verify() {
  if (getDest().getType().getElementType().isInteger(1))
    return emitOpError("cannot add i1 elements");
  return success();
}

LogicalResult ScatterAddOp::reifyResultShapes(OpBuilder &b,
                                              ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyLike(b, getLoc(), getType(), getDest()));
  return success();
}

//===----------------------------------------------------------------------===//
// reshape
//===----------------------------------------------------------------------===//

/// The element count of the bounded shape; nullopt when it overflows int64.
static std::optional<int64_t> boundedCount(const Dims &dims) {
  std::optional<int64_t> n = 1;
  for (const Dim &d : dims)
    if (!(n = llvm::checkedMul(*n, d.bound)))
      return std::nullopt;
  return n;
}

LogicalResult ReshapeOp::verify() {
  auto in = getInput().getType(), out = getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError("changes the element type from ")
           << in.getElementType() << " to " << out.getElementType();
  size_t dynamicOut = out.getNumDynamicDims();
  if (getDynamicDims().size() != dynamicOut)
    return emitOpError("needs ") << dynamicOut << " dynamic dim sizes, got "
                                 << getDynamicDims().size();
  Dims i = dimsOf(in), o = dimsOf(out);
  std::optional<int64_t> inCount = boundedCount(i), outCount = boundedCount(o);
  if (!inCount || !outCount)
    return emitOpError("element count overflows int64: ")
           << describe(i) << " -> " << describe(o);
  if (in.hasStaticShape() && out.hasStaticShape() && *inCount != *outCount)
    return emitOpError("changes the element count from ") << *inCount << " to " << *outCount;
  if (!(in.hasStaticShape() && out.hasStaticShape()) && *inCount != *outCount)
    return emitOpError("bounded element counts differ: ")
           << describe(i) << " holds up to " << *inCount << ", " << describe(o) << " up to "
           << *outCount;
  return success();
}

LogicalResult ReshapeOp::reifyResultShapes(OpBuilder &b, ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyFromOperands(b, getLoc(), getType(), getDynamicDims()));
  return success();
}

//===----------------------------------------------------------------------===//
// transpose
//===----------------------------------------------------------------------===//

static bool isPermutation(ArrayRef<int64_t> perm) {
  SmallVector<bool> seen(perm.size(), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(perm.size()) || seen[p])
      return false;
    seen[p] = true;
  }
  return true;
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
  if (!input)
    return failure();
  ArrayRef<int64_t> perm = adaptor.getPerm();
  if (static_cast<int64_t>(perm.size()) != input.getRank() || !isPermutation(perm))
    return inferFail(loc, getOperationName(), "perm must be a permutation of [0, ",
                     input.getRank(), ")");
  Dims in = dimsOf(input), out;
  for (int64_t p : perm)
    out.push_back(in[p]);
  types.push_back(makeTensorType(out, input.getElementType()));
  return success();
}


LogicalResult TransposeOp::reifyResultShapes(OpBuilder &b, ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyDims(b, getLoc(), getType(),
                             [&](int64_t d) { return DimSource{getInput(), getPerm()[d]}; }));
  return success();
}

//===----------------------------------------------------------------------===//
// slice
//===----------------------------------------------------------------------===//

LogicalResult SliceOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
  if (!input)
    return failure();
  ArrayRef<int64_t> offsets = adaptor.getOffsets(), sizes = adaptor.getSizes(),
                    strides = adaptor.getStrides();
  int64_t rank = input.getRank();
  if (static_cast<int64_t>(offsets.size()) != rank || static_cast<int64_t>(sizes.size()) != rank ||
      static_cast<int64_t>(strides.size()) != rank)
    return inferFail(loc, getOperationName(), "needs ", rank,
                     " offsets, sizes and strides for an input of rank ", rank);
  Dims in = dimsOf(input), out;
  for (int64_t d = 0; d < rank; ++d) {
    if (sizes[d] == -1) {
      if (offsets[d] != 0 || strides[d] != 1)
        return inferFail(loc, getOperationName(), "dim ", d,
                         " keeps the whole dim (size -1), so it needs offset 0 and stride 1");
      out.push_back(in[d]);
      continue;
    }
    if (in[d].isDynamic())
      return inferFail(loc, getOperationName(), "dim ", d,
                       " is dynamic: it can only be kept whole (size -1)");
    if (offsets[d] < 0 || sizes[d] < 0 || strides[d] < 1)
      return inferFail(loc, getOperationName(), "dim ", d,
                       " needs offset >= 0, size >= 0 and stride >= 1");
    // The last element read, offset + (size - 1) * stride, computed without
    // overflow (an overflowing index reads past any extent).
    std::optional<int64_t> last;
    if (sizes[d] > 0)
      if (std::optional<int64_t> step = llvm::checkedMul(sizes[d] - 1, strides[d]))
        last = llvm::checkedAdd(offsets[d], *step);
    if (sizes[d] > 0 && (!last || *last >= in[d].size))
      return inferFail(loc, getOperationName(), "dim ", d, " reads past its extent ",
                       in[d].size);
    out.push_back(Dim::fixed(sizes[d]));
  }
  types.push_back(makeTensorType(out, input.getElementType()));
  return success();
}


LogicalResult SliceOp::reifyResultShapes(OpBuilder &b, ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyLike(b, getLoc(), getType(), getInput()));
  return success();
}

//===----------------------------------------------------------------------===//
// concat
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  if (adaptor.getInputs().empty())
    return inferFail(loc, getOperationName(), "needs at least one input");
  auto first = dyn_cast<RankedTensorType>(adaptor.getInputs().front().getType());
  if (!first)
    return failure();
  int64_t dim = adaptor.getDim();
  if (dim < 0 || dim >= first.getRank())
    return inferFail(loc, getOperationName(), "dim ", dim, " is out of range for rank ",
                     first.getRank());
  Dims result = dimsOf(first);
  for (auto [i, v] : llvm::enumerate(adaptor.getInputs().drop_front())) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (!t)
      return failure();
    if (t.getElementType() != first.getElementType() || t.getRank() != first.getRank())
      return inferFail(loc, getOperationName(), "input #", i + 1, " (", t,
                       ") differs in element type or rank from input #0 (", first, ")");
    Dims dims = dimsOf(t);
    for (int64_t d = 0; d < t.getRank(); ++d) {
      if (d == dim)
        continue;
      if (dims[d] != result[d])
        return inferFail(loc, getOperationName(), "input #", i + 1, " dim ", d, " (",
                         describe(dims[d]), ") differs from input #0's (", describe(result[d]),
                         ")");
    }
    Dim &c = result[dim];
    bool dynamic = c.isDynamic() || dims[dim].isDynamic();
    // An unbounded input (invalid, reported by BoundedShapes) keeps the result
    // unbounded.
    if (ShapedType::isDynamic(c.bound) || ShapedType::isDynamic(dims[dim].bound)) {
      c = {ShapedType::kDynamic, ShapedType::kDynamic};
      continue;
    }
    std::optional<int64_t> sum = llvm::checkedAdd(c.bound, dims[dim].bound);
    if (!sum)
      return inferFail(loc, getOperationName(), "the extent of dim ", dim,
                       " overflows int64 at input #", i + 1);
    c.bound = *sum;
    c.size = dynamic ? ShapedType::kDynamic : c.bound;
  }
  types.push_back(makeTensorType(result, first.getElementType()));
  return success();
}


LogicalResult ConcatOp::reifyResultShapes(OpBuilder &b, ReifiedRankedShapedTypeDims &shapes) {
  Location loc = getLoc();
  int64_t dim = static_cast<int64_t>(getDim());
  shapes.push_back(reifyLike(b, loc, getType(), getInputs().front()));
  if (!getType().isDynamicDim(dim))
    return success();
  // The concatenated extent is the sum of the inputs' extents.
  Value total;
  for (Value v : getInputs()) {
    Value size = getValueOrCreateConstantIndexOp(b, loc, tensor::getMixedSize(b, loc, v, dim));
    total = total ? arith::AddIOp::create(b, loc, total, size).getResult() : size;
  }
  shapes.back()[dim] = total;
  return success();
}

//===----------------------------------------------------------------------===//
// iota, constant
//===----------------------------------------------------------------------===//

LogicalResult IotaOp::verify() {
  auto type = getType();
  int64_t dim = static_cast<int64_t>(getDim());
  if (dim < 0 || dim >= type.getRank())
    return emitOpError("dim ") << dim << " is out of range for rank " << type.getRank();
  if (type.getElementType().isInteger(1))
    return emitOpError("cannot count in i1");
  if (getDynamicDims().size() != type.getNumDynamicDims())
    return emitOpError("needs ") << type.getNumDynamicDims() << " dynamic dim sizes, got "
                                 << getDynamicDims().size();
  return success();
}

LogicalResult IotaOp::reifyResultShapes(OpBuilder &b, ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyFromOperands(b, getLoc(), getType(), getDynamicDims()));
  return success();
}

// The check sits in inference, which runs before the result-type constraint:
// a verify() here could never be reached with a non-tensor value.
LogicalResult ConstantOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                           Adaptor adaptor, SmallVectorImpl<Type> &types) {
  Type type = adaptor.getValue().getType();
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape())
    return inferFail(loc, getOperationName(), "needs a value of static tensor type, got ", type);
  types.push_back(type);
  return success();
}

LogicalResult ConstantOp::reifyResultShapes(OpBuilder &b, ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyDims(b, getLoc(), getType(), [](int64_t) { return DimSource{}; }));
  return success();
}
