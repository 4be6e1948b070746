//===- AttentionOps.cpp - grouped-query attention with interval masks ----===//

#include "dialects/loom/IR/AttentionOps.h"

#include "dialects/loom/IR/ShapeUtils.h"

using namespace mlir;
using namespace mlir::loom;

#define GET_OP_CLASSES
#include "dialects/loom/IR/AttentionOps.cpp.inc"

void LoomDialect::registerAttentionOps() {
  addOperations<
#define GET_OP_LIST
#include "dialects/loom/IR/AttentionOps.cpp.inc"
      >();
}

/// Checks attention's operand shapes; returns the output and log-sum-exp types.
static LogicalResult inferAttention(std::optional<Location> loc, StringRef op, Value query,
                                    Value key, Value value, Value queryPositions,
                                    Value keyPositions, SmallVectorImpl<Type> &types) {
  auto q = dyn_cast<RankedTensorType>(query.getType());
  auto k = dyn_cast<RankedTensorType>(key.getType());
  auto v = dyn_cast<RankedTensorType>(value.getType());
  auto qp = dyn_cast<RankedTensorType>(queryPositions.getType());
  auto kp = dyn_cast<RankedTensorType>(keyPositions.getType());
  if (!q || !k || !v || !qp || !kp)
    return failure();
  if (q.getRank() != 4 || k.getRank() != 4 || v.getRank() != 4)
    return inferFail(loc, op, "query, key and value must be [B, S, H, D]");
  if (q.getElementType() != k.getElementType() || q.getElementType() != v.getElementType())
    return inferFail(loc, op, "query, key and value element types differ");
  Dims qd = dimsOf(q), kd = dimsOf(k), vd = dimsOf(v);
  if (qd[0] != kd[0] || qd[0] != vd[0])
    return inferFail(loc, op, "batch dims differ: query ", describe(qd[0]), ", key ",
                     describe(kd[0]), ", value ", describe(vd[0]));
  if (kd[1] != vd[1] || kd[2] != vd[2])
    return inferFail(loc, op, "key ", describe(kd), " and value ", describe(vd),
                     " differ in length or heads");
  if (qd[3] != kd[3])
    return inferFail(loc, op, "query head dim ", describe(qd[3]), " differs from key head dim ",
                     describe(kd[3]));
  if (qd[2].isDynamic() || kd[2].isDynamic() || qd[3].isDynamic() || vd[3].isDynamic())
    return inferFail(loc, op, "head counts and head dims must be static");
  if (kd[2].size == 0 || qd[2].size % kd[2].size != 0)
    return inferFail(loc, op, "query heads (", qd[2].size, ") must be a multiple of kv heads (",
                     kd[2].size, ")");
  if (dimsOf(qp) != Dims{qd[0], qd[1]})
    return inferFail(loc, op, "query positions must be [B, Sq] = ",
                     describe(Dims{qd[0], qd[1]}), ", got ", describe(dimsOf(qp)));
  if (dimsOf(kp) != Dims{kd[0], kd[1]})
    return inferFail(loc, op, "key positions and visibility bounds must be [B, Sk] = ",
                     describe(Dims{kd[0], kd[1]}), ", got ", describe(dimsOf(kp)));
  if (qp.getElementType() != kp.getElementType())
    return inferFail(loc, op, "query and key positions differ in element type");
  Dims out{qd[0], qd[1], qd[2], vd[3]};
  types.push_back(makeTensorType(out, q.getElementType()));
  out.pop_back();
  types.push_back(makeTensorType(out, statisticsType(q.getElementType())));
  return success();
}

LogicalResult AttentionOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &types) {
  return inferAttention(loc, getOperationName(), adaptor.getQuery(), adaptor.getKey(),
                        adaptor.getValue(), adaptor.getQueryPositions(),
                        adaptor.getKeyPositions(), types);
}

static LogicalResult verifyScale(Operation *op, std::optional<APFloat> scale) {
  if (scale && !(scale->convertToDouble() > 0.0))
    return op->emitOpError("scale must be > 0, got ") << scale->convertToDouble();
  return success();
}

LogicalResult AttentionOp::verify() { return verifyScale(*this, getScale()); }

LogicalResult AttentionOp::reifyResultShapes(OpBuilder &b, ReifiedRankedShapedTypeDims &shapes) {
  for (Value r : getResults())
    shapes.push_back(reifyLike(b, getLoc(), cast<RankedTensorType>(r.getType()), getQuery()));
  return success();
}

//===----------------------------------------------------------------------===//
// attention_grad
//===----------------------------------------------------------------------===//

LogicalResult AttentionGradOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                Adaptor adaptor, SmallVectorImpl<Type> &types) {
  SmallVector<Type> forward;
  StringRef op = getOperationName();
  if (failed(inferAttention(loc, op, adaptor.getQuery(), adaptor.getKey(), adaptor.getValue(),
                            adaptor.getQueryPositions(), adaptor.getKeyPositions(), forward)))
    return failure();
  if (adaptor.getOutput().getType() != forward[0] || adaptor.getLogsumexp().getType() != forward[1])
    return inferFail(loc, op, "output and log-sum-exp must be ", forward[0], " and ", forward[1],
                     " (the forward results), got ", adaptor.getOutput().getType(), " and ",
                     adaptor.getLogsumexp().getType());
  types.push_back(adaptor.getQuery().getType());
  types.push_back(adaptor.getKey().getType());
  types.push_back(adaptor.getValue().getType());
  return success();
}

LogicalResult AttentionGradOp::verify() { return verifyScale(*this, getScale()); }

LogicalResult AttentionGradOp::reifyResultShapes(OpBuilder &b,
                                                 ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyLike(b, getLoc(), getQueryGrad().getType(), getQuery()));
  shapes.push_back(reifyLike(b, getLoc(), getKeyGrad().getType(), getKey()));
  shapes.push_back(reifyLike(b, getLoc(), getValueGrad().getType(), getValue()));
  return success();
}
