//===- TransformerBlocks.h - norms, attention and FFN shared by families --===//
//
// The building blocks every family reuses: RMSNorm, grouped-query attention
// with RoPE and interval masks, and the SwiGLU feed-forward. They build IR
// at the GraphBuilder's insertion point and location.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_MODELS_COMMON_TRANSFORMERBLOCKS_H
#define LOOM_MODELS_COMMON_TRANSFORMERBLOCKS_H

#include "models/common/GraphBuilder.h"

namespace loom::models {

/// y = x / rms(x) · weight over the last dim.
mlir::Value rmsNorm(GraphBuilder &g, mlir::Value x, mlir::Value weight, double eps);

struct AttentionShape {
  int64_t batch, length, heads, kvHeads, headDim;
  double ropeTheta;
  mlir::loom::RopeLayout ropeLayout;
};

struct AttentionWeights {
  mlir::Value wq, wk, wv, wo; // Hugging Face layout: [out, in]
};

/// The new keys and values of a step, as [B, S, Hkv, Dh], keys rotated.
struct KeysValues {
  mlir::Value keys, values;
};

/// Projects `x` [B, S, D] to rotated queries [B, S, H, Dh] and rotated keys and
/// values [B, S, Hkv, Dh] at `positions` [B, S].
mlir::Value projectQueries(GraphBuilder &g, const AttentionShape &s, const AttentionWeights &w,
                           mlir::Value x, mlir::Value positions);
KeysValues projectKeysValues(GraphBuilder &g, const AttentionShape &s, const AttentionWeights &w,
                             mlir::Value x, mlir::Value positions);

/// softmax(q·kᵀ/√Dh over visible keys)·v, then the output projection: q
/// [B, S, H, Dh] against keys/values [B, Sk, Hkv, Dh], key j visible to
/// queries at positions [lo_j, hi_j). Returns [B, S, D].
mlir::Value attend(GraphBuilder &g, const AttentionShape &s, const AttentionWeights &w,
                   mlir::Value queries, mlir::Value queryPositions, KeysValues kv,
                   mlir::Value keyPositions, mlir::Value visibleLo, mlir::Value visibleHi);

/// Causal visibility of keys at `positions` [B, S]: [p_j, +inf).
std::pair<mlir::Value, mlir::Value> causalIntervals(GraphBuilder &g, mlir::Value positions);

/// W_down·(silu(W_gate·x) ⊙ W_up·x).
mlir::Value swiglu(GraphBuilder &g, mlir::Value x, mlir::Value wGate, mlir::Value wUp,
                   mlir::Value wDown);

/// Writes `update` [B, 1, H, D] into `cache` [B, T, H, D] at slot `position`
/// [B, 1] of each row, as a select over the cache (no in-place op exists at
/// this level; bufferization makes it in place later).
mlir::Value writeCacheSlot(GraphBuilder &g, mlir::Value cache, mlir::Value update,
                           mlir::Value position);

} // namespace loom::models

#endif // LOOM_MODELS_COMMON_TRANSFORMERBLOCKS_H
