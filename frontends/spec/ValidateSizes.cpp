// The sizes a spec implies (parameter count, activations, KV cache) must fit int64: every dim
// may be valid alone while their products wrap.
#include <algorithm>

#include "frontends/spec/Checker.h"

namespace loom::spec::detail {

namespace {

// int64 arithmetic that reports overflow instead of wrapping.
struct Checked {
  int64_t value;
  bool overflow = false;
  Checked operator*(int64_t x) const {
    Checked r{0, overflow};
    r.overflow |= __builtin_mul_overflow(value, x, &r.value);
    return r;
  }
  Checked operator+(Checked x) const {
    Checked r{0, overflow || x.overflow};
    r.overflow |= __builtin_add_overflow(value, x.value, &r.value);
    return r;
  }
};

}  // namespace

// Every count must fit int64 in bytes of the widest dtype (f64, 8 bytes), so that later arena
// offsets and sizes cannot wrap. The caller has checked the dims (kvDim <= dim).
void checkSizes(Checker &c, bool shapeOk) {
  const ModelSpec &spec = c.spec();
  const Transformer &t = spec.transformer();
  const int64_t vocab = spec.vocabulary().size(), dim = t.dim(), hidden = t.ffn_hidden();
  const int64_t kvDim = t.num_kv_heads() * (dim / t.num_heads());
  Checked layer = Checked{dim} * 2 + Checked{dim} * dim * 2 + Checked{kvDim} * dim * 2 +
                  Checked{hidden} * dim * 3;
  Checked total = Checked{vocab} * dim * (t.tie_embeddings() ? 1 : 2) +
                  layer * t.num_layers() + Checked{dim};
  if ((total * 8).overflow)
    c.error("transformer", "the parameter count (* 8 bytes) does not fit in int64; dims too large");
  if (!shapeOk) return;

  const Shape &s = spec.shape();
  const int64_t widest = std::max({dim, hidden, vocab});
  Checked activations = Checked{s.batch()} * s.max_decode_length() * widest * 8;
  Checked kvCache = Checked{t.num_layers()} * s.batch() * s.max_decode_length() * kvDim * 2 * 8;
  if (activations.overflow || kvCache.overflow)
    c.error("shape", "batch * length * width (activations or KV cache, * 8 bytes) does not fit "
                     "in int64");
}

}  // namespace loom::spec::detail
