//===- NormVJP.cpp - VJPs of rms_norm, layer_norm, rope, attention --------===//
//
// These ops keep residuals (rstd, mean, log-sum-exp) as results, and their
// VJPs read them through dedicated gradient ops (rms_norm_grad,
// layer_norm_grad, attention_grad), which become single kernels later.
//
//===----------------------------------------------------------------------===//

#include "dialects/loom/IR/VJPBuilder.h"

using namespace mlir;
using namespace mlir::loom;

/// The leading (row) dims of a rank-r tensor normalized over its last dim.
static SmallVector<int64_t> rowDims(RankedTensorType type) {
  SmallVector<int64_t> dims;
  for (int64_t d = 0; d + 1 < type.getRank(); ++d)
    dims.push_back(d);
  return dims;
}

/// Spreads per-row statistics [...] over the rows of `x` [..., D], in x's type.
static Value perRow(VJPBuilder &v, Value statistic, Value x) {
  auto rows = cast<RankedTensorType>(x.getType());
  return v.cast(v.unreduce(statistic, {rows.getRank() - 1}, x), rows.getElementType());
}

/// Spreads a weight [D] over the rows of `x` [..., D].
static Value perColumn(VJPBuilder &v, Value weight, Value x) {
  return v.broadcast(weight, {cast<RankedTensorType>(x.getType()).getRank() - 1}, x);
}

LogicalResult RmsNormOp::buildVJP(OpBuilder &b, ValueRange cts, ArrayRef<bool> needed,
                                  SmallVectorImpl<Value> &grads) {
  grads.assign((*this)->getNumOperands(), Value());
  VJPBuilder v(b, *this);
  if (cotangent(cts, 1))
    return v.unsupported("a cotangent of rstd (a residual)");
  Value dy = cotangent(cts, 0);
  if (!dy)
    return success();
  auto rows = getResult().getType();
  Value x = getInput();
  Value g = dy;
  if (Value w = getWeight()) {
    if (needed[1]) { // dw = Σ_rows dy ∘ x̂, x̂ = x · rstd
      Value normalized = v.mul(x, perRow(v, getRstd(), x));
      grads[1] = v.cast(v.sum(v.mul(dy, normalized), rowDims(rows)),
                        cast<RankedTensorType>(w.getType()).getElementType());
    }
    g = v.mul(dy, perColumn(v, v.cast(w, rows.getElementType()), x));
  }
  if (needed[0])
    grads[0] = RmsNormGradOp::create(b, getLoc(), x, getRstd(), g);
  return success();
}

LogicalResult LayerNormOp::buildVJP(OpBuilder &b, ValueRange cts, ArrayRef<bool> needed,
                                    SmallVectorImpl<Value> &grads) {
  unsigned weightIndex = 1, biasIndex = getWeight() ? 2 : 1;
  grads.assign((*this)->getNumOperands(), Value());
  VJPBuilder v(b, *this);
  if (cotangent(cts, 1) || cotangent(cts, 2))
    return v.unsupported("a cotangent of mean or rstd (residuals)");
  Value dy = cotangent(cts, 0);
  if (!dy)
    return success();
  auto rows = getResult().getType();
  Value x = getInput();
  if (Value bias = getBias(); bias && needed[biasIndex]) // db = Σ_rows dy
    grads[biasIndex] = v.cast(v.sum(dy, rowDims(rows)),
                              cast<RankedTensorType>(bias.getType()).getElementType());
  Value g = dy;
  if (Value w = getWeight()) {
    if (needed[weightIndex]) { // dw = Σ_rows dy ∘ x̂, x̂ = (x − mean) · rstd
      Value normalized = v.mul(v.sub(x, perRow(v, getMean(), x)), perRow(v, getRstd(), x));
      grads[weightIndex] = v.cast(v.sum(v.mul(dy, normalized), rowDims(rows)),
                                  cast<RankedTensorType>(w.getType()).getElementType());
    }
    g = v.mul(dy, perColumn(v, v.cast(w, rows.getElementType()), x));
  }
  if (needed[0])
    grads[0] = LayerNormGradOp::create(b, getLoc(), x, getMean(), getRstd(), g);
  return success();
}

LogicalResult RopeOp::buildVJP(OpBuilder &b, ValueRange cts, ArrayRef<bool> needed,
                               SmallVectorImpl<Value> &grads) {
  Value dy = firstOperandCotangent(*this, cts, needed, grads);
  if (!dy)
    return success();
  // A rotation's transpose is the rotation by the opposite angle, and the
  // angle is linear in the position: rope at −positions.
  Value back = UnaryOp::create(b, getLoc(), UnaryKind::neg, getPositions());
  grads[0] = RopeOp::create(b, getLoc(), dy, back, getLayoutAttr(), getThetaAttr());
  return success();
}

LogicalResult AttentionOp::buildVJP(OpBuilder &b, ValueRange cts, ArrayRef<bool> needed,
                                    SmallVectorImpl<Value> &grads) {
  grads.assign((*this)->getNumOperands(), Value());
  VJPBuilder v(b, *this);
  if (cotangent(cts, 1))
    return v.unsupported("a cotangent of the log-sum-exp (a residual)");
  Value dout = cotangent(cts, 0);
  if (!dout || !(needed[0] || needed[1] || needed[2]))
    return success();
  auto grad = AttentionGradOp::create(b, getLoc(), getQuery(), getKey(), getValue(), getOutput(),
                                      getLogsumexp(), dout, getQueryPositions(),
                                      getKeyPositions(), getVisibleLo(), getVisibleHi(),
                                      getScaleAttr());
  grads[0] = needed[0] ? grad.getQueryGrad() : Value();
  grads[1] = needed[1] ? grad.getKeyGrad() : Value();
  grads[2] = needed[2] ? grad.getValueGrad() : Value();
  return success();
}
