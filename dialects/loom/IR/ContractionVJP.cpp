//===- ContractionVJP.cpp - VJPs of matmul and linear ---------------------===//

#include "dialects/loom/IR/VJPBuilder.h"

using namespace mlir;
using namespace mlir::loom;

static Value matmul(OpBuilder &b, Location loc, Value x, Value y, bool tx, bool ty, Type acc) {
  return MatmulOp::create(b, loc, x, y, acc, tx, ty);
}

LogicalResult MatmulOp::buildVJP(OpBuilder &b, ValueRange cts, ArrayRef<bool> needed,
                                 SmallVectorImpl<Value> &grads) {
  grads.assign((*this)->getNumOperands(), Value());
  Value dc = cotangent(cts, 0);
  if (!dc || !isa<FloatType>(getLhs().getType().getElementType()))
    return success();
  Location loc = getLoc();
  Value a = getLhs(), w = getRhs();
  Type acc = getAcc();
  // C = op(A)·op(B) with op = transpose when flagged; each gradient is one
  // matmul of dC with the other operand, in the layout the operand is stored.
  bool ta = getTransposeLhs(), tb = getTransposeRhs();
  if (needed[0])
    grads[0] = ta ? matmul(b, loc, w, dc, tb, true, acc)    // dA_stored = op(B)·dCᵀ
                  : matmul(b, loc, dc, w, false, !tb, acc); // dA = dC·op(B)ᵀ
  if (needed[1])
    grads[1] = tb ? matmul(b, loc, dc, a, true, ta, acc)    // dB_stored = dCᵀ·op(A)
                  : matmul(b, loc, a, dc, !ta, false, acc); // dB = op(A)ᵀ·dC
  return success();
}

LogicalResult LinearOp::buildVJP(OpBuilder &b, ValueRange cts, ArrayRef<bool> needed,
                                 SmallVectorImpl<Value> &grads) {
  grads.assign((*this)->getNumOperands(), Value());
  Value dy = cotangent(cts, 0);
  if (!dy || !isa<FloatType>(getInput().getType().getElementType()))
    return success();
  VJPBuilder v(b, *this);
  Location loc = getLoc();
  auto xType = getInput().getType();
  int64_t in = xType.getShape().back(), out = getType().getShape().back();
  if (!xType.hasStaticShape())
    return v.unsupported("a VJP over bounded dynamic dims");
  int64_t rows = xType.getNumElements() / std::max<int64_t>(in, 1);
  // Rows of x and dy as matrices [rows, in] and [rows, out].
  Value dy2 = v.reshape(dy, {rows, out});
  if (needed[0]) // dx = dy·W
    grads[0] = v.reshape(matmul(b, loc, dy2, getWeight(), false, false, getAcc()), xType.getShape());
  if (needed[1]) // dW = dyᵀ·x
    grads[1] = matmul(b, loc, dy2, v.reshape(getInput(), {rows, in}), true, false, getAcc());
  if (getBias() && needed[2]) // db = Σ_rows dy
    grads[2] = v.sum(dy2, {0});
  return success();
}
