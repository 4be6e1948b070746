// The attention routines (attention.h) against a plain double-precision implementation written
// here, over the masks of DESIGN.md §4 (causal, window, a query that sees nothing, NaN in a key
// nobody sees, random intervals) and the tiny Llama's sizes, with each kernel set the CPU runs;
// bit-identical results for any thread count; and the attention test program
// (runtime/bundle/test_manifest.h) run end to end through Program::Run. A disabled test prints
// the routines' speed.
#include "runtime/exec/attention.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "runtime/bundle/attention_args.h"
#include "runtime/bundle/test_manifest.h"
#include "runtime/exec/session.h"

namespace loom::rt {
namespace {

using loom::bundle::AttentionShape;
using loom::bundle::LibraryCall;

constexpr int64_t kForever = std::numeric_limits<int64_t>::max();

AttentionShape MakeShape(int64_t batch, int64_t sq, int64_t sk, int64_t hq, int64_t hkv, int64_t d,
                         int64_t dv, float scale) {
  AttentionShape s;
  s.set_batch(batch);
  s.set_query_len(sq);
  s.set_key_len(sk);
  s.set_query_heads(hq);
  s.set_kv_heads(hkv);
  s.set_head_dim(d);
  s.set_value_dim(dv);
  s.set_scale(scale);
  return s;
}

// The operands of both routines in host vectors, laid out as bundle.proto says.
struct Operands {
  AttentionShape s;
  std::vector<float> q, k, v, out_grad;
  std::vector<int64_t> qpos, lo, hi;

  AttentionInputs Inputs() const {
    return {q.data(), k.data(), v.data(), qpos.data(), lo.data(), hi.data()};
  }
  int64_t OutSize() const { return s.batch() * s.query_len() * s.query_heads() * s.value_dim(); }
  int64_t LseSize() const { return s.batch() * s.query_len() * s.query_heads(); }
};

// Uniform values in [-2, 2); query i at position i + Sk - Sq (the last Sq positions of the
// keys), key j visible from position j on: causal.
Operands Causal(const AttentionShape& s, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
  auto random = [&](int64_t n) {
    std::vector<float> values(n);
    for (float& x : values) x = dist(rng);
    return values;
  };
  const int64_t b = s.batch(), sq = s.query_len(), sk = s.key_len();
  Operands o{s,
             random(b * sq * s.query_heads() * s.head_dim()),
             random(b * sk * s.kv_heads() * s.head_dim()),
             random(b * sk * s.kv_heads() * s.value_dim()),
             random(b * sq * s.query_heads() * s.value_dim()),
             {},
             {},
             {}};
  for (int64_t n = 0; n < b * sq; ++n) o.qpos.push_back(n % sq + sk - sq);
  for (int64_t n = 0; n < b * sk; ++n) {
    o.lo.push_back(n % sk);
    o.hi.push_back(kForever);
  }
  return o;
}

std::vector<double> ToDouble(const std::vector<float>& values) {
  return std::vector<double>(values.begin(), values.end());
}

// Attention and its gradient straight from their definitions (bundle.proto), in double.
class Reference {
 public:
  explicit Reference(const Operands& o)
      : q(ToDouble(o.q)), k(ToDouble(o.k)), v(ToDouble(o.v)), o_(o), s_(o.s) {}

  void Forward(std::vector<double>* out, std::vector<double>* lse) const {
    out->assign(o_.OutSize(), 0.0);
    lse->assign(o_.LseSize(), 0.0);
    for (int64_t b = 0; b < s_.batch(); ++b) {
      for (int64_t i = 0; i < s_.query_len(); ++i) {
        for (int64_t h = 0; h < s_.query_heads(); ++h) {
          const int64_t row = Row(b, i, h);
          std::vector<double> scores(s_.key_len(), -INFINITY);
          double max = -INFINITY;
          for (int64_t j = 0; j < s_.key_len(); ++j) {
            if (!Sees(b, i, j)) continue;
            scores[j] = Score(b, i, h, j);
            max = std::max(max, scores[j]);
          }
          if (max == -INFINITY) {  // sees no key
            (*lse)[row] = -INFINITY;
            continue;
          }
          double sum = 0.0;
          for (int64_t j = 0; j < s_.key_len(); ++j) {
            if (Sees(b, i, j)) sum += std::exp(scores[j] - max);
          }
          for (int64_t j = 0; j < s_.key_len(); ++j) {
            if (!Sees(b, i, j)) continue;
            const double p = std::exp(scores[j] - max) / sum;
            for (int64_t c = 0; c < s_.value_dim(); ++c)
              (*out)[row * s_.value_dim() + c] += p * v[KeyRow(b, j, h) * s_.value_dim() + c];
          }
          (*lse)[row] = max + std::log(sum);
        }
      }
    }
  }

  // The gradient of sum(out * out_grad) given the forward results `out` and `lse`.
  void Backward(const std::vector<double>& out, const std::vector<double>& lse,
                std::vector<double>* dq, std::vector<double>* dk, std::vector<double>* dv) const {
    const int64_t d = s_.head_dim(), e = s_.value_dim();
    dq->assign(q.size(), 0.0);
    dk->assign(k.size(), 0.0);
    dv->assign(v.size(), 0.0);
    for (int64_t b = 0; b < s_.batch(); ++b) {
      for (int64_t i = 0; i < s_.query_len(); ++i) {
        for (int64_t h = 0; h < s_.query_heads(); ++h) {
          const int64_t row = Row(b, i, h);
          for (int64_t j = 0; j < s_.key_len(); ++j) {
            if (!Sees(b, i, j)) continue;
            const int64_t kr = KeyRow(b, j, h);
            const double p = std::exp(Score(b, i, h, j) - lse[row]);
            double dp = 0.0, delta = 0.0;
            for (int64_t c = 0; c < e; ++c) {
              dp += o_.out_grad[row * e + c] * v[kr * e + c];
              delta += o_.out_grad[row * e + c] * out[row * e + c];
            }
            const double ds = p * (dp - delta);
            for (int64_t c = 0; c < d; ++c) {
              (*dq)[row * d + c] += s_.scale() * ds * k[kr * d + c];
              (*dk)[kr * d + c] += s_.scale() * ds * q[row * d + c];
            }
            for (int64_t c = 0; c < e; ++c) (*dv)[kr * e + c] += p * o_.out_grad[row * e + c];
          }
        }
      }
    }
  }

  std::vector<double> q, k, v;  // public: the derivative check perturbs them

 private:
  int64_t Row(int64_t b, int64_t i, int64_t h) const {
    return (b * s_.query_len() + i) * s_.query_heads() + h;
  }
  // Key j's row of k and v for query head h.
  int64_t KeyRow(int64_t b, int64_t j, int64_t h) const {
    const int64_t g = h / (s_.query_heads() / s_.kv_heads());
    return (b * s_.key_len() + j) * s_.kv_heads() + g;
  }
  bool Sees(int64_t b, int64_t i, int64_t j) const {
    const int64_t p = o_.qpos[b * s_.query_len() + i];
    return o_.lo[b * s_.key_len() + j] <= p && p < o_.hi[b * s_.key_len() + j];
  }
  double Score(int64_t b, int64_t i, int64_t h, int64_t j) const {
    double dot = 0.0;
    for (int64_t c = 0; c < s_.head_dim(); ++c)
      dot += q[Row(b, i, h) * s_.head_dim() + c] * k[KeyRow(b, j, h) * s_.head_dim() + c];
    return s_.scale() * dot;
  }

  const Operands& o_;
  const AttentionShape& s_;
};

// What the routines return; filled with NaN first, so an element they fail to write shows.
struct Results {
  std::vector<float> out, lse, dq, dk, dv;
};

Results RunBoth(const Operands& o, int threads) {
  ThreadPool pool(threads);
  Results r;
  r.out.assign(o.OutSize(), NAN);
  r.lse.assign(o.LseSize(), NAN);
  RunAttentionF32(o.s, o.Inputs(), r.out.data(), r.lse.data(), pool);
  r.dq.assign(o.q.size(), NAN);
  r.dk.assign(o.k.size(), NAN);
  r.dv.assign(o.v.size(), NAN);
  RunAttentionGradF32(o.s, o.Inputs(), r.out.data(), r.lse.data(), o.out_grad.data(), r.dq.data(),
                      r.dk.data(), r.dv.data(), pool);
  return r;
}

// The routines sum in f32: every element within 2e-5 of the tensor's largest magnitude (the
// tensor's scale) of the double reference. At the sizes here the error stays below 2e-6 of it.
constexpr double kTolerance = 2e-5;

void ExpectClose(const char* what, const std::vector<float>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size()) << what;
  double scale = 0.0;
  for (double x : want) {
    if (std::isfinite(x)) scale = std::max(scale, std::fabs(x));
  }
  for (size_t n = 0; n < got.size(); ++n) {
    if (std::isinf(want[n])) {
      EXPECT_EQ(got[n], want[n]) << what << "[" << n << "]";
    } else {
      EXPECT_NEAR(got[n], want[n], kTolerance * scale) << what << "[" << n << "]";
    }
  }
}

// The kernel sets this CPU runs (attention.h): the portable one, and AVX2 where it can.
std::vector<AttentionKernels> KernelSets() {
  std::vector<AttentionKernels> sets = {AttentionKernels::kPortable};
  if (ForceAttentionKernelsForTesting(AttentionKernels::kAvx2)) {
    sets.push_back(AttentionKernels::kAvx2);
  }
  ForceAttentionKernelsForTesting(AttentionKernels::kBest);
  return sets;
}

// Runs `body` once with each kernel set forced, then restores the default.
void ForEachKernelSet(const std::function<void()>& body) {
  for (AttentionKernels set : KernelSets()) {
    SCOPED_TRACE(set == AttentionKernels::kAvx2 ? "AVX2 kernels" : "portable kernels");
    ASSERT_TRUE(ForceAttentionKernelsForTesting(set));
    body();
  }
  ForceAttentionKernelsForTesting(AttentionKernels::kBest);
}

// Runs both routines with each kernel set and checks them against the reference; the
// gradient's reference starts from the routine's own out and lse, so each routine is checked on
// its own. Returns the results of the last set.
Results ExpectMatchesReference(const Operands& o) {
  Results r;
  ForEachKernelSet([&] {
    r = RunBoth(o, 3);
    Reference ref(o);
    std::vector<double> out, lse, dq, dk, dv;
    ref.Forward(&out, &lse);
    ExpectClose("out", r.out, out);
    ExpectClose("lse", r.lse, lse);
    ref.Backward(ToDouble(r.out), ToDouble(r.lse), &dq, &dk, &dv);
    ExpectClose("dq", r.dq, dq);
    ExpectClose("dk", r.dk, dk);
    ExpectClose("dv", r.dv, dv);
  });
  return r;
}

bool BitIdentical(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// The reference's gradient is the derivative of sum(out * out_grad): central differences in
// double, on GQA with a query that sees nothing. Guards the test's own reference.
TEST(AttentionTest, ReferenceGradientIsTheDerivative) {
  Operands o = Causal(MakeShape(2, 4, 5, 4, 2, 3, 2, 0.6f), 1);
  o.qpos[5] = -3;  // batch 1, query 1: before every key
  Reference ref(o);
  std::vector<double> out, lse, grads[3];
  ref.Forward(&out, &lse);
  ref.Backward(out, lse, &grads[0], &grads[1], &grads[2]);
  auto loss = [&] {
    std::vector<double> o2, l2;
    ref.Forward(&o2, &l2);
    double sum = 0.0;
    for (size_t n = 0; n < o2.size(); ++n) sum += o2[n] * o.out_grad[n];
    return sum;
  };
  std::vector<double>* operands[] = {&ref.q, &ref.k, &ref.v};
  for (int t = 0; t < 3; ++t) {
    for (size_t n = 0; n < operands[t]->size(); ++n) {
      double& x = (*operands[t])[n];
      const double saved = x, eps = 1e-5;
      x = saved + eps;
      const double up = loss();
      x = saved - eps;
      const double down = loss();
      x = saved;
      EXPECT_NEAR(grads[t][n], (up - down) / (2 * eps), 1e-7)
          << "operand " << t << " [" << n << "]";
    }
  }
}

TEST(AttentionTest, CausalGroupedQueryMatchesReference) {
  ExpectMatchesReference(Causal(MakeShape(2, 6, 6, 4, 2, 5, 3, 0.4f), 2));
}

TEST(AttentionTest, QueriesAfterTheKeysMatchReference) {
  ExpectMatchesReference(Causal(MakeShape(1, 3, 8, 4, 1, 4, 4, 0.5f), 3));  // one kv head
}

// Key j visible to positions [j, j + 3): a sliding window.
TEST(AttentionTest, WindowMaskMatchesReference) {
  Operands o = Causal(MakeShape(2, 4, 7, 4, 2, 3, 2, 0.7f), 4);
  for (size_t j = 0; j < o.hi.size(); ++j) o.hi[j] = o.lo[j] + 3;
  ExpectMatchesReference(o);
}

// The tiny Llama's attention (models/llama/tiny.textproto): B 4, S 64, 4 query heads on 2 kv
// heads, head dim 16.
TEST(AttentionTest, TinyModelSizesMatchReference) {
  ExpectMatchesReference(Causal(MakeShape(4, 64, 64, 4, 2, 16, 16, 0.25f), 10));
}

// Four query heads per kv head, head dim 64 and value dim 40 (whole and partial vectors), more
// than one query block.
TEST(AttentionTest, WideHeadsMatchReference) {
  ExpectMatchesReference(Causal(MakeShape(1, 40, 45, 8, 2, 64, 40, 0.125f), 11));
}

// Random intervals, positions and a group of 3: queries see up to ~40 scattered runs of keys
// over three 64-key words; in batch 0, keys 60..70 and 120..135 are seen from every position
// in [-100, 100) (runs across the words' edges), and query 3 sees nothing.
TEST(AttentionTest, RandomIntervalsMatchReference) {
  Operands o = Causal(MakeShape(2, 20, 150, 3, 1, 7, 9, 0.6f), 12);
  std::mt19937 rng(13);
  std::uniform_int_distribution<int64_t> at(-10, 60), length(0, 40);
  for (size_t j = 0; j < o.lo.size(); ++j) {
    o.lo[j] = at(rng);
    o.hi[j] = o.lo[j] + length(rng);
  }
  for (int64_t& pos : o.qpos) pos = at(rng);
  for (int64_t j = 0; j < 150; ++j) {
    if ((60 <= j && j <= 70) || (120 <= j && j <= 135)) {
      o.lo[j] = -100;
      o.hi[j] = 100;
    }
  }
  o.qpos[3] = 1000;
  ExpectMatchesReference(o);
}

// A query before every key sees nothing: out 0, lse -inf, dq 0, and NaN in its out_grad row
// reaches no gradient.
TEST(AttentionTest, FullyMaskedQuery) {
  Operands o = Causal(MakeShape(2, 5, 5, 4, 2, 3, 2, 0.5f), 5);
  const int64_t b = 1, i = 2, hq = 4, d = 3, dv = 2;
  o.qpos[b * 5 + i] = -7;
  for (int64_t h = 0; h < hq; ++h) o.out_grad[((b * 5 + i) * hq + h) * dv] = NAN;
  Results r = ExpectMatchesReference(o);
  for (int64_t h = 0; h < hq; ++h) {
    const int64_t row = (b * 5 + i) * hq + h;
    EXPECT_EQ(r.lse[row], -INFINITY);
    for (int64_t c = 0; c < dv; ++c) EXPECT_EQ(r.out[row * dv + c], 0.0f);
    for (int64_t c = 0; c < d; ++c) EXPECT_EQ(r.dq[row * d + c], 0.0f);
  }
  for (float x : r.dk) EXPECT_TRUE(std::isfinite(x));
  for (float x : r.dv) EXPECT_TRUE(std::isfinite(x));
}

// Key 3 is visible to no position, and its k and v hold NaN (an unwritten cache slot): every
// result stays finite, and its own gradients are 0.
TEST(AttentionTest, NaNInUnseenKeyDoesNotLeak) {
  const AttentionShape s = MakeShape(2, 6, 6, 4, 2, 3, 2, 0.5f);
  Operands o = Causal(s, 6);
  const int64_t j = 3, hkv = 2, d = 3, dv = 2;
  for (int64_t b = 0; b < 2; ++b) {
    o.lo[b * 6 + j] = o.hi[b * 6 + j] = 4;  // the empty interval [4, 4)
    for (int64_t g = 0; g < hkv; ++g) {
      for (int64_t c = 0; c < d; ++c) o.k[((b * 6 + j) * hkv + g) * d + c] = NAN;
      for (int64_t c = 0; c < dv; ++c) o.v[((b * 6 + j) * hkv + g) * dv + c] = NAN;
    }
  }
  Results r = ExpectMatchesReference(o);
  for (const auto* values : {&r.out, &r.lse, &r.dq, &r.dk, &r.dv}) {
    for (float x : *values) ASSERT_TRUE(std::isfinite(x));
  }
  for (int64_t b = 0; b < 2; ++b) {
    for (int64_t g = 0; g < hkv; ++g) {
      for (int64_t c = 0; c < d; ++c) EXPECT_EQ(r.dk[((b * 6 + j) * hkv + g) * d + c], 0.0f);
      for (int64_t c = 0; c < dv; ++c) EXPECT_EQ(r.dv[((b * 6 + j) * hkv + g) * dv + c], 0.0f);
    }
  }
}

// Several query blocks (the last one partial) and many keys: every output bit for bit the
// same with 1, 2 and 5 threads, with each kernel set.
TEST(AttentionTest, BitIdenticalForAnyThreadCount) {
  static_assert(kAttentionQueryBlock < 70 / 2, "the test needs several query blocks");
  Operands o = Causal(MakeShape(2, 70, 131, 4, 2, 8, 5, 0.35f), 7);
  for (size_t j = 0; j < o.hi.size(); j += 5) o.hi[j] = o.lo[j] + 40;  // some windows
  ForEachKernelSet([&] {
    const Results first = RunBoth(o, 1);
    for (int threads : {2, 5}) {
      const Results r = RunBoth(o, threads);
      EXPECT_TRUE(BitIdentical(r.out, first.out)) << threads << " threads";
      EXPECT_TRUE(BitIdentical(r.lse, first.lse)) << threads << " threads";
      EXPECT_TRUE(BitIdentical(r.dq, first.dq)) << threads << " threads";
      EXPECT_TRUE(BitIdentical(r.dk, first.dk)) << threads << " threads";
      EXPECT_TRUE(BitIdentical(r.dv, first.dv)) << threads << " threads";
    }
  });
}

// Not a test: microseconds per call of both routines at the tiny Llama's shapes and a bigger
// one, 1 and 2 threads (the median of 15 timings of `calls` calls each). Run it by hand:
//   loom-runtime-exec-tests --gtest_also_run_disabled_tests --gtest_filter='*Benchmark*'
TEST(AttentionTest, DISABLED_Benchmark) {
  struct Case {
    const char* name;
    AttentionShape shape;
    int calls;
  };
  const Case cases[] = {
      {"tiny  B4 S64 Hq4 Hkv2 D16 ", MakeShape(4, 64, 64, 4, 2, 16, 16, 0.25f), 40},
      {"big   B4 S256 Hq8 Hkv2 D64", MakeShape(4, 256, 256, 8, 2, 64, 64, 0.125f), 2},
  };
  for (const Case& c : cases) {
    const Operands o = Causal(c.shape, 9);
    std::vector<float> out(o.OutSize()), lse(o.LseSize()), dq(o.q.size()), dk(o.k.size()),
        dv(o.v.size());
    for (int threads : {1, 2}) {
      ThreadPool pool(threads);
      auto median_us = [&](const std::function<void()>& call) {
        call();  // warm up
        std::vector<double> us;
        for (int rep = 0; rep < 15; ++rep) {
          const auto start = std::chrono::steady_clock::now();
          for (int n = 0; n < c.calls; ++n) call();
          us.push_back(std::chrono::duration<double, std::micro>(
                           std::chrono::steady_clock::now() - start).count() / c.calls);
        }
        std::sort(us.begin(), us.end());
        return us[us.size() / 2];
      };
      const double fwd = median_us(
          [&] { RunAttentionF32(o.s, o.Inputs(), out.data(), lse.data(), pool); });
      const double grad = median_us([&] {
        RunAttentionGradF32(o.s, o.Inputs(), out.data(), lse.data(), o.out_grad.data(), dq.data(),
                            dk.data(), dv.data(), pool);
      });
      std::printf("attention %s  %d thread(s): forward %9.1f us  gradient %9.1f us\n", c.name,
                  threads, fwd, grad);
    }
  }
}

HostTensor TensorOf(const AttentionOperand& op, const void* data) {
  HostTensor t = HostTensor::Allocate(op.dtype, op.shape).value();
  std::memcpy(t.data(), data, t.size_bytes());
  return t;
}

// The attention test program: its "attention" and "attention_grad" entry points, run through
// Program::Run, agree with the reference and are bit-identical for 1 and 3 threads.
TEST(AttentionTest, ProgramRunsTheAttentionBundle) {
  const loom::bundle::Manifest manifest = testing::AttentionTestManifest();
  std::string dir = testing::MakeTempDir("attention");
  std::ofstream(dir + "/manifest.pb", std::ios::binary) << manifest.SerializeAsString();
  Operands o = Causal(testing::AttentionTestShape(), 8);
  o.qpos[6] = -1;  // batch 1, query 1 sees nothing
  Reference ref(o);
  std::vector<double> out, lse, dq, dk, dv;
  ref.Forward(&out, &lse);

  std::vector<HostTensor> first;
  for (int threads : {1, 3}) {
    Session session(threads);
    Result<Program*> program = session.Load("attention", dir);
    ASSERT_TRUE(program.ok()) << program.status().ToString();
    std::map<std::string, const void*> data = {{"q", o.q.data()},
                                               {"k", o.k.data()},
                                               {"v", o.v.data()},
                                               {"out_grad", o.out_grad.data()},
                                               {"query_positions", o.qpos.data()},
                                               {"visible_lo", o.lo.data()},
                                               {"visible_hi", o.hi.data()}};
    std::map<std::string, HostTensor> tensors;
    for (const AttentionOperand& op : AttentionOperands(LibraryCall::ATTENTION_GRAD_F32, o.s)) {
      if (data.count(op.name)) tensors[op.name] = TensorOf(op, data[op.name]);
    }
    auto run = [&](int e) {
      std::vector<const HostTensor*> inputs;
      for (const auto& sig : manifest.entry_points(e).inputs())
        inputs.push_back(&tensors.at(sig.name()));
      Result<std::vector<HostTensor>> outputs =
          (*program)->Run(manifest.entry_points(e).name(), inputs);
      EXPECT_TRUE(outputs.ok()) << outputs.status().ToString();
      for (int n = 0; n < manifest.entry_points(e).outputs_size() && outputs.ok(); ++n)
        tensors[manifest.entry_points(e).outputs(n).name()] = std::move((*outputs)[n]);
    };
    run(0);
    run(1);
    auto values = [&](const char* name) {
      const HostTensor& t = tensors.at(name);
      return std::vector<float>(t.data_as<float>(), t.data_as<float>() + t.num_elements());
    };
    ExpectClose("out", values("out"), out);
    ExpectClose("lse", values("lse"), lse);
    ref.Backward(ToDouble(values("out")), ToDouble(values("lse")), &dq, &dk, &dv);
    ExpectClose("dq", values("dq"), dq);
    ExpectClose("dk", values("dk"), dk);
    ExpectClose("dv", values("dv"), dv);
    const char* results[] = {"out", "lse", "dq", "dk", "dv"};
    for (int n = 0; n < 5; ++n) {
      if (threads == 1) {
        first.push_back(std::move(tensors.at(results[n])));
      } else {
        EXPECT_TRUE(tensors.at(results[n]) == first[n]) << results[n] << " differs";
      }
    }
  }
}

}  // namespace
}  // namespace loom::rt
