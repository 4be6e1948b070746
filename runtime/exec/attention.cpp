#include "runtime/exec/attention.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#define LOOM_ALWAYS_INLINE inline __attribute__((always_inline))
// Fully unrolls a loop over register blocks (GCC's -O2 does not), so that they stay in registers.
#define LOOM_UNROLL _Pragma("GCC unroll 16")

#if defined(__x86_64__) || defined(__i386__)
#define LOOM_ATTENTION_AVX2 1
#else
#define LOOM_ATTENTION_AVX2 0
#endif

namespace loom::rt {
namespace {

// Rows of head_dim and value_dim floats are padded to a multiple of kPad (the widest vector).
constexpr int64_t kPad = 8;

int64_t RoundUp(int64_t n, int64_t m) { return (n + m - 1) / m * m; }

// One call's sizes and operands, with the index arithmetic of bundle.proto's layouts. Every
// index fits int64: validation bounds each element count by 2^40.
struct Problem {
  Problem(const loom::bundle::AttentionShape& s, const AttentionInputs& inputs)
      : batch(s.batch()),
        sq(s.query_len()),
        sk(s.key_len()),
        hq(s.query_heads()),
        hkv(s.kv_heads()),
        d(s.head_dim()),
        dv(s.value_dim()),
        group(hq / hkv),
        dp(RoundUp(d, kPad)),
        dvp(RoundUp(dv, kPad)),
        ldt(RoundUp(sk, kPad) + kPad),
        lds(RoundUp(sk, kPad) + kPad),
        scale(s.scale()),
        in(inputs) {}

  // The row of out, lse, out_grad and q (times d) of query i, head h.
  int64_t Row(int64_t b, int64_t i, int64_t h) const { return (b * sq + i) * hq + h; }
  // The row of k and v (times d, dv) of key j, kv head g.
  int64_t KeyRow(int64_t b, int64_t j, int64_t g) const { return (b * sk + j) * hkv + g; }

  int64_t batch, sq, sk, hq, hkv, d, dv;
  int64_t group;    // query heads per kv head: head h reads kv head h / group
  int64_t dp, dvp;  // d and dv rounded up to kPad: padded rows
  int64_t ldt;      // the row length of transposed keys and values: sk, then room to overread
  int64_t lds;      // the row length of scores, P and dS: sk, then room to overwrite
  float scale;
  AttentionInputs in;
};

// A run of consecutive keys [lo, hi) that a query sees.
struct Run {
  int64_t lo, hi;
};

// Per-thread scratch, grown as needed and reused across calls (no allocation in steady state).
struct Scratch {
  std::vector<float> floats;
  std::vector<Run> runs;
  std::vector<int64_t> run_begin, visible;

  // Room for `n` floats.
  float* Reserve(int64_t n) {
    if (static_cast<int64_t>(floats.size()) < n) floats.resize(n);
    return floats.data();
  }

};
thread_local Scratch scratch;

// Whole 64-byte lines of floats.
int64_t Lines(int64_t n) { return RoundUp(n, 16); }

// Carves consecutive pieces of whole lines from a scratch block.
struct Carver {
  explicit Carver(float* base) : next(base) {}
  float* Take(int64_t n) {
    float* piece = next;
    next += Lines(n);
    return piece;
  }
  float* next;
};

// Keys [j0, j1) of kv head g in batch b, transposed: kt[c * ldt + j] = k[j][c] for c < d, and
// likewise vt from v when it is not null.
void TransposeKeys(const Problem& p, int64_t b, int64_t g, int64_t j0, int64_t j1, float* kt,
                   float* vt) {
  for (int64_t j = j0; j < j1; ++j) {
    const float* kj = p.in.k + p.KeyRow(b, j, g) * p.d;
    for (int64_t c = 0; c < p.d; ++c) kt[c * p.ldt + j] = kj[c];
    if (vt == nullptr) continue;
    const float* vj = p.in.v + p.KeyRow(b, j, g) * p.dv;
    for (int64_t c = 0; c < p.dv; ++c) vt[c * p.ldt + j] = vj[c];
  }
}

// Rows of n floats from `from` (rows `stride` apart) to `to` (rows `padded` apart), zero-padded.
void CopyPadded(const float* from, int64_t stride, int64_t rows, int64_t n, int64_t padded,
                float* to) {
  for (int64_t r = 0; r < rows; ++r) {
    std::memcpy(to + r * padded, from + r * stride, n * sizeof(float));
    std::fill(to + r * padded + n, to + (r + 1) * padded, 0.0f);
  }
}

// The forward pass's results and the output's gradient, which the backward pass reads.
struct GradInputs {
  const float* out;
  const float* lse;
  const float* out_grad;
};

// The scratch of one (batch, kv head) backward task, for up to `heads` heads at a time.
struct GradState {
  float* kt;    // [d, ldt] keys transposed
  float* vt;    // [dv, ldt] values transposed
  float* ks;    // [sk, dp] key rows, padded
  float* dk;    // [sk, dp] sums of dS^T q (scaled at the end)
  float* dv;    // [sk, dvp] sums of P^T dO
  float* prob;  // [heads, lds] P
  float* ds;    // [heads, lds] dS
  float* qpad;  // [heads, dp] q rows, padded
  float* gpad;  // [heads, dvp] dO rows, padded

  static GradState Carve(const Problem& p, int64_t heads, Scratch* sc) {
    Carver carve(sc->Reserve(Lines(p.d * p.ldt) + Lines(p.dv * p.ldt) + 2 * Lines(p.sk * p.dp) +
                             Lines(p.sk * p.dvp) + 2 * Lines(heads * p.lds) +
                             Lines(heads * p.dp) + Lines(heads * p.dvp)));
    GradState st;
    st.kt = carve.Take(p.d * p.ldt);
    st.vt = carve.Take(p.dv * p.ldt);
    st.ks = carve.Take(p.sk * p.dp);
    st.dk = carve.Take(p.sk * p.dp);
    st.dv = carve.Take(p.sk * p.dvp);
    st.prob = carve.Take(heads * p.lds);
    st.ds = carve.Take(heads * p.lds);
    st.qpad = carve.Take(heads * p.dp);
    st.gpad = carve.Take(heads * p.dvp);
    return st;
  }
};

// The kernels, once per instruction set (attention_kernels.inc).
//
// The baseline of the build (SSE2 on x86-64, NEON on AArch64): 4 floats, 2 heads at a time.
namespace portable {
constexpr int64_t kLanes = 4;
constexpr int kChunks = 4;
constexpr int kMaxHeads = 2;

// Bit k of the result, k < n <= 64: whether position `pos` lies in [lo[k], hi[k]).
uint64_t VisibleWord(const int64_t* lo, const int64_t* hi, int64_t pos, int64_t n) {
  uint64_t word = 0;
  for (int64_t k = 0; k < n; ++k) {
    word |= static_cast<uint64_t>((lo[k] <= pos) & (pos < hi[k])) << k;
  }
  return word;
}
#include "runtime/exec/attention_kernels.inc"
}  // namespace portable

#if LOOM_ATTENTION_AVX2
// AVX2 with FMA: 8 floats, 16 registers, 4 heads at a time.
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif
namespace avx2 {
constexpr int64_t kLanes = 8;
constexpr int kChunks = 2;
constexpr int kMaxHeads = 4;

// As portable::VisibleWord, 4 keys at a time.
uint64_t VisibleWord(const int64_t* lo, const int64_t* hi, int64_t pos, int64_t n) {
  typedef int64_t Int4 __attribute__((vector_size(4 * sizeof(int64_t))));
  typedef double Double4 __attribute__((vector_size(4 * sizeof(double))));
  const Int4 at = {pos, pos, pos, pos};
  uint64_t word = 0;
  int64_t k = 0;
  for (; k + 4 <= n; k += 4) {
    Int4 l, h;
    std::memcpy(&l, lo + k, sizeof l);
    std::memcpy(&h, hi + k, sizeof h);
    const Int4 sees = (l <= at) & (at < h);
    word |= static_cast<uint64_t>(__builtin_ia32_movmskpd256(reinterpret_cast<Double4>(sees)))
            << k;
  }
  for (; k < n; ++k) word |= static_cast<uint64_t>((lo[k] <= pos) & (pos < hi[k])) << k;
  return word;
}
#include "runtime/exec/attention_kernels.inc"
}  // namespace avx2
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif  // LOOM_ATTENTION_AVX2

struct Kernels {
  void (*forward)(const Problem&, int64_t b, int64_t i0, int64_t i1, float* out, float* lse);
  void (*backward)(const Problem&, const GradInputs&, int64_t b, int64_t g, float* dq, float* dk,
                   float* dv);
};

bool HasAvx2() {
#if LOOM_ATTENTION_AVX2
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

// What ForceAttentionKernelsForTesting chose.
std::atomic<AttentionKernels> forced_kernels{AttentionKernels::kBest};

Kernels Current() {
  static const bool avx2 = HasAvx2();
  const AttentionKernels which = forced_kernels.load(std::memory_order_relaxed);
#if LOOM_ATTENTION_AVX2
  if (which == AttentionKernels::kAvx2 || (which == AttentionKernels::kBest && avx2))
    return {avx2::ForwardBlock, avx2::BackwardGroup};
#endif
  (void)which;
  (void)avx2;
  return {portable::ForwardBlock, portable::BackwardGroup};
}

}  // namespace

bool ForceAttentionKernelsForTesting(AttentionKernels kernels) {
  if (kernels == AttentionKernels::kAvx2 && !HasAvx2()) return false;
  forced_kernels.store(kernels, std::memory_order_relaxed);
  return true;
}

void RunAttentionF32(const loom::bundle::AttentionShape& shape, const AttentionInputs& in,
                     float* out, float* lse, ThreadPool& pool) {
  struct Call {
    Problem p;
    Kernels kernels;
    int64_t blocks;
    float *out, *lse;
  };
  const Problem p(shape, in);
  const Call call{p, Current(), (p.sq + kAttentionQueryBlock - 1) / kAttentionQueryBlock, out, lse};
  // One pointer captured: std::function holds it without allocating.
  pool.ParallelFor(p.batch * call.blocks, [c = &call](int64_t t) {
    const int64_t i0 = t % c->blocks * kAttentionQueryBlock;
    c->kernels.forward(c->p, t / c->blocks, i0, std::min(i0 + kAttentionQueryBlock, c->p.sq),
                       c->out, c->lse);
  });
}

void RunAttentionGradF32(const loom::bundle::AttentionShape& shape, const AttentionInputs& in,
                         const float* out, const float* lse, const float* out_grad, float* dq,
                         float* dk, float* dv, ThreadPool& pool) {
  struct Call {
    Problem p;
    GradInputs g_in;
    Kernels kernels;
    float *dq, *dk, *dv;
  };
  const Call call{Problem(shape, in), GradInputs{out, lse, out_grad}, Current(), dq, dk, dv};
  pool.ParallelFor(call.p.batch * call.p.hkv, [c = &call](int64_t t) {
    c->kernels.backward(c->p, c->g_in, t / c->p.hkv, t % c->p.hkv, c->dq, c->dk, c->dv);
  });
}

}  // namespace loom::rt
