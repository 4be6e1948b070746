#include "runtime/exec/attention.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace loom::rt {
namespace {

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
        scale(s.scale()),
        in(inputs) {}

  // The row of out, lse, out_grad and q (times d) of query i, head h.
  int64_t Row(int64_t b, int64_t i, int64_t h) const { return (b * sq + i) * hq + h; }
  // The row of k and v (times d, dv) of key j, kv head g.
  int64_t KeyRow(int64_t b, int64_t j, int64_t g) const { return (b * sk + j) * hkv + g; }
  const float* Query(int64_t b, int64_t i, int64_t h) const { return in.q + Row(b, i, h) * d; }
  const float* Key(int64_t b, int64_t j, int64_t g) const { return in.k + KeyRow(b, j, g) * d; }
  const float* Value(int64_t b, int64_t j, int64_t g) const { return in.v + KeyRow(b, j, g) * dv; }
  bool Sees(int64_t b, int64_t i, int64_t j) const {
    const int64_t p = in.query_positions[b * sq + i];
    return in.visible_lo[b * sk + j] <= p && p < in.visible_hi[b * sk + j];
  }
  // The keys query i of batch b sees, in index order.
  void VisibleKeys(int64_t b, int64_t i, std::vector<int64_t>* keys) const {
    keys->clear();
    for (int64_t j = 0; j < sk; ++j) {
      if (Sees(b, i, j)) keys->push_back(j);
    }
  }

  int64_t batch, sq, sk, hq, hkv, d, dv;
  int64_t group;  // query heads per kv head: head h reads kv head h / group
  double scale;
  AttentionInputs in;
};

// The forward pass's results and the output's gradient, which the backward pass reads.
struct GradInputs {
  const float* out;
  const float* lse;
  const float* out_grad;
};

// In double: the product of two floats is exact, so only the sum rounds.
double Dot(const float* a, const float* b, int64_t n) {
  double sum = 0.0;
  for (int64_t c = 0; c < n; ++c) sum += static_cast<double>(a[c]) * b[c];
  return sum;
}

void Store(const double* from, int64_t n, float* to) {
  for (int64_t c = 0; c < n; ++c) to[c] = static_cast<float>(from[c]);
}

// Every head of query row (b, i): writes its out and lse rows.
void ForwardRow(const Problem& p, int64_t b, int64_t i, float* out, float* lse) {
  std::vector<int64_t> keys;
  p.VisibleKeys(b, i, &keys);
  std::vector<double> scores(keys.size()), acc(p.dv);
  for (int64_t h = 0; h < p.hq; ++h) {
    const int64_t row = p.Row(b, i, h);
    std::fill(acc.begin(), acc.end(), 0.0);
    if (keys.empty()) {
      Store(acc.data(), p.dv, out + row * p.dv);
      lse[row] = -INFINITY;
      continue;
    }
    const int64_t g = h / p.group;
    double max = -INFINITY;
    for (size_t n = 0; n < keys.size(); ++n) {
      scores[n] = p.scale * Dot(p.Query(b, i, h), p.Key(b, keys[n], g), p.d);
      max = scores[n] > max ? scores[n] : max;
    }
    double sum = 0.0;
    for (double& s : scores) {
      s = std::exp(s - max);
      sum += s;
    }
    for (size_t n = 0; n < keys.size(); ++n) {
      const double w = scores[n] / sum;
      const float* vj = p.Value(b, keys[n], g);
      for (int64_t c = 0; c < p.dv; ++c) acc[c] += w * vj[c];
    }
    Store(acc.data(), p.dv, out + row * p.dv);
    lse[row] = static_cast<float>(max + std::log(sum));
  }
}

// The backward pass of one (query, key) pair the query sees: P = exp(scale * q.k - lse) and
// dS = P * (dO.v - delta), delta = rowsum(dO * out). dQ and dK/dV tasks both call this, so
// they agree on every P and dS bit for bit.
struct Pair {
  double prob, ds;
};
Pair Backprop(const Problem& p, const float* qi, const float* doi, double delta, double lse,
              const float* kj, const float* vj) {
  const double prob = std::exp(p.scale * Dot(qi, kj, p.d) - lse);
  return {prob, prob * (Dot(doi, vj, p.dv) - delta)};
}

// Every head of query row (b, i): writes its dq rows.
void DqRow(const Problem& p, const GradInputs& g_in, int64_t b, int64_t i, float* dq) {
  std::vector<int64_t> keys;  // none: the query contributes nothing and its dq is 0
  p.VisibleKeys(b, i, &keys);
  std::vector<double> acc(p.d);
  for (int64_t h = 0; h < p.hq; ++h) {
    const int64_t row = p.Row(b, i, h), g = h / p.group;
    std::fill(acc.begin(), acc.end(), 0.0);
    const float* qi = p.Query(b, i, h);
    const float* doi = g_in.out_grad + row * p.dv;
    const double delta = Dot(doi, g_in.out + row * p.dv, p.dv);
    for (int64_t j : keys) {
      const float* kj = p.Key(b, j, g);
      const Pair pair = Backprop(p, qi, doi, delta, g_in.lse[row], kj, p.Value(b, j, g));
      for (int64_t c = 0; c < p.d; ++c) acc[c] += p.scale * pair.ds * kj[c];
    }
    Store(acc.data(), p.d, dq + row * p.d);
  }
}

// Keys [j0, j1) of kv head g in batch b: writes their dk and dv rows, summing over the query
// heads of the group, then the queries, in increasing order.
void DkDvBlock(const Problem& p, const GradInputs& g_in, int64_t b, int64_t g, int64_t j0,
               int64_t j1, float* dk, float* dv) {
  std::vector<double> dk_acc((j1 - j0) * p.d, 0.0), dv_acc((j1 - j0) * p.dv, 0.0);
  for (int64_t h = g * p.group; h < (g + 1) * p.group; ++h) {
    for (int64_t i = 0; i < p.sq; ++i) {
      const int64_t row = p.Row(b, i, h);
      const float* qi = p.Query(b, i, h);
      const float* doi = g_in.out_grad + row * p.dv;
      const double delta = Dot(doi, g_in.out + row * p.dv, p.dv);  // unused if none is seen
      for (int64_t j = j0; j < j1; ++j) {
        if (!p.Sees(b, i, j)) continue;
        const Pair pair =
            Backprop(p, qi, doi, delta, g_in.lse[row], p.Key(b, j, g), p.Value(b, j, g));
        double* dkj = dk_acc.data() + (j - j0) * p.d;
        double* dvj = dv_acc.data() + (j - j0) * p.dv;
        for (int64_t c = 0; c < p.dv; ++c) dvj[c] += pair.prob * doi[c];
        for (int64_t c = 0; c < p.d; ++c) dkj[c] += p.scale * pair.ds * qi[c];
      }
    }
  }
  for (int64_t j = j0; j < j1; ++j) {
    Store(dk_acc.data() + (j - j0) * p.d, p.d, dk + p.KeyRow(b, j, g) * p.d);
    Store(dv_acc.data() + (j - j0) * p.dv, p.dv, dv + p.KeyRow(b, j, g) * p.dv);
  }
}

}  // namespace

void RunAttentionF32(const loom::bundle::AttentionShape& shape, const AttentionInputs& in,
                     float* out, float* lse, ThreadPool& pool) {
  const Problem p(shape, in);
  pool.ParallelFor(p.batch * p.sq, [&](int64_t t) { ForwardRow(p, t / p.sq, t % p.sq, out, lse); });
}

void RunAttentionGradF32(const loom::bundle::AttentionShape& shape, const AttentionInputs& in,
                         const float* out, const float* lse, const float* out_grad, float* dq,
                         float* dk, float* dv, ThreadPool& pool) {
  const Problem p(shape, in);
  const GradInputs g_in{out, lse, out_grad};
  pool.ParallelFor(p.batch * p.sq, [&](int64_t t) { DqRow(p, g_in, t / p.sq, t % p.sq, dq); });
  const int64_t blocks = (p.sk + kAttentionKeyBlock - 1) / kAttentionKeyBlock;
  pool.ParallelFor(p.batch * p.hkv * blocks, [&](int64_t t) {
    const int64_t block = t % blocks, g = (t / blocks) % p.hkv, b = t / (blocks * p.hkv);
    const int64_t j0 = block * kAttentionKeyBlock;
    DkDvBlock(p, g_in, b, g, j0, std::min(j0 + kAttentionKeyBlock, p.sk), dk, dv);
  });
}

}  // namespace loom::rt
