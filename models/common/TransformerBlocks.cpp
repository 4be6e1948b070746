//===- TransformerBlocks.cpp - norms, attention and FFN -------------------===//

#include "models/common/TransformerBlocks.h"

#include <limits>

using namespace mlir;
using namespace mlir::loom;

namespace loom::models {

static ArrayRef<int64_t> shapeOf(Value v) { return cast<RankedTensorType>(v.getType()).getShape(); }

Value rmsNorm(GraphBuilder &g, Value x, Value weight, double eps) {
  auto op = RmsNormOp::create(g.builder(), g.loc(), x, weight, g.builder().getF64FloatAttr(eps));
  return op.getResult();
}

Value projectQueries(GraphBuilder &g, const AttentionShape &s,
                                   const AttentionWeights &w, Value x, Value positions) {
  Value q = g.reshape(g.linear(x, w.wq), {s.batch, s.length, s.heads, s.headDim});
  return RopeOp::create(g.builder(), g.loc(), q, positions, RopeLayoutAttr::get(g.context(), s.ropeLayout),
                        g.builder().getF64FloatAttr(s.ropeTheta));
}

KeysValues projectKeysValues(GraphBuilder &g, const AttentionShape &s,
                                           const AttentionWeights &w, Value x, Value positions) {
  Value k = g.reshape(g.linear(x, w.wk), {s.batch, s.length, s.kvHeads, s.headDim});
  Value v = g.reshape(g.linear(x, w.wv), {s.batch, s.length, s.kvHeads, s.headDim});
  k = RopeOp::create(g.builder(), g.loc(), k, positions, RopeLayoutAttr::get(g.context(), s.ropeLayout),
                     g.builder().getF64FloatAttr(s.ropeTheta));
  return {k, v};
}

Value attend(GraphBuilder &g, const AttentionShape &s, const AttentionWeights &w,
                           Value queries, Value queryPositions, KeysValues kv, Value keyPositions,
                           Value visibleLo, Value visibleHi) {
  auto attention = AttentionOp::create(g.builder(), g.loc(), queries, kv.keys, kv.values,
                                       queryPositions, keyPositions, visibleLo, visibleHi,
                                       /*scale=*/FloatAttr());
  Value out = g.reshape(attention.getOutput(), {s.batch, s.length, s.heads * s.headDim});
  return g.linear(out, w.wo);
}

std::pair<Value, Value> causalIntervals(GraphBuilder &g, Value positions) {
  Value never = g.splatI64(shapeOf(positions), std::numeric_limits<int64_t>::max());
  return {positions, never};
}

Value swiglu(GraphBuilder &g, Value x, Value wGate, Value wUp, Value wDown) {
  Value gate = g.unary(UnaryKind::silu, g.linear(x, wGate));
  return g.linear(g.mul(gate, g.linear(x, wUp)), wDown);
}

Value writeCacheSlot(GraphBuilder &g, Value cache, Value update, Value position) {
  ArrayRef<int64_t> c = shapeOf(cache); // [B, T, H, D]
  int64_t batch = c[0], slots = c[1];
  // mask[b, t] = (t == position[b])
  Value slot = g.iota({batch, slots}, 1);
  Value target = g.broadcast(g.reshape(position, {batch}), {0}, {batch, slots});
  Value mask = g.compare(ComparePredicate::eq, slot, target);
  Value mask4 = g.broadcast(mask, {0, 1}, c);
  Value row = g.reshape(update, {batch, c[2], c[3]});
  Value spread = g.broadcast(row, {0, 2, 3}, c);
  return g.select(mask4, spread, cache);
}

} // namespace loom::models
