// The checks of `training`: the optimizer and schedule of @apply_step (model_spec.proto,
// message Training). The block is optional (a spec that is only run for inference needs none);
// when present, the learning rate and the step count must be written, the rest has defaults.
#include <cmath>

#include "frontends/spec/Checker.h"

namespace loom::spec::detail {

namespace {

// A real in [lo, hi) (or [lo, hi] when `closed`), finite.
bool requireRange(Checker &c, std::string_view path, double value, double lo, double hi,
                  bool closed, const std::string &range) {
  bool inside = std::isfinite(value) && value >= lo && (closed ? value <= hi : value < hi);
  if (!inside) c.error(path, "must be in " + range + ", not " + number(value));
  return inside;
}

}  // namespace

void checkTraining(Checker &c) {
  if (!c.stated("training")) return;
  Training &t = *c.spec().mutable_training();
  // Defaults of the Training message comment (nanoGPT/Llama-style AdamW).
  if (!c.stated("training.beta1")) t.set_beta1(0.9);
  if (!c.stated("training.beta2")) t.set_beta2(0.95);
  if (!c.stated("training.eps")) t.set_eps(1e-8);
  if (!c.stated("training.weight_decay")) t.set_weight_decay(0.1);
  if (!c.stated("training.clip_norm")) t.set_clip_norm(1.0);

  bool lrOk = c.requirePositiveFinite("training.lr", t.lr());
  if (lrOk && c.stated("training.min_lr"))
    requireRange(c, "training.min_lr", t.min_lr(), 0.0, t.lr(), /*closed=*/true,
                 "[0, training.lr]");
  bool totalOk = c.requirePositive("training.total_steps", t.total_steps());
  if (t.warmup_steps() < 0)
    c.error("training.warmup_steps", "must be >= 0, not " + std::to_string(t.warmup_steps()));
  else if (totalOk && t.warmup_steps() > t.total_steps())
    c.error("training.warmup_steps", std::to_string(t.warmup_steps()) +
                                         " is more than training.total_steps (" +
                                         std::to_string(t.total_steps()) + ")");
  requireRange(c, "training.beta1", t.beta1(), 0.0, 1.0, /*closed=*/false, "[0, 1)");
  requireRange(c, "training.beta2", t.beta2(), 0.0, 1.0, /*closed=*/false, "[0, 1)");
  if (!(t.eps() > 0) || !std::isfinite(t.eps()))
    c.error("training.eps", "must be finite and > 0, not " + number(t.eps()));
  if (!(t.weight_decay() >= 0) || !std::isfinite(t.weight_decay()))
    c.error("training.weight_decay", "must be finite and >= 0, not " + number(t.weight_decay()));
  if (!(t.clip_norm() >= 0) || !std::isfinite(t.clip_norm()))
    c.error("training.clip_norm",
            "must be finite and >= 0 (0 disables clipping), not " + number(t.clip_norm()));
}

}  // namespace loom::spec::detail
