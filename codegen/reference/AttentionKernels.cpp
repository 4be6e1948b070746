//===- AttentionKernels.cpp - attention and attention_grad ------------------===//
//
// Query i sees key j iff visible_lo[j] <= query_positions[i] < visible_hi[j]
// (AttentionOps.td). Keys a query does not see are skipped, never multiplied
// by zero, so NaN or garbage in them (an unwritten KV-cache slot) cannot leak.
// A query that sees no key gets output 0 and log-sum-exp -inf. Sums run over
// visible keys in index order, in double; the gradient accumulates dK and dV
// over (query head, query) in increasing order.
//
//===----------------------------------------------------------------------===//

#include "codegen/reference/Kernels.h"

#include <cmath>

using namespace mlir;
using namespace mlir::loom;

namespace loom::reference::detail {
namespace {

/// Attention's operands with their run-time sizes checked.
struct Problem {
  int64_t batch, sq, sk, hq, hkv, d, dv;
  double scale;
  const Tensor *q, *k, *v, *qpos, *lo, *hi;

  int64_t kvHead(int64_t h) const { return h / (hq / hkv); }
  const double *query(int64_t b, int64_t i, int64_t h) const {
    return q->f.data() + ((b * sq + i) * hq + h) * d;
  }
  const double *key(int64_t b, int64_t j, int64_t g) const {
    return k->f.data() + ((b * sk + j) * hkv + g) * d;
  }
  const double *value(int64_t b, int64_t j, int64_t g) const {
    return v->f.data() + ((b * sk + j) * hkv + g) * dv;
  }
  /// The keys query i of batch b sees, in index order.
  void visibleKeys(int64_t b, int64_t i, std::vector<int64_t> &keys) const {
    keys.clear();
    int64_t p = qpos->i[b * sq + i];
    for (int64_t j = 0; j < sk; ++j)
      if (lo->i[b * sk + j] <= p && p < hi->i[b * sk + j])
        keys.push_back(j);
  }
};

double dot(const double *a, const double *b, int64_t n) {
  double s = 0.0;
  for (int64_t c = 0; c < n; ++c)
    s += a[c] * b[c];
  return s;
}

template <typename OpT>
FailureOr<Problem> problemOf(OpT op, OpEnv &env) {
  Problem p;
  p.q = &env.in(op.getQuery());
  p.k = &env.in(op.getKey());
  p.v = &env.in(op.getValue());
  p.qpos = &env.in(op.getQueryPositions());
  const Tensor &kpos = env.in(op.getKeyPositions());
  p.lo = &env.in(op.getVisibleLo());
  p.hi = &env.in(op.getVisibleHi());
  p.batch = p.q->shape[0];
  p.sq = p.q->shape[1];
  p.hq = p.q->shape[2];
  p.d = p.q->shape[3];
  p.sk = p.k->shape[1];
  p.hkv = p.k->shape[2];
  p.dv = p.v->shape[3];
  std::vector<int64_t> keyRows{p.batch, p.sk};
  if (failed(env.sameSize(p.k->shape[0], p.batch, "key batch")) ||
      failed(env.sameSize(p.v->shape[0], p.batch, "value batch")) ||
      failed(env.sameSize(p.v->shape[1], p.sk, "value length vs key length")) ||
      failed(env.sameShape(*p.qpos, Tensor::zeros(p.qpos->elementType, {p.batch, p.sq}),
                           "query_positions", "[B, Sq]")) ||
      failed(env.sameShape(kpos, Tensor::zeros(kpos.elementType, keyRows), "key_positions",
                           "[B, Sk]")) ||
      failed(env.sameShape(*p.lo, kpos, "visible_lo", "key_positions")) ||
      failed(env.sameShape(*p.hi, kpos, "visible_hi", "key_positions")))
    return failure();
  std::optional<APFloat> scale = op.getScale();
  p.scale = scale ? scale->convertToDouble() : 1.0 / std::sqrt(static_cast<double>(p.d));
  return p;
}

} // namespace

LogicalResult runAttention(AttentionOp op, OpEnv &env) {
  FailureOr<Problem> pr = problemOf(op, env);
  if (failed(pr))
    return failure();
  const Problem &p = *pr;
  Tensor &out = env.out(0, {p.batch, p.sq, p.hq, p.dv});
  Tensor &lse = env.out(1, {p.batch, p.sq, p.hq});
  std::vector<int64_t> keys;
  std::vector<double> scores;
  for (int64_t b = 0; b < p.batch; ++b)
    for (int64_t i = 0; i < p.sq; ++i) {
      p.visibleKeys(b, i, keys);
      for (int64_t h = 0; h < p.hq; ++h) {
        int64_t row = (b * p.sq + i) * p.hq + h;
        if (keys.empty()) {
          lse.f[row] = -INFINITY; // output stays 0
          continue;
        }
        int64_t g = p.kvHead(h);
        scores.resize(keys.size());
        double m = -INFINITY;
        for (size_t n = 0; n < keys.size(); ++n) {
          scores[n] = p.scale * dot(p.query(b, i, h), p.key(b, keys[n], g), p.d);
          m = scores[n] > m ? scores[n] : m;
        }
        double sum = 0.0;
        for (double &s : scores) {
          s = std::exp(s - m);
          sum += s;
        }
        double *o = out.f.data() + row * p.dv;
        for (size_t n = 0; n < keys.size(); ++n) {
          double w = scores[n] / sum;
          const double *vj = p.value(b, keys[n], g);
          for (int64_t c = 0; c < p.dv; ++c)
            o[c] += w * vj[c];
        }
        lse.f[row] = m + std::log(sum);
      }
    }
  return success();
}

LogicalResult runAttentionGrad(AttentionGradOp op, OpEnv &env) {
  FailureOr<Problem> pr = problemOf(op, env);
  if (failed(pr))
    return failure();
  const Problem &p = *pr;
  const Tensor &o = env.in(op.getOutput()), &l = env.in(op.getLogsumexp());
  const Tensor &dO = env.in(op.getOutputGrad());
  std::vector<int64_t> outShape{p.batch, p.sq, p.hq, p.dv}, rows{p.batch, p.sq, p.hq};
  if (o.shape != outShape || dO.shape != outShape || l.shape != rows)
    return env.fail("output " + o.describe() + ", output_grad " + dO.describe() +
                    " and logsumexp " + l.describe() + " do not match the query's run-time shape");
  Tensor &dq = env.out(0, p.q->shape);
  Tensor &dk = env.out(1, p.k->shape);
  Tensor &dv = env.out(2, p.v->shape);
  std::vector<int64_t> keys;
  for (int64_t b = 0; b < p.batch; ++b)
    for (int64_t h = 0; h < p.hq; ++h) {
      int64_t g = p.kvHead(h);
      for (int64_t i = 0; i < p.sq; ++i) {
        p.visibleKeys(b, i, keys); // none: the query contributes nothing
        int64_t row = (b * p.sq + i) * p.hq + h;
        const double *qi = p.query(b, i, h), *doi = dO.f.data() + row * p.dv;
        double delta = dot(doi, o.f.data() + row * p.dv, p.dv), lseI = l.f[row];
        double *dqi = dq.f.data() + row * p.d;
        for (int64_t j : keys) {
          const double *kj = p.key(b, j, g), *vj = p.value(b, j, g);
          double prob = std::exp(p.scale * dot(qi, kj, p.d) - lseI);
          double ds = prob * (dot(doi, vj, p.dv) - delta);
          double *dkj = dk.f.data() + ((b * p.sk + j) * p.hkv + g) * p.d;
          double *dvj = dv.f.data() + ((b * p.sk + j) * p.hkv + g) * p.dv;
          for (int64_t c = 0; c < p.dv; ++c)
            dvj[c] += prob * doi[c];
          for (int64_t c = 0; c < p.d; ++c) {
            dqi[c] += p.scale * ds * kj[c];
            dkj[c] += p.scale * ds * qi[c];
          }
        }
      }
    }
  return success();
}

} // namespace loom::reference::detail
