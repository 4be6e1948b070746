// The FlashAttention-2 kernels (attention_fa2.cu), run on the CPU by the host emulation through
// the planner's launches, against the CPU routines (runtime/exec/attention.h, themselves
// checked against a double-precision reference in attention_test.cpp), over the masks of
// DESIGN.md §4 and the shapes the kernels treat specially: partial tiles, grouped queries, each
// head-dim instance, D != Dv, dims that are not a multiple of 4, queries that see nothing, and
// NaN in keys nobody sees. Also the planner's launches and refusals.
//
// Tolerance: both sides sum in f32 (in different orders), so every element must be within
// 1e-5 of the tensor's largest magnitude (max |cpu - kernel| / max |cpu| <= 1e-5, the "max
// relative error" printed per case); -inf and NaN must match exactly.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "runtime/device/cuda/kernels/attention_emulation.h"
#include "runtime/device/cuda/kernels/attention_launch.h"
#include "runtime/exec/attention.h"
#include "runtime/exec/thread_pool.h"

namespace loom::rt::cuda {
namespace {

constexpr double kTolerance = 1e-5;
constexpr int64_t kForever = std::numeric_limits<int64_t>::max();

AttentionDims Dims(int64_t batch, int64_t sq, int64_t sk, int64_t hq, int64_t hkv, int64_t d,
                   int64_t dv, float scale) {
  AttentionDims dims;
  dims.batch = batch;
  dims.query_len = sq;
  dims.key_len = sk;
  dims.query_heads = hq;
  dims.kv_heads = hkv;
  dims.head_dim = d;
  dims.value_dim = dv;
  dims.scale = scale;
  return dims;
}

// The operands, laid out as bundle.proto says; by default causal, with query i at position
// i + Sk - Sq (the last Sq positions of the keys) and key j visible from position j on.
struct Problem {
  AttentionDims dims;
  std::vector<float> q, k, v, out_grad;
  std::vector<int64_t> qpos, lo, hi;

  int64_t QRow(int64_t b, int64_t i, int64_t h) const {
    return (b * dims.query_len + i) * dims.query_heads + h;
  }
  int64_t KRow(int64_t b, int64_t j, int64_t g) const {
    return (b * dims.key_len + j) * dims.kv_heads + g;
  }
  int64_t Key(int64_t b, int64_t j) const { return b * dims.key_len + j; }
  int64_t Query(int64_t b, int64_t i) const { return b * dims.query_len + i; }
};

Problem Causal(const AttentionDims& dims, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
  auto random = [&](int64_t n) {
    std::vector<float> values(n);
    for (float& x : values) x = dist(rng);
    return values;
  };
  const int64_t b = dims.batch, sq = dims.query_len, sk = dims.key_len;
  Problem p;
  p.dims = dims;
  p.q = random(b * sq * dims.query_heads * dims.head_dim);
  p.k = random(b * sk * dims.kv_heads * dims.head_dim);
  p.v = random(b * sk * dims.kv_heads * dims.value_dim);
  p.out_grad = random(b * sq * dims.query_heads * dims.value_dim);
  for (int64_t n = 0; n < b * sq; ++n) p.qpos.push_back(n % sq + sk - sq);
  for (int64_t n = 0; n < b * sk; ++n) {
    p.lo.push_back(n % sk);
    p.hi.push_back(kForever);
  }
  return p;
}

struct Results {
  std::vector<float> out, lse, dq, dk, dv;
};

loom::bundle::AttentionShape ShapeOf(const AttentionDims& dims) {
  loom::bundle::AttentionShape s;
  s.set_batch(dims.batch);
  s.set_query_len(dims.query_len);
  s.set_key_len(dims.key_len);
  s.set_query_heads(dims.query_heads);
  s.set_kv_heads(dims.kv_heads);
  s.set_head_dim(dims.head_dim);
  s.set_value_dim(dims.value_dim);
  s.set_scale(dims.scale);
  return s;
}

// The CPU routines: forward, then the gradient from the forward's own out and lse.
Results RunCpu(const Problem& p) {
  ThreadPool pool(2);
  const loom::bundle::AttentionShape shape = ShapeOf(p.dims);
  const AttentionInputs in = {p.q.data(),    p.k.data(),  p.v.data(),
                              p.qpos.data(), p.lo.data(), p.hi.data()};
  Results r;
  r.out.assign(p.out_grad.size(), NAN);
  r.lse.assign(p.qpos.size() * p.dims.query_heads, NAN);
  RunAttentionF32(shape, in, r.out.data(), r.lse.data(), pool);
  r.dq.assign(p.q.size(), NAN);
  r.dk.assign(p.k.size(), NAN);
  r.dv.assign(p.v.size(), NAN);
  RunAttentionGradF32(shape, in, r.out.data(), r.lse.data(), p.out_grad.data(), r.dq.data(),
                      r.dk.data(), r.dv.data(), pool);
  return r;
}

void Launch(const std::vector<AttentionLaunch>& launches, AttentionKernelParams params) {
  for (const AttentionLaunch& launch : launches) {
    void* kernel_params[1] = {&params};
    ASSERT_EQ(loom_emulate_cuda_kernel(launch.kernel.c_str(), launch.grid, launch.block,
                                       launch.dynamic_shared_bytes, kernel_params),
              0)
        << launch.kernel;
  }
}

// The kernels under emulation, through the planner's launches. The backward pass reads
// `out_in` and `lse_in` (the CPU's forward results), so each pass is compared on its own.
// Outputs start as NaN, so an element a kernel fails to write shows.
// `k` and `v`, when given, replace p.k and p.v (same values, other memory).
Results RunEmulated(const Problem& p, const std::vector<float>& out_in,
                    const std::vector<float>& lse_in, const float* k = nullptr,
                    const float* v = nullptr) {
  Results r;
  r.out.assign(p.out_grad.size(), NAN);
  r.lse.assign(p.qpos.size() * p.dims.query_heads, NAN);
  r.dq.assign(p.q.size(), NAN);
  r.dk.assign(p.k.size(), NAN);
  r.dv.assign(p.v.size(), NAN);
  AttentionKernelParams params = AttentionParamsFor(p.dims);
  params.q = p.q.data();
  params.k = k != nullptr ? k : p.k.data();
  params.v = v != nullptr ? v : p.v.data();
  params.query_positions = p.qpos.data();
  params.visible_lo = p.lo.data();
  params.visible_hi = p.hi.data();
  params.out = r.out.data();
  params.lse = r.lse.data();
  params.out_in = out_in.data();
  params.lse_in = lse_in.data();
  params.out_grad = p.out_grad.data();
  params.dq = r.dq.data();
  params.dk = r.dk.data();
  params.dv = r.dv.data();
  Result<std::vector<AttentionLaunch>> forward = PlanAttentionForward(p.dims);
  Result<std::vector<AttentionLaunch>> backward = PlanAttentionBackward(p.dims);
  EXPECT_TRUE(forward.ok()) << forward.status().ToString();
  EXPECT_TRUE(backward.ok()) << backward.status().ToString();
  if (forward.ok()) Launch(*forward, params);
  if (backward.ok()) Launch(*backward, params);
  return r;
}

// max |got - want| / max |want| over the finite elements of `want` (1 when they are all 0);
// +inf when a non-finite element of either side is not matched exactly by the other.
double MaxRelativeError(const std::vector<float>& got, const std::vector<float>& want) {
  if (got.size() != want.size()) return INFINITY;
  double scale = 0.0;
  for (float x : want) {
    if (std::isfinite(x)) scale = std::max(scale, std::fabs(static_cast<double>(x)));
  }
  if (scale == 0.0) scale = 1.0;
  double worst = 0.0;
  for (size_t n = 0; n < got.size(); ++n) {
    if (!std::isfinite(want[n]) || !std::isfinite(got[n])) {
      const bool same = (std::isnan(want[n]) && std::isnan(got[n])) || want[n] == got[n];
      if (!same) return INFINITY;
      continue;
    }
    worst = std::max(worst, std::fabs(static_cast<double>(got[n]) - want[n]) / scale);
  }
  return worst;
}

// Runs both sides and checks every output; prints the errors (the figures the kernels are
// reported with). Returns the kernels' results.
Results ExpectMatchesCpu(const char* name, const Problem& p) {
  const Results cpu = RunCpu(p);
  const Results gpu = RunEmulated(p, cpu.out, cpu.lse);
  const struct {
    const char* what;
    const std::vector<float>& got;
    const std::vector<float>& want;
  } outputs[] = {{"out", gpu.out, cpu.out}, {"lse", gpu.lse, cpu.lse}, {"dq", gpu.dq, cpu.dq},
                 {"dk", gpu.dk, cpu.dk},    {"dv", gpu.dv, cpu.dv}};
  std::string line = std::string("attention_fa2 ") + name + ": max relative error";
  for (const auto& o : outputs) {
    const double error = MaxRelativeError(o.got, o.want);
    EXPECT_LE(error, kTolerance) << name << " " << o.what;
    char figure[64];
    std::snprintf(figure, sizeof(figure), "  %s %.2e", o.what, error);
    line += figure;
  }
  std::printf("%s\n", line.c_str());
  return gpu;
}

// Causal, grouped queries (2 per kv head), D = Dv = 64, partial tiles (70 = 2 * 32 + 6).
TEST(AttentionFa2EmulationTest, Causal) {
  ExpectMatchesCpu("causal B2 S70 Hq4 Hkv2 D64", Causal(Dims(2, 70, 70, 4, 2, 64, 64, 0.125f), 1));
}

// Packed documents, each causal with a window of 16 positions: key j of document [s, e) is
// visible to [j, min(j + 16, e)). Different document boundaries in each batch.
TEST(AttentionFa2EmulationTest, DocumentCausalWithWindow) {
  Problem p = Causal(Dims(2, 70, 70, 2, 1, 32, 32, 0.18f), 2);
  const std::vector<std::vector<int64_t>> ends = {{25, 52, 70}, {40, 70}};
  for (int64_t b = 0; b < 2; ++b) {
    int64_t start = 0;
    for (int64_t end : ends[b]) {
      for (int64_t j = start; j < end; ++j) {
        p.lo[p.Key(b, j)] = j;
        p.hi[p.Key(b, j)] = std::min(j + 16, end);
      }
      start = end;
    }
  }
  ExpectMatchesCpu("document-causal window 16 B2 S70 Hq2 Hkv1 D32", p);
}

// Causal text with a bidirectional image span [o, o + l) per document: image keys are visible
// to [o, doc_end), text keys to [j, doc_end). D = Dv = 16.
TEST(AttentionFa2EmulationTest, BidirectionalImageSpan) {
  Problem p = Causal(Dims(1, 70, 70, 4, 1, 16, 16, 0.25f), 3);
  struct Doc {
    int64_t start, end, image_start, image_end;
  };
  for (const Doc& doc : {Doc{0, 50, 10, 30}, Doc{50, 70, 55, 62}}) {
    for (int64_t j = doc.start; j < doc.end; ++j) {
      const bool image = doc.image_start <= j && j < doc.image_end;
      p.lo[p.Key(0, j)] = image ? doc.image_start : j;
      p.hi[p.Key(0, j)] = doc.end;
    }
  }
  ExpectMatchesCpu("image span B1 S70 Hq4 Hkv1 D16", p);
}

// Chunk-local causal: key j sees [j, chunk end), chunks of 8; Dv != D, 37 = 32 + 5.
TEST(AttentionFa2EmulationTest, ChunkLocal) {
  Problem p = Causal(Dims(2, 37, 37, 2, 2, 16, 24, 0.3f), 4);
  for (int64_t b = 0; b < 2; ++b) {
    for (int64_t j = 0; j < 37; ++j) p.hi[p.Key(b, j)] = std::min<int64_t>((j / 8 + 1) * 8, 37);
  }
  ExpectMatchesCpu("chunk-local 8 B2 S37 Hq2 Hkv2 D16 Dv24", p);
}

// Queries that see nothing (a whole query tile of batch 1, and one query of batch 0), with NaN
// in their q and out_grad rows, and a whole key tile nobody sees: out 0, lse -inf, dq 0 for
// those queries, dk = dv = 0 for those keys, and no NaN anywhere.
TEST(AttentionFa2EmulationTest, FullyMaskedQueriesAndKeys) {
  Problem p = Causal(Dims(2, 70, 70, 2, 1, 16, 16, 0.25f), 5);
  const int64_t hq = 2, d = 16, dv = 16;
  std::vector<std::pair<int64_t, int64_t>> masked = {{0, 5}};
  for (int64_t i = 32; i < 64; ++i) masked.push_back({1, i});
  for (auto [b, i] : masked) {
    p.qpos[p.Query(b, i)] = -100;  // before every key
    for (int64_t h = 0; h < hq; ++h) {
      for (int64_t c = 0; c < d; ++c) p.q[p.QRow(b, i, h) * d + c] = NAN;
      for (int64_t c = 0; c < dv; ++c) p.out_grad[p.QRow(b, i, h) * dv + c] = NAN;
    }
  }
  for (int64_t j = 64; j < 70; ++j) p.lo[p.Key(0, j)] = p.hi[p.Key(0, j)] = 0;  // [0, 0)
  const Results r = ExpectMatchesCpu("fully masked queries and keys B2 S70 Hq2 Hkv1 D16", p);
  for (auto [b, i] : masked) {
    for (int64_t h = 0; h < hq; ++h) {
      EXPECT_EQ(r.lse[p.QRow(b, i, h)], -INFINITY);
      for (int64_t c = 0; c < dv; ++c) EXPECT_EQ(r.out[p.QRow(b, i, h) * dv + c], 0.0f);
      for (int64_t c = 0; c < d; ++c) EXPECT_EQ(r.dq[p.QRow(b, i, h) * d + c], 0.0f);
    }
  }
  for (int64_t j = 64; j < 70; ++j) {
    for (int64_t c = 0; c < d; ++c) EXPECT_EQ(r.dk[p.KRow(0, j, 0) * d + c], 0.0f);
    for (int64_t c = 0; c < dv; ++c) EXPECT_EQ(r.dv[p.KRow(0, j, 0) * dv + c], 0.0f);
  }
  for (const auto* values : {&r.dk, &r.dv}) {
    for (float x : *values) ASSERT_TRUE(std::isfinite(x));
  }
}

// NaN in the k and v of keys no query sees (an unwritten cache slot), both inside tiles other
// keys make visible (so the per-key skip is what keeps them out) and as a whole tile (skipped):
// every result finite, and those keys' gradients 0.
TEST(AttentionFa2EmulationTest, NaNInUnseenKeysDoesNotLeak) {
  Problem p = Causal(Dims(2, 70, 70, 4, 2, 16, 16, 0.25f), 6);
  const int64_t hkv = 2, d = 16, dv = 16;
  std::vector<std::pair<int64_t, int64_t>> unseen = {{0, 3}, {0, 40}, {1, 33}};
  for (int64_t j = 64; j < 70; ++j) unseen.push_back({1, j});
  for (auto [b, j] : unseen) {
    p.lo[p.Key(b, j)] = p.hi[p.Key(b, j)] = 50;  // the empty interval [50, 50)
    for (int64_t g = 0; g < hkv; ++g) {
      for (int64_t c = 0; c < d; ++c) p.k[p.KRow(b, j, g) * d + c] = NAN;
      for (int64_t c = 0; c < dv; ++c) p.v[p.KRow(b, j, g) * dv + c] = NAN;
    }
  }
  const Results r = ExpectMatchesCpu("NaN in unseen keys B2 S70 Hq4 Hkv2 D16", p);
  for (const auto* values : {&r.out, &r.lse, &r.dq, &r.dk, &r.dv}) {
    for (float x : *values) ASSERT_TRUE(std::isfinite(x));
  }
  for (auto [b, j] : unseen) {
    for (int64_t g = 0; g < hkv; ++g) {
      for (int64_t c = 0; c < d; ++c) EXPECT_EQ(r.dk[p.KRow(b, j, g) * d + c], 0.0f);
      for (int64_t c = 0; c < dv; ++c) EXPECT_EQ(r.dv[p.KRow(b, j, g) * dv + c], 0.0f);
    }
  }
}

// A copy of `values` whose last `unreadable` floats lie on pages with no access: reading them
// kills the process.
class GuardedCopy {
 public:
  GuardedCopy(const std::vector<float>& values, size_t unreadable) {
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    const size_t readable = (values.size() - unreadable) * sizeof(float);
    const size_t head = (readable + page - 1) / page * page;
    const size_t tail = (unreadable * sizeof(float) + page - 1) / page * page;
    bytes_ = head + tail;
    base_ = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT_NE(base_, MAP_FAILED);
    data_ = reinterpret_cast<float*>(static_cast<char*>(base_) + head - readable);
    std::memcpy(data_, values.data(), readable);
    EXPECT_EQ(mprotect(static_cast<char*>(base_) + head, tail, PROT_NONE), 0);
  }
  ~GuardedCopy() { munmap(base_, bytes_); }
  GuardedCopy(const GuardedCopy&) = delete;
  GuardedCopy& operator=(const GuardedCopy&) = delete;
  const float* data() const { return data_; }

 private:
  void* base_ = nullptr;
  size_t bytes_ = 0;
  float* data_ = nullptr;
};

// A key tile nobody sees is never loaded: keys 64..95 (the last tile) have empty intervals,
// and their k and v rows are unreadable memory for all three kernels.
TEST(AttentionFa2EmulationTest, UnseenKeyTileIsNeverRead) {
  Problem p = Causal(Dims(1, 96, 96, 2, 1, 32, 32, 0.18f), 13);
  for (int64_t j = 64; j < 96; ++j) {
    p.lo[p.Key(0, j)] = p.hi[p.Key(0, j)] = 0;
    for (int64_t c = 0; c < 32; ++c) {
      p.k[p.KRow(0, j, 0) * 32 + c] = NAN;
      p.v[p.KRow(0, j, 0) * 32 + c] = NAN;
    }
  }
  const Results cpu = RunCpu(p);
  const GuardedCopy k(p.k, 32 * 32), v(p.v, 32 * 32);
  const Results gpu = RunEmulated(p, cpu.out, cpu.lse, k.data(), v.data());
  EXPECT_LE(MaxRelativeError(gpu.out, cpu.out), kTolerance);
  EXPECT_LE(MaxRelativeError(gpu.lse, cpu.lse), kTolerance);
  EXPECT_LE(MaxRelativeError(gpu.dq, cpu.dq), kTolerance);
  EXPECT_LE(MaxRelativeError(gpu.dk, cpu.dk), kTolerance);
  EXPECT_LE(MaxRelativeError(gpu.dv, cpu.dv), kTolerance);
  for (int64_t n = 64 * 32; n < 96 * 32; ++n) {
    EXPECT_EQ(gpu.dk[n], 0.0f);
    EXPECT_EQ(gpu.dv[n], 0.0f);
  }
}

// Four query heads on one kv head; fewer queries than keys (the queries are the last 37
// positions).
TEST(AttentionFa2EmulationTest, OneKvHeadFewerQueriesThanKeys) {
  ExpectMatchesCpu("GQA Hq4 Hkv1 B2 Sq37 Sk70 D32", Causal(Dims(2, 37, 70, 4, 1, 32, 32, 0.2f), 7));
}

// The largest instance: D = Dv = 128.
TEST(AttentionFa2EmulationTest, HeadDim128) {
  ExpectMatchesCpu("B1 S37 Hq2 Hkv1 D128", Causal(Dims(1, 37, 37, 2, 1, 128, 128, 0.088f), 8));
}

// Dv != D, and more queries than keys: positions i - 33, so the first 33 queries see nothing.
TEST(AttentionFa2EmulationTest, ValueDimDiffersMoreQueriesThanKeys) {
  ExpectMatchesCpu("B1 Sq70 Sk37 Hq2 Hkv1 D64 Dv40",
                   Causal(Dims(1, 70, 37, 2, 1, 64, 40, 0.125f), 9));
}

// Dims that are not a multiple of 4 (the float4 paths' zero padding), three heads per kv head.
TEST(AttentionFa2EmulationTest, OddHeadDims) {
  ExpectMatchesCpu("B2 Sq37 Sk45 Hq3 Hkv1 D7 Dv13", Causal(Dims(2, 37, 45, 3, 1, 7, 13, 0.4f), 10));
}

// A narrow D with a wide Dv: the 128 instance for D = 20.
TEST(AttentionFa2EmulationTest, NarrowKeysWideValues) {
  ExpectMatchesCpu("B1 S40 Hq2 Hkv2 D20 Dv100", Causal(Dims(1, 40, 40, 2, 2, 20, 100, 0.22f), 11));
}

// Every output bit for bit the same on a second run (no atomics, fixed summation order).
TEST(AttentionFa2EmulationTest, Deterministic) {
  const Problem p = Causal(Dims(1, 45, 45, 4, 2, 16, 16, 0.25f), 12);
  const Results cpu = RunCpu(p);
  const Results first = RunEmulated(p, cpu.out, cpu.lse);
  const Results second = RunEmulated(p, cpu.out, cpu.lse);
  auto same = [](const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * 4) == 0;
  };
  EXPECT_TRUE(same(first.out, second.out));
  EXPECT_TRUE(same(first.lse, second.lse));
  EXPECT_TRUE(same(first.dq, second.dq));
  EXPECT_TRUE(same(first.dk, second.dk));
  EXPECT_TRUE(same(first.dv, second.dv));
}

TEST(AttentionFa2EmulationTest, UnknownKernelIsRefused) {
  AttentionKernelParams params = AttentionParamsFor(Dims(1, 1, 1, 1, 1, 1, 1, 1.0f));
  void* kernel_params[1] = {&params};
  const int64_t grid[3] = {1, 1, 1}, block[3] = {128, 1, 1};
  EXPECT_NE(loom_emulate_cuda_kernel("loom_attention_fwd_f32_d256", grid, block, 0, kernel_params),
            0);
}

// The launches: kernel names by head-dim bound, grids, blocks, shared memory.
TEST(AttentionFa2PlannerTest, Launches) {
  Result<std::vector<AttentionLaunch>> fwd =
      PlanAttentionForward(Dims(2, 70, 45, 6, 3, 16, 16, 1));
  ASSERT_TRUE(fwd.ok()) << fwd.status().ToString();
  ASSERT_EQ(fwd->size(), 1u);
  EXPECT_EQ((*fwd)[0].kernel, "loom_attention_fwd_f32_d32");
  EXPECT_EQ(std::vector<int64_t>((*fwd)[0].grid, (*fwd)[0].grid + 3),
            (std::vector<int64_t>{3, 6, 2}));
  EXPECT_EQ(std::vector<int64_t>((*fwd)[0].block, (*fwd)[0].block + 3),
            (std::vector<int64_t>{128, 1, 1}));

  Result<std::vector<AttentionLaunch>> bwd =
      PlanAttentionBackward(Dims(2, 70, 45, 6, 3, 16, 16, 1));
  ASSERT_TRUE(bwd.ok()) << bwd.status().ToString();
  ASSERT_EQ(bwd->size(), 2u);
  EXPECT_EQ((*bwd)[0].kernel, "loom_attention_bwd_dkdv_f32_d32");
  EXPECT_EQ(std::vector<int64_t>((*bwd)[0].grid, (*bwd)[0].grid + 3),
            (std::vector<int64_t>{2, 3, 2}));
  EXPECT_EQ((*bwd)[1].kernel, "loom_attention_bwd_dq_f32_d32");
  EXPECT_EQ(std::vector<int64_t>((*bwd)[1].grid, (*bwd)[1].grid + 3),
            (std::vector<int64_t>{3, 6, 2}));

  // The bound is the smallest of 32, 64, 128 that holds max(D, Dv).
  const struct {
    int64_t d, dv;
    const char* kernel;
  } bounds[] = {{32, 32, "loom_attention_fwd_f32_d32"},
                {33, 8, "loom_attention_fwd_f32_d64"},
                {64, 65, "loom_attention_fwd_f32_d128"},
                {128, 128, "loom_attention_fwd_f32_d128"}};
  for (const auto& bound : bounds) {
    Result<std::vector<AttentionLaunch>> plan =
        PlanAttentionForward(Dims(1, 8, 8, 1, 1, bound.d, bound.dv, 1));
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    EXPECT_EQ((*plan)[0].kernel, bound.kernel) << bound.d << " " << bound.dv;
  }

  // Shared memory at D = Dv = 128 (row stride 132 floats): above the 48 KiB default, so the
  // runtime must raise the function's limit; well below sm_90's 227 KiB.
  Result<std::vector<AttentionLaunch>> wide =
      PlanAttentionBackward(Dims(1, 8, 8, 1, 1, 128, 128, 1));
  ASSERT_TRUE(wide.ok());
  EXPECT_EQ((*wide)[0].dynamic_shared_bytes, 1024u + 128u * (5 * 132 + 2 * 33));  // dK/dV
  EXPECT_EQ((*wide)[1].dynamic_shared_bytes, 768u + 128u * (4 * 132 + 33));       // dQ
  Result<std::vector<AttentionLaunch>> wide_fwd =
      PlanAttentionForward(Dims(1, 8, 8, 1, 1, 128, 128, 1));
  ASSERT_TRUE(wide_fwd.ok());
  EXPECT_EQ((*wide_fwd)[0].dynamic_shared_bytes, 768u + 128u * (3 * 132 + 33));
  EXPECT_GT((*wide_fwd)[0].dynamic_shared_bytes, 48u * 1024u);
}

void ExpectRefused(const AttentionDims& dims, StatusCode code, const std::string& text) {
  for (const auto& plan : {PlanAttentionForward(dims), PlanAttentionBackward(dims)}) {
    ASSERT_FALSE(plan.ok()) << text;
    EXPECT_EQ(plan.status().code(), code) << plan.status().ToString();
    EXPECT_NE(plan.status().message().find(text), std::string::npos) << plan.status().ToString();
  }
}

TEST(AttentionFa2PlannerTest, Refusals) {
  ExpectRefused(Dims(1, 8, 8, 2, 1, 256, 64, 1), StatusCode::kUnsupported, "head_dim 256");
  ExpectRefused(Dims(1, 8, 8, 2, 1, 64, 129, 1), StatusCode::kUnsupported, "value_dim 129");
  ExpectRefused(Dims(1, 8, 8, 6, 4, 64, 64, 1), StatusCode::kInvalidArgument,
                "query_heads 6 is not a multiple of kv_heads 4");
  ExpectRefused(Dims(70000, 8, 8, 2, 1, 64, 64, 1), StatusCode::kUnsupported, "batch 70000");
  ExpectRefused(Dims(1, 8, 8, 65536, 1, 64, 64, 1), StatusCode::kUnsupported,
                "query_heads 65536");
  ExpectRefused(Dims(1, 0, 8, 2, 1, 64, 64, 1), StatusCode::kInvalidArgument, "query_len 0");
  ExpectRefused(Dims(1, 8, int64_t{1} << 31, 2, 1, 64, 64, 1), StatusCode::kInvalidArgument,
                "key_len");
}

}  // namespace
}  // namespace loom::rt::cuda
