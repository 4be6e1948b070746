// The parameter block of the FlashAttention-2 kernels (attention_fa2.cu), and the tile geometry
// that the kernels and the host planner (attention_launch.h) must agree on.
//
// Plain C++ with no CUDA header: nvcc compiles it into the kernels, the host C++ compiler into
// the planner and the host emulation, and the layout is the same in both (every member is
// 8-byte aligned but the trailing float; the static_assert below pins the size), so the
// runtime can pass the struct's bytes as the kernels' single by-value parameter.
#ifndef LOOM_RUNTIME_DEVICE_CUDA_KERNELS_ATTENTION_PARAMS_H_
#define LOOM_RUNTIME_DEVICE_CUDA_KERNELS_ATTENTION_PARAMS_H_

#include <cstdint>

// The geometry helpers run on both sides: __host__ __device__ under nvcc, plain elsewhere.
#if defined(__CUDACC__)
#define LOOM_ATTENTION_HD __host__ __device__
#else
#define LOOM_ATTENTION_HD
#endif

namespace loom::rt::cuda {

// Semantics: bundle.proto, ATTENTION_F32 and ATTENTION_GRAD_F32. Row-major tensors.
struct AttentionKernelParams {
  // Read by all three kernels.
  const float* q;                  // [B, Sq, Hq, D]
  const float* k;                  // [B, Sk, Hkv, D]
  const float* v;                  // [B, Sk, Hkv, Dv]
  const int64_t* query_positions;  // [B, Sq]
  const int64_t* visible_lo;       // [B, Sk]
  const int64_t* visible_hi;       // [B, Sk]
  // Forward outputs.
  float* out;  // [B, Sq, Hq, Dv]
  float* lse;  // [B, Sq, Hq]
  // Backward inputs: the forward pass's out and lse, and the gradient of out.
  const float* out_in;    // [B, Sq, Hq, Dv]
  const float* lse_in;    // [B, Sq, Hq]
  const float* out_grad;  // [B, Sq, Hq, Dv]
  // Backward outputs, overwritten (the dK/dV kernel writes dk and dv, the dQ kernel dq).
  float* dq;
  float* dk;
  float* dv;
  int64_t batch, query_len, key_len, query_heads, kv_heads, head_dim, value_dim;
  float scale;
};
static_assert(sizeof(AttentionKernelParams) == 176, "the parameter block's layout changed");

// A block owns kAttentionTile queries (forward, dQ) or keys (dK/dV) of one (batch, head) and
// runs kAttentionThreads threads: thread t works on tile row t % 32, and on the columns
// [16 m + 4 (t / 32), +4) of its row's outputs (float4 chunks, m = 0, 1, ...).
inline constexpr int kAttentionTile = 32;
inline constexpr int kAttentionThreads = 128;
// The kernels are instantiated per head-dim bound: the smallest bound >= max(D, Dv) runs.
inline constexpr int kAttentionHeadDimBounds[] = {32, 64, 128};
inline constexpr int kAttentionMaxHeadDim = 128;
// A 32 x 32 score tile in shared memory has rows of 33 floats: the threads of a warp hold
// different rows of one column, and an odd stride puts them in 32 different banks.
inline constexpr int kAttentionScoreStride = 33;

// The row stride, in floats, of a staged tile of `dim` columns: `dim` rounded up to a float4,
// plus one float4 when that is an even number of float4s. A warp reading float4 [r][c] of 32
// different rows then touches each bank once per 8 threads (the best a 16-byte load can do).
LOOM_ATTENTION_HD constexpr int64_t AttentionRowStride(int64_t dim) {
  const int64_t dim4 = (dim + 3) / 4 * 4;
  return (dim4 / 4) % 2 == 1 ? dim4 : dim4 + 4;
}

// A kernel's dynamic shared memory, in this order: `header_bytes` of per-row scalars (i64
// positions and intervals, f32 lse and rowsum(dO * out)), then `d_tiles` tiles of D columns,
// `dv_tiles` of Dv columns, and `score_tiles` 32 x 33 score tiles, all f32. The header is a
// multiple of 16 bytes and so is every tile, so each tile starts float4-aligned.
struct AttentionSharedLayout {
  int header_bytes;
  int d_tiles;
  int dv_tiles;
  int score_tiles;
};
// Forward: i64 positions, lo, hi | Q, K | V | scores.
inline constexpr AttentionSharedLayout kAttentionForwardShared = {3 * 8 * kAttentionTile, 2, 1, 1};
// dQ: i64 positions, lo, hi | Q, K | dO, V (out, first) | dS.
inline constexpr AttentionSharedLayout kAttentionDqShared = {3 * 8 * kAttentionTile, 2, 2, 1};
// dK/dV: i64 lo, hi, positions, f32 lse, rowsum(dO * out) | K, Q | V, dO, out | P, dS.
inline constexpr AttentionSharedLayout kAttentionDkDvShared = {3 * 8 * kAttentionTile +
                                                                   2 * 4 * kAttentionTile,
                                                               2, 3, 2};

LOOM_ATTENTION_HD constexpr int64_t AttentionSharedBytes(const AttentionSharedLayout& layout,
                                                         int64_t head_dim, int64_t value_dim) {
  return layout.header_bytes +
         4 * kAttentionTile *
             (layout.d_tiles * AttentionRowStride(head_dim) +
              layout.dv_tiles * AttentionRowStride(value_dim) +
              layout.score_tiles * kAttentionScoreStride);
}

}  // namespace loom::rt::cuda

#endif  // LOOM_RUNTIME_DEVICE_CUDA_KERNELS_ATTENTION_PARAMS_H_
