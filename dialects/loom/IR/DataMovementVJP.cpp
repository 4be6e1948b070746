//===- DataMovementVJP.cpp - VJPs of gather, scatter, reshape, ... --------===//

#include "dialects/loom/IR/VJPBuilder.h"

using namespace mlir;
using namespace mlir::loom;

LogicalResult GatherOp::buildVJP(OpBuilder &b, ValueRange cts, ArrayRef<bool> needed,
                                 SmallVectorImpl<Value> &grads) {
  Value dy = firstOperandCotangent(*this, cts, needed, grads);
  if (!dy)
    return success();
  VJPBuilder v(b, *this);
  // Every gathered slice adds its cotangent back at its index (a fixed-order
  // scatter-add, so repeated indices sum deterministically).
  Value zeros = v.zerosLike(getSource());
  if (!zeros)
    return failure();
  grads[0] = ScatterAddOp::create(b, getLoc(), dy, zeros, getIndices(), getAxis());
  return success();
}

LogicalResult ScatterAddOp::buildVJP(OpBuilder &b, ValueRange cts, ArrayRef<bool> needed,
                                     SmallVectorImpl<Value> &grads) {
  grads.assign((*this)->getNumOperands(), Value());
  Value dr = cotangent(cts, 0);
  if (!dr || !isFloatTensor(getDest()))
    return success();
  if (needed[0])
    grads[0] = GatherOp::create(b, getLoc(), dr, getIndices(), getAxis());
  if (needed[1])
    grads[1] = dr;
  return success();
}

LogicalResult ReshapeOp::buildVJP(OpBuilder &b, ValueRange cts, ArrayRef<bool> needed,
                                  SmallVectorImpl<Value> &grads) {
  Value dy = firstOperandCotangent(*this, cts, needed, grads);
  if (!dy)
    return success();
  VJPBuilder v(b, *this);
  if (!getInput().getType().hasStaticShape())
    return v.unsupported("a VJP over bounded dynamic dims");
  grads[0] = v.reshape(dy, getInput().getType().getShape());
  return success();
}

LogicalResult TransposeOp::buildVJP(OpBuilder &b, ValueRange cts, ArrayRef<bool> needed,
                                    SmallVectorImpl<Value> &grads) {
  Value dy = firstOperandCotangent(*this, cts, needed, grads);
  if (!dy)
    return success();
  SmallVector<int64_t> inverse(getPerm().size());
  for (auto [i, p] : llvm::enumerate(getPerm()))
    inverse[p] = i;
  grads[0] = TransposeOp::create(b, getLoc(), dy, inverse);
  return success();
}

/// A zero tensor shaped like `like` but with extent `extent` along `dim`.
static Value zeroBlock(OpBuilder &b, Location loc, Value like, int64_t dim, int64_t extent) {
  auto type = cast<RankedTensorType>(like.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[dim] = extent;
  auto block = RankedTensorType::get(shape, type.getElementType());
  return ConstantOp::create(b, loc, DenseElementsAttr::get(block, FloatAttr::get(type.getElementType(), 0.0)));
}

LogicalResult SliceOp::buildVJP(OpBuilder &b, ValueRange cts, ArrayRef<bool> needed,
                                SmallVectorImpl<Value> &grads) {
  Value dy = firstOperandCotangent(*this, cts, needed, grads);
  if (!dy)
    return success();
  VJPBuilder v(b, *this);
  Location loc = getLoc();
  auto in = getInput().getType();
  if (!in.hasStaticShape())
    return v.unsupported("a VJP over bounded dynamic dims");
  // Put the cotangent back where the slice read it, one dim at a time: spread
  // strided elements apart with zeros, then pad with zeros before and after.
  Value grad = dy;
  for (int64_t d = 0; d < in.getRank(); ++d) {
    int64_t size = getSizes()[d], offset = getOffsets()[d], stride = getStrides()[d];
    if (size == -1 || size == 0)
      continue;
    SmallVector<int64_t> shape(cast<RankedTensorType>(grad.getType()).getShape());
    int64_t spread = size;
    if (stride > 1 && size > 1) {
      // [.., size, ..] -> [.., size, 1, ..] ++ zeros [.., size, stride-1, ..] -> [.., size*stride, ..]
      SmallVector<int64_t> split(shape);
      split.insert(split.begin() + d + 1, 1);
      Value column = v.reshape(grad, split);
      Value spaced = ConcatOp::create(b, loc, ValueRange{column, zeroBlock(b, loc, column, d + 1, stride - 1)},
                                      d + 1);
      spread = size * stride;
      shape[d] = spread;
      grad = v.reshape(spaced, shape);
    }
    int64_t room = in.getDimSize(d) - offset; // what fits after the offset
    if (spread > room) {
      SmallVector<int64_t> offsets(in.getRank(), 0), sizes(in.getRank(), -1), strides(in.getRank(), 1);
      sizes[d] = room;
      grad = SliceOp::create(b, loc, grad, offsets, sizes, strides);
      spread = room;
    }
    SmallVector<Value> parts;
    if (offset > 0)
      parts.push_back(zeroBlock(b, loc, grad, d, offset));
    parts.push_back(grad);
    if (room > spread)
      parts.push_back(zeroBlock(b, loc, grad, d, room - spread));
    if (parts.size() > 1)
      grad = ConcatOp::create(b, loc, parts, d);
  }
  grads[0] = grad;
  return success();
}

LogicalResult ConcatOp::buildVJP(OpBuilder &b, ValueRange cts, ArrayRef<bool> needed,
                                 SmallVectorImpl<Value> &grads) {
  grads.assign((*this)->getNumOperands(), Value());
  Value dy = cotangent(cts, 0);
  if (!dy || !isFloatTensor(getResult()))
    return success();
  VJPBuilder v(b, *this);
  if (!getType().hasStaticShape())
    return v.unsupported("a VJP over bounded dynamic dims");
  int64_t dim = static_cast<int64_t>(getDim()), rank = getType().getRank(), offset = 0;
  for (auto [i, input] : llvm::enumerate(getInputs())) {
    int64_t extent = cast<RankedTensorType>(input.getType()).getDimSize(dim);
    if (needed[i]) {
      SmallVector<int64_t> offsets(rank, 0), sizes(rank, -1), strides(rank, 1);
      offsets[dim] = offset;
      sizes[dim] = extent;
      grads[i] = SliceOp::create(b, getLoc(), dy, offsets, sizes, strides);
    }
    offset += extent;
  }
  return success();
}
