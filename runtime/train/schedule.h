// The learning-rate schedule of a compiled @apply_step, for the trainer's log line.
//
// A bundle's @apply_step computes its learning rate inside the plan (passes/Autodiff/AdamW.h;
// model_spec.proto, message Training), and the manifest does not record the hyperparameters,
// so the trainer reads them from the spec the bundle was compiled from (`loom-run train
// --spec`) to print lr(t). The value only informs: the update uses the compiled schedule.
#ifndef LOOM_RUNTIME_TRAIN_SCHEDULE_H_
#define LOOM_RUNTIME_TRAIN_SCHEDULE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/base/status.h"

namespace loom::rt {

struct LrSchedule {
  double lr = 0, min_lr = 0;
  int64_t warmup_steps = 0, total_steps = 0;
};

// lr(t) at the 0-based optimizer step t, as @apply_step computes it (in double here):
//   t < warmup: lr · (t + 1) / max(1, warmup)
//   else:       min_lr + (lr − min_lr) · (1 + cos(π · min(1, (t − warmup) / max(1, total − warmup)))) / 2
double LearningRate(const LrSchedule& schedule, int64_t t);

// What the trainer takes from a ModelSpec's `training` block.
struct SpecTraining {
  LrSchedule schedule;
  std::optional<uint64_t> seed;  // when the block states one
};

// Reads the top-level `training { ... }` block of a ModelSpec textproto
// (frontends/spec/model_spec.proto): lr and total_steps are required, min_lr and warmup_steps
// default to 0, seed is optional; other fields and blocks are skipped. A lenient reader, not the
// spec's checker (loomc ran that when it compiled the bundle): errors name FILE:LINE.
Result<SpecTraining> ReadSpecTraining(const std::string& path);
Result<SpecTraining> ParseSpecTraining(std::string_view text, const std::string& label);

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_TRAIN_SCHEDULE_H_
