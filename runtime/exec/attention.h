// ATTENTION_F32 and ATTENTION_GRAD_F32 library calls (bundle.proto, LibraryCall): attention with
// interval masks (DESIGN.md §4) on the CPU, f32 in and out.
//
// Numerics follow the reference interpreter (codegen/reference/AttentionKernels.cpp): dot
// products, softmax sums and gradient sums run in double over the keys a query sees, in key
// index order, and are rounded to f32 once at the end. Keys a query does not see are skipped,
// never multiplied by zero, so NaN in them cannot leak; a query that sees no key gets out 0 and
// lse -inf, and contributes nothing to the gradient.
//
// Determinism (DESIGN.md §4): every task owns disjoint outputs and fixes its own summation
// order, so results are bit-identical for any thread count. The forward pass and dQ run one task
// per (batch, query row); dK and dV run one task per (batch, kv head, block of
// kAttentionKeyBlock keys), which sums over the query heads of the group and the queries in
// increasing order, the order of the reference. The backward pass thus computes P and dS twice,
// once for dQ and once for dK/dV: the price of disjoint outputs without atomics or per-thread
// partial sums, whose merge order would depend on the thread count.
#ifndef LOOM_RUNTIME_EXEC_ATTENTION_H_
#define LOOM_RUNTIME_EXEC_ATTENTION_H_

#include <cstdint>

#include "runtime/exec/thread_pool.h"
#include "runtime/schemas/bundle.pb.h"

namespace loom::rt {

inline constexpr int64_t kAttentionKeyBlock = 64;

// What both routines read, laid out as bundle.proto describes.
struct AttentionInputs {
  const float* q;                  // [B, Sq, Hq, D]
  const float* k;                  // [B, Sk, Hkv, D]
  const float* v;                  // [B, Sk, Hkv, Dv]
  const int64_t* query_positions;  // [B, Sq]
  const int64_t* visible_lo;       // [B, Sk]
  const int64_t* visible_hi;       // [B, Sk]
};

// `shape` was validated (runtime/bundle): dims in [1, 2^31), Hkv divides Hq, outputs apart
// from every input. Overwrites out [B, Sq, Hq, Dv] and lse [B, Sq, Hq].
void RunAttentionF32(const loom::bundle::AttentionShape& shape, const AttentionInputs& in,
                     float* out, float* lse, ThreadPool& pool);

// Overwrites dq, dk, dv (shaped like q, k, v) from the forward pass's out and lse and the
// output's gradient out_grad [B, Sq, Hq, Dv].
void RunAttentionGradF32(const loom::bundle::AttentionShape& shape, const AttentionInputs& in,
                         const float* out, const float* lse, const float* out_grad, float* dq,
                         float* dk, float* dv, ThreadPool& pool);

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_EXEC_ATTENTION_H_
