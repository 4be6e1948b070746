// ATTENTION_F32 and ATTENTION_GRAD_F32 library calls (bundle.proto, LibraryCall): attention with
// interval masks (DESIGN.md §4) on the CPU, f32 in and out.
//
// Numerics: f32 throughout (the reference interpreter, codegen/reference/AttentionKernels.cpp,
// sums in double; this agrees with it to ~1e-6 relative at the tiny model's sizes). Scores are
// q.k summed over c = 0..D-1, the softmax is two-pass (max, then exp and sum) over the keys a
// query sees in index order, exp is a vectorized polynomial within 2 ulp of expf. Keys a query
// does not see are skipped, never multiplied by zero (a vector may compute their scores in
// lanes past a run of seen keys; those lanes are never read), so NaN in them cannot leak; a
// query that sees no key gets out 0 and lse -inf, and contributes nothing to the gradient.
//
// Kernels: the vector loops are compiled twice, for the build's baseline (4 floats: SSE2, NEON)
// and for AVX2 with FMA (8 floats); the routines use the AVX2 set where the CPU has it. The
// choice is fixed per process, so results are bit-identical run to run on one machine; across
// machines they may differ in the last bits (as OpenBLAS's do).
//
// Layout: each task gathers the visible keys of a query as runs of consecutive keys (64 keys
// to a bit word), transposes the keys (and, for the gradient, the values) of a kv head into
// [D, Sk] scratch so that the scores of 16 consecutive keys are one register-blocked loop, and
// handles several query heads of a group at once (2, or 4 with AVX2: they share the kv head
// and the visible keys). Scratch is per thread and reused across calls.
//
// Determinism (DESIGN.md §4): every task owns disjoint outputs and fixes its own summation
// order, so results are bit-identical for any thread count. The forward pass runs one task per
// (batch, block of kAttentionQueryBlock queries); a query's results do not depend on the
// block. The backward pass runs one task per (batch, kv head): for each query in increasing
// order and each head of the group, it recomputes P from lse, forms dS, writes dQ, and adds into
// task-local dK and dV sums, so P and dS are computed once, without atomics or per-thread
// partial sums.
#ifndef LOOM_RUNTIME_EXEC_ATTENTION_H_
#define LOOM_RUNTIME_EXEC_ATTENTION_H_

#include <cstdint>

#include "runtime/exec/thread_pool.h"
#include "runtime/schemas/bundle.pb.h"

namespace loom::rt {

inline constexpr int64_t kAttentionQueryBlock = 32;

// The kernel sets: kBest is the AVX2 set where the CPU has AVX2 and FMA, else the portable one.
enum class AttentionKernels { kBest, kPortable, kAvx2 };
// Makes every later call use `kernels` (kBest: the default again); false, and no change, when
// the CPU cannot run them. For tests, which run both sets where they can; not synchronized with
// calls in flight.
bool ForceAttentionKernelsForTesting(AttentionKernels kernels);

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
