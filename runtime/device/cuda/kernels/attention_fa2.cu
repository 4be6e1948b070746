// FlashAttention-2-style attention with interval masks (bundle.proto ATTENTION_F32 and
// ATTENTION_GRAD_F32), f32 SIMT, for sm_90 (no tensor cores: f32 in and out, f32 accumulation).
//
// Shape of the work (attention_params.h has the shared geometry):
//  - forward: a block owns 32 queries of one (batch, query head), loops over the keys in tiles
//    of 32 staged in shared memory, computes the 32 x 32 score tile into shared memory and keeps
//    a running max and sum per query (online softmax) with the output in registers.
//  - backward, two kernels and no atomics, so the results are deterministic: dK/dV, where a
//    block owns 32 keys of one (batch, kv head) and loops over every query tile of every query
//    head of the group in a fixed order, and dQ, where a block owns 32 queries and loops over
//    the key tiles. Each recomputes P from lse and rowsum(dO * out) itself.
//  - threads: 128 per block; thread t works on tile row t % 32 and on the float4 column chunks
//    [16 m + 4 (t / 32), +4) of that row's output; for a score tile it computes the 8 entries
//    (row, t / 32 + 4 n). Within a warp the row varies and the chunk does not, so the other
//    side's tile is read as a broadcast and this side's rows through strides that avoid bank
//    conflicts (AttentionRowStride).
//  - masks are data: a tile of keys that no query of the block can see (every key's [lo, hi)
//    misses [min, max] of the block's positions) is skipped before it is loaded, and so is a
//    tile of queries in the dK/dV kernel, whose own keys are loaded only once a query tile may
//    see them. So no kernel reads the k or v of a key tile whose intervals all miss the
//    positions of the queries (e.g. unwritten cache slots, given empty intervals). Inside a
//    tile, a key a query does not see is skipped by a branch, never multiplied by zero:
//    0 * NaN is NaN, and unseen keys may hold garbage.
//  - performance notes: the 4 threads of a row each compute its softmax max and exps (no
//    exchange, two fewer barriers per tile); the score tile's dot products read float4s; the
//    dims are runtime values inside a kernel instance, so D and Dv need not be multiples of 4.
//
// The file also compiles as host C++ under cuda_host_emulation.h (attention_emulation.cpp), so
// it uses no warp shuffle or vote, and its shared memory is one dynamic buffer declared through
// LOOM_DYNAMIC_SHARED.
#include <cmath>
#include <cstdint>

#include "runtime/device/cuda/kernels/attention_params.h"

#ifndef LOOM_DYNAMIC_SHARED
#define LOOM_DYNAMIC_SHARED(name) extern __shared__ __align__(16) unsigned char name[]
#endif

namespace loom::rt::cuda {
namespace {

constexpr int kTile = kAttentionTile;
constexpr int kThreads = kAttentionThreads;
constexpr int kGroups = kThreads / kTile;         // threads sharing a row; float4 columns each
constexpr int kScoresPerThread = kTile / kGroups;  // entries of a score tile per thread
constexpr int kSLd = kAttentionScoreStride;

__device__ __forceinline__ int64_t Min64(int64_t a, int64_t b) { return a < b ? a : b; }
__device__ __forceinline__ int64_t Max64(int64_t a, int64_t b) { return a > b ? a : b; }
__device__ __forceinline__ int RoundUp4(int n) { return (n + 3) / 4 * 4; }

__device__ __forceinline__ float4 Load4(const float* p) {
  return *reinterpret_cast<const float4*>(p);
}
__device__ __forceinline__ void Store4(float* p, float x, float y, float z, float w) {
  float4 value;
  value.x = x;
  value.y = y;
  value.z = z;
  value.w = w;
  *reinterpret_cast<float4*>(p) = value;
}

// acc + a . b, in a fixed order (explicit fmaf, so the host emulation rounds as the GPU does).
__device__ __forceinline__ float Dot4(float4 a, float4 b, float acc) {
  acc = fmaf(a.x, b.x, acc);
  acc = fmaf(a.y, b.y, acc);
  acc = fmaf(a.z, b.z, acc);
  return fmaf(a.w, b.w, acc);
}
// acc += s * x.
__device__ __forceinline__ void Axpy4(float (&acc)[4], float s, float4 x) {
  acc[0] = fmaf(s, x.x, acc[0]);
  acc[1] = fmaf(s, x.y, acc[1]);
  acc[2] = fmaf(s, x.z, acc[2]);
  acc[3] = fmaf(s, x.w, acc[3]);
}

// Copies a tile of `rows` rows of `cols` floats from global memory (row r at src + r * stride)
// into shared memory (row stride ld), zero-filling rows past `rows` and columns up to the next
// float4, so that the float4 loops may read them: a zero in both operands adds nothing.
// Consecutive threads read consecutive floats of a row (coalesced).
__device__ __forceinline__ void StageTile(float* dst, int ld, const float* src, int64_t stride,
                                          int rows, int cols) {
  const int cols4 = RoundUp4(cols);
  for (int idx = threadIdx.x; idx < kTile * cols4; idx += kThreads) {
    const int r = idx / cols4, c = idx - r * cols4;
    dst[r * ld + c] = r < rows && c < cols ? src[r * stride + c] : 0.0f;
  }
}

// The reverse: the first `rows` rows of `cols` floats of a shared tile to global memory.
__device__ __forceinline__ void WriteTile(float* dst, int64_t stride, const float* src, int ld,
                                          int rows, int cols) {
  for (int idx = threadIdx.x; idx < rows * cols; idx += kThreads) {
    const int r = idx / cols, c = idx - r * cols;
    dst[r * stride + c] = src[r * ld + c];
  }
}

// a . b over `n4` floats (a multiple of 4), in the order both backward kernels use for
// rowsum(dO * out), so they agree bit for bit.
__device__ __forceinline__ float RowDot(const float* a, const float* b, int n4) {
  float acc = 0.0f;
  for (int c = 0; c < n4; c += 4) acc = Dot4(Load4(a + c), Load4(b + c), acc);
  return acc;
}

// s[n] = a . b_rows[n * b_step] over `n4` floats: this thread's entries of a score tile.
__device__ __forceinline__ void TileDots(const float* a, const float* b_rows, int b_step, int n4,
                                         float (&s)[kScoresPerThread]) {
#pragma unroll
  for (int n = 0; n < kScoresPerThread; ++n) s[n] = 0.0f;
  for (int c = 0; c < n4; c += 4) {
    const float4 x = Load4(a + c);
#pragma unroll
    for (int n = 0; n < kScoresPerThread; ++n) s[n] = Dot4(x, Load4(b_rows + n * b_step + c), s[n]);
  }
}

// Bit j: query position `pos` sees key j of the staged tile (lo <= pos < hi).
__device__ __forceinline__ unsigned KeysSeen(int64_t pos, const int64_t* lo, const int64_t* hi) {
  unsigned seen = 0;
#pragma unroll
  for (int j = 0; j < kTile; ++j) seen |= (lo[j] <= pos && pos < hi[j] ? 1u : 0u) << j;
  return seen;
}

// Threads 0..31 stage the intervals of keys [first, first + keys) of a batch (an absent key
// gets the empty interval [max, min)); returns, for those threads, whether the key's interval
// meets [qmin, qmax], the block's query positions. OR-ed over the block, that says whether the
// key tile can be seen at all.
__device__ __forceinline__ int StageIntervals(const AttentionKernelParams& p, int64_t first,
                                              int keys, int64_t qmin, int64_t qmax, int64_t* lo_s,
                                              int64_t* hi_s) {
  const int j = threadIdx.x;
  if (j >= kTile) return 0;
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  if (j < keys) {
    lo = p.visible_lo[first + j];
    hi = p.visible_hi[first + j];
  }
  lo_s[j] = lo;
  hi_s[j] = hi;
  return lo < hi && lo <= qmax && hi > qmin;
}

// The block's query positions (rows [0, rows) of qpos_s): min and max, for tile skipping.
__device__ __forceinline__ void PositionRange(const int64_t* qpos_s, int rows, int64_t* qmin,
                                              int64_t* qmax) {
  *qmin = INT64_MAX;
  *qmax = INT64_MIN;
  for (int i = 0; i < rows; ++i) {
    *qmin = Min64(*qmin, qpos_s[i]);
    *qmax = Max64(*qmax, qpos_s[i]);
  }
}

// Forward. Grid (ceil(Sq / 32), Hq, B); kMaxDim >= max(D, Dv).
template <int kMaxDim>
__device__ __forceinline__ void AttentionForward(const AttentionKernelParams& p) {
  constexpr int kChunks = kMaxDim / 16;  // float4 column chunks per thread
  LOOM_DYNAMIC_SHARED(smem);
  const int tid = threadIdx.x, row = tid % kTile, grp = tid / kTile;
  const int d = static_cast<int>(p.head_dim), dv = static_cast<int>(p.value_dim);
  const int d4 = RoundUp4(d);
  const int ldk = static_cast<int>(AttentionRowStride(d));
  const int ldv = static_cast<int>(AttentionRowStride(dv));
  const int64_t sq = p.query_len, sk = p.key_len, hq = p.query_heads, hkv = p.kv_heads;
  const int64_t q0 = static_cast<int64_t>(blockIdx.x) * kTile, h = blockIdx.y, b = blockIdx.z;
  const int64_t g = h / (hq / hkv);
  const int rows = static_cast<int>(Min64(kTile, sq - q0));

  int64_t* qpos_s = reinterpret_cast<int64_t*>(smem);
  int64_t* lo_s = qpos_s + kTile;
  int64_t* hi_s = lo_s + kTile;
  float* q_s = reinterpret_cast<float*>(smem + kAttentionForwardShared.header_bytes);
  float* k_s = q_s + kTile * ldk;
  float* v_s = k_s + kTile * ldk;
  float* s_s = v_s + kTile * ldv;

  const int64_t qrow0 = (b * sq + q0) * hq + h;  // the tile's first row of q, out and lse
  StageTile(q_s, ldk, p.q + qrow0 * d, hq * d, rows, d);
  if (tid < kTile) qpos_s[tid] = tid < rows ? p.query_positions[b * sq + q0 + tid] : 0;
  __syncthreads();
  int64_t qmin, qmax;
  PositionRange(qpos_s, rows, &qmin, &qmax);
  const int64_t pos = qpos_s[row];

  float acc[kChunks][4] = {};
  float m = -INFINITY, l = 0.0f;  // running max and sum of exp(score - m)
  const int64_t key_tiles = (sk + kTile - 1) / kTile;
  for (int64_t kt = 0; kt < key_tiles; ++kt) {
    const int64_t k0 = kt * kTile;
    const int keys = static_cast<int>(Min64(kTile, sk - k0));
    if (!__syncthreads_or(StageIntervals(p, b * sk + k0, keys, qmin, qmax, lo_s, hi_s))) continue;
    const int64_t krow0 = (b * sk + k0) * hkv + g;
    StageTile(k_s, ldk, p.k + krow0 * d, hkv * d, keys, d);
    StageTile(v_s, ldv, p.v + krow0 * dv, hkv * dv, keys, dv);
    __syncthreads();

    const unsigned seen = row < rows ? KeysSeen(pos, lo_s, hi_s) : 0u;
    float s[kScoresPerThread];
    TileDots(q_s + row * ldk, k_s + grp * ldk, kGroups * ldk, d4, s);
#pragma unroll
    for (int n = 0; n < kScoresPerThread; ++n) s_s[row * kSLd + grp + kGroups * n] = p.scale * s[n];
    __syncthreads();

    if (seen != 0u) {
      const float* srow = s_s + row * kSLd;
      float tile_max = -INFINITY;
      for (int j = 0; j < kTile; ++j) {
        if ((seen >> j) & 1u) tile_max = fmaxf(tile_max, srow[j]);
      }
      const float m_new = fmaxf(m, tile_max);
      const float alpha = expf(m - m_new);  // 0 while nothing was seen (m = -inf)
      l *= alpha;
#pragma unroll
      for (int k = 0; k < kChunks; ++k) {
#pragma unroll
        for (int e = 0; e < 4; ++e) acc[k][e] *= alpha;
      }
      for (int j = 0; j < kTile; ++j) {
        if (!((seen >> j) & 1u)) continue;
        const float pj = expf(srow[j] - m_new);
        l += pj;
        const float* vj = v_s + j * ldv + 4 * grp;
#pragma unroll
        for (int k = 0; k < kChunks; ++k) {
          if (16 * k + 4 * grp < dv) Axpy4(acc[k], pj, Load4(vj + 16 * k));
        }
      }
      m = m_new;
    }
    __syncthreads();
  }

  // out = acc / l (0 for a query that saw nothing), through v_s so that the global writes are
  // whole rows. Every read of v_s is behind the loop's last barrier.
#pragma unroll
  for (int k = 0; k < kChunks; ++k) {
    const int c = 16 * k + 4 * grp;
    if (c < dv) {
      if (l > 0.0f) {
        Store4(v_s + row * ldv + c, acc[k][0] / l, acc[k][1] / l, acc[k][2] / l, acc[k][3] / l);
      } else {
        Store4(v_s + row * ldv + c, 0.0f, 0.0f, 0.0f, 0.0f);
      }
    }
  }
  if (grp == 0 && row < rows) p.lse[qrow0 + row * hq] = l > 0.0f ? m + logf(l) : -INFINITY;
  __syncthreads();
  WriteTile(p.out + qrow0 * dv, hq * dv, v_s, ldv, rows, dv);
}

// dQ = scale * dS . K. Grid (ceil(Sq / 32), Hq, B).
template <int kMaxDim>
__device__ __forceinline__ void AttentionBackwardDq(const AttentionKernelParams& p) {
  constexpr int kChunks = kMaxDim / 16;
  LOOM_DYNAMIC_SHARED(smem);
  const int tid = threadIdx.x, row = tid % kTile, grp = tid / kTile;
  const int d = static_cast<int>(p.head_dim), dv = static_cast<int>(p.value_dim);
  const int d4 = RoundUp4(d), dv4 = RoundUp4(dv);
  const int ldk = static_cast<int>(AttentionRowStride(d));
  const int ldv = static_cast<int>(AttentionRowStride(dv));
  const int64_t sq = p.query_len, sk = p.key_len, hq = p.query_heads, hkv = p.kv_heads;
  const int64_t q0 = static_cast<int64_t>(blockIdx.x) * kTile, h = blockIdx.y, b = blockIdx.z;
  const int64_t g = h / (hq / hkv);
  const int rows = static_cast<int>(Min64(kTile, sq - q0));

  int64_t* qpos_s = reinterpret_cast<int64_t*>(smem);
  int64_t* lo_s = qpos_s + kTile;
  int64_t* hi_s = lo_s + kTile;
  float* q_s = reinterpret_cast<float*>(smem + kAttentionDqShared.header_bytes);
  float* k_s = q_s + kTile * ldk;
  float* do_s = k_s + kTile * ldk;
  float* v_s = do_s + kTile * ldv;
  float* ds_s = v_s + kTile * ldv;

  const int64_t qrow0 = (b * sq + q0) * hq + h;
  StageTile(q_s, ldk, p.q + qrow0 * d, hq * d, rows, d);
  StageTile(do_s, ldv, p.out_grad + qrow0 * dv, hq * dv, rows, dv);
  StageTile(v_s, ldv, p.out_in + qrow0 * dv, hq * dv, rows, dv);  // out, until the key loop
  if (tid < kTile) qpos_s[tid] = tid < rows ? p.query_positions[b * sq + q0 + tid] : 0;
  const float lse = row < rows ? p.lse_in[qrow0 + row * hq] : -INFINITY;
  __syncthreads();
  int64_t qmin, qmax;
  PositionRange(qpos_s, rows, &qmin, &qmax);
  const int64_t pos = qpos_s[row];
  // rowsum(dO * out); NaN for a row that saw nothing if its dO is NaN, but such a row (lse
  // -inf) sees no key below, so it is never used.
  const float delta = RowDot(do_s + row * ldv, v_s + row * ldv, dv4);
  const bool live_row = row < rows && lse != -INFINITY;

  float acc[kChunks][4] = {};
  const int64_t key_tiles = (sk + kTile - 1) / kTile;
  for (int64_t kt = 0; kt < key_tiles; ++kt) {
    const int64_t k0 = kt * kTile;
    const int keys = static_cast<int>(Min64(kTile, sk - k0));
    // (This barrier also orders the rowsum's reads of v_s before the first tile's V.)
    if (!__syncthreads_or(StageIntervals(p, b * sk + k0, keys, qmin, qmax, lo_s, hi_s))) continue;
    const int64_t krow0 = (b * sk + k0) * hkv + g;
    StageTile(k_s, ldk, p.k + krow0 * d, hkv * d, keys, d);
    StageTile(v_s, ldv, p.v + krow0 * dv, hkv * dv, keys, dv);
    __syncthreads();

    const unsigned seen = live_row ? KeysSeen(pos, lo_s, hi_s) : 0u;
    float s[kScoresPerThread], dp[kScoresPerThread];
    TileDots(q_s + row * ldk, k_s + grp * ldk, kGroups * ldk, d4, s);
    TileDots(do_s + row * ldv, v_s + grp * ldv, kGroups * ldv, dv4, dp);
#pragma unroll
    for (int n = 0; n < kScoresPerThread; ++n) {
      const int j = grp + kGroups * n;
      float ds = 0.0f;
      if ((seen >> j) & 1u) ds = expf(p.scale * s[n] - lse) * (dp[n] - delta);
      ds_s[row * kSLd + j] = ds;
    }
    __syncthreads();

    if (seen != 0u) {
      for (int j = 0; j < kTile; ++j) {
        if (!((seen >> j) & 1u)) continue;
        const float ds = ds_s[row * kSLd + j];
        const float* kj = k_s + j * ldk + 4 * grp;
#pragma unroll
        for (int k = 0; k < kChunks; ++k) {
          if (16 * k + 4 * grp < d) Axpy4(acc[k], ds, Load4(kj + 16 * k));
        }
      }
    }
    __syncthreads();
  }

  // Through q_s (last read before the loop's last barrier) for whole-row writes.
#pragma unroll
  for (int k = 0; k < kChunks; ++k) {
    const int c = 16 * k + 4 * grp;
    if (c < d) {
      Store4(q_s + row * ldk + c, p.scale * acc[k][0], p.scale * acc[k][1], p.scale * acc[k][2],
             p.scale * acc[k][3]);
    }
  }
  __syncthreads();
  WriteTile(p.dq + qrow0 * d, hq * d, q_s, ldk, rows, d);
}

// dK = scale * dS^T . Q and dV = P^T . dO, summed over the query heads of the kv head.
// Grid (ceil(Sk / 32), Hkv, B). The sums run over query tiles in increasing order, then the
// group's heads in increasing order, then the tile's queries: a fixed order.
template <int kMaxDim>
__device__ __forceinline__ void AttentionBackwardDkDv(const AttentionKernelParams& p) {
  constexpr int kChunks = kMaxDim / 16;
  LOOM_DYNAMIC_SHARED(smem);
  const int tid = threadIdx.x, row = tid % kTile, grp = tid / kTile;  // row: this thread's key
  const int d = static_cast<int>(p.head_dim), dv = static_cast<int>(p.value_dim);
  const int d4 = RoundUp4(d), dv4 = RoundUp4(dv);
  const int ldk = static_cast<int>(AttentionRowStride(d));
  const int ldv = static_cast<int>(AttentionRowStride(dv));
  const int64_t sq = p.query_len, sk = p.key_len, hq = p.query_heads, hkv = p.kv_heads;
  const int64_t k0 = static_cast<int64_t>(blockIdx.x) * kTile, g = blockIdx.y, b = blockIdx.z;
  const int64_t group = hq / hkv;
  const int keys = static_cast<int>(Min64(kTile, sk - k0));

  int64_t* lo_s = reinterpret_cast<int64_t*>(smem);
  int64_t* hi_s = lo_s + kTile;
  int64_t* qpos_s = hi_s + kTile;
  float* lse_s = reinterpret_cast<float*>(qpos_s + kTile);
  float* delta_s = lse_s + kTile;
  float* k_s = reinterpret_cast<float*>(smem + kAttentionDkDvShared.header_bytes);
  float* q_s = k_s + kTile * ldk;
  float* v_s = q_s + kTile * ldk;
  float* do_s = v_s + kTile * ldv;
  float* o_s = do_s + kTile * ldv;
  float* p_s = o_s + kTile * ldv;
  float* ds_s = p_s + kTile * kSLd;

  const int64_t krow0 = (b * sk + k0) * hkv + g;
  if (tid < kTile) {
    lo_s[tid] = tid < keys ? p.visible_lo[b * sk + k0 + tid] : INT64_MAX;
    hi_s[tid] = tid < keys ? p.visible_hi[b * sk + k0 + tid] : INT64_MIN;
  }
  __syncthreads();
  const int64_t lo = lo_s[row], hi = hi_s[row];
  // The positions any key of the block admits: [kmin, kmax).
  int64_t kmin = INT64_MAX, kmax = INT64_MIN;
  for (int j = 0; j < kTile; ++j) {
    if (lo_s[j] < hi_s[j]) {
      kmin = Min64(kmin, lo_s[j]);
      kmax = Max64(kmax, hi_s[j]);
    }
  }

  float dk[kChunks][4] = {}, dvacc[kChunks][4] = {};
  bool staged = false;  // K and V are loaded at the first query tile that may see them
  const int64_t query_tiles = (sq + kTile - 1) / kTile;
  for (int64_t qt = 0; qt < query_tiles; ++qt) {
    const int64_t q0 = qt * kTile;
    const int rows = static_cast<int>(Min64(kTile, sq - q0));
    int live = 0;
    if (tid < kTile) {
      int64_t qpos = 0;
      if (tid < rows) {
        qpos = p.query_positions[b * sq + q0 + tid];
        live = kmin <= qpos && qpos < kmax;
      }
      qpos_s[tid] = qpos;
    }
    if (!__syncthreads_or(live)) continue;  // no query of the tile sees any key of the block
    if (!staged) {  // (the barrier after the first Q tile covers these too)
      StageTile(k_s, ldk, p.k + krow0 * d, hkv * d, keys, d);
      StageTile(v_s, ldv, p.v + krow0 * dv, hkv * dv, keys, dv);
      staged = true;
    }

    for (int64_t hh = 0; hh < group; ++hh) {
      const int64_t qrow0 = (b * sq + q0) * hq + g * group + hh;
      StageTile(q_s, ldk, p.q + qrow0 * d, hq * d, rows, d);
      StageTile(do_s, ldv, p.out_grad + qrow0 * dv, hq * dv, rows, dv);
      StageTile(o_s, ldv, p.out_in + qrow0 * dv, hq * dv, rows, dv);
      if (tid < kTile) lse_s[tid] = tid < rows ? p.lse_in[qrow0 + tid * hq] : -INFINITY;
      __syncthreads();

      if (tid < kTile) delta_s[tid] = RowDot(do_s + tid * ldv, o_s + tid * ldv, dv4);
      // Bit i: query i of the tile sees this thread's key (a query with lse -inf saw nothing).
      unsigned seen = 0;
      for (int i = 0; i < kTile; ++i) {
        const int64_t qpos = qpos_s[i];
        seen |= (lse_s[i] != -INFINITY && lo <= qpos && qpos < hi ? 1u : 0u) << i;
      }
      float s[kScoresPerThread], dp[kScoresPerThread];
      TileDots(k_s + row * ldk, q_s + grp * ldk, kGroups * ldk, d4, s);
      TileDots(v_s + row * ldv, do_s + grp * ldv, kGroups * ldv, dv4, dp);
      __syncthreads();  // delta_s

#pragma unroll
      for (int n = 0; n < kScoresPerThread; ++n) {
        const int i = grp + kGroups * n;
        float pr = 0.0f, ds = 0.0f;
        if ((seen >> i) & 1u) {
          pr = expf(p.scale * s[n] - lse_s[i]);
          ds = pr * (dp[n] - delta_s[i]);
        }
        p_s[row * kSLd + i] = pr;
        ds_s[row * kSLd + i] = ds;
      }
      __syncthreads();

      if (seen != 0u) {
        for (int i = 0; i < kTile; ++i) {
          if (!((seen >> i) & 1u)) continue;
          const float pr = p_s[row * kSLd + i], ds = ds_s[row * kSLd + i];
          const float* qi = q_s + i * ldk + 4 * grp;
          const float* doi = do_s + i * ldv + 4 * grp;
#pragma unroll
          for (int k = 0; k < kChunks; ++k) {
            if (16 * k + 4 * grp < d) Axpy4(dk[k], ds, Load4(qi + 16 * k));
            if (16 * k + 4 * grp < dv) Axpy4(dvacc[k], pr, Load4(doi + 16 * k));
          }
        }
      }
      __syncthreads();
    }
  }

  // Through q_s and do_s (last read before the loop's last barrier) for whole-row writes.
#pragma unroll
  for (int k = 0; k < kChunks; ++k) {
    const int c = 16 * k + 4 * grp;
    if (c < d) {
      Store4(q_s + row * ldk + c, p.scale * dk[k][0], p.scale * dk[k][1], p.scale * dk[k][2],
             p.scale * dk[k][3]);
    }
    if (c < dv) Store4(do_s + row * ldv + c, dvacc[k][0], dvacc[k][1], dvacc[k][2], dvacc[k][3]);
  }
  __syncthreads();
  WriteTile(p.dk + krow0 * d, hkv * d, q_s, ldk, keys, d);
  WriteTile(p.dv + krow0 * dv, hkv * dv, do_s, ldv, keys, dv);
}

}  // namespace
}  // namespace loom::rt::cuda

// The entry points, one set per head-dim bound (attention_params.h kAttentionHeadDimBounds);
// the names are the ABI with the runtime (attention_launch.cpp) and the emulation.
#define LOOM_ATTENTION_KERNELS(bound)                                                          \
  extern "C" __global__ void __launch_bounds__(loom::rt::cuda::kAttentionThreads)              \
      loom_attention_fwd_f32_d##bound(const loom::rt::cuda::AttentionKernelParams p) {         \
    loom::rt::cuda::AttentionForward<bound>(p);                                                \
  }                                                                                            \
  extern "C" __global__ void __launch_bounds__(loom::rt::cuda::kAttentionThreads)              \
      loom_attention_bwd_dkdv_f32_d##bound(const loom::rt::cuda::AttentionKernelParams p) {    \
    loom::rt::cuda::AttentionBackwardDkDv<bound>(p);                                           \
  }                                                                                            \
  extern "C" __global__ void __launch_bounds__(loom::rt::cuda::kAttentionThreads)              \
      loom_attention_bwd_dq_f32_d##bound(const loom::rt::cuda::AttentionKernelParams p) {      \
    loom::rt::cuda::AttentionBackwardDq<bound>(p);                                             \
  }

LOOM_ATTENTION_KERNELS(32)
LOOM_ATTENTION_KERNELS(64)
LOOM_ATTENTION_KERNELS(128)

#undef LOOM_ATTENTION_KERNELS
