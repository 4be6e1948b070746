// The training-throughput benchmark of loom-bench: initial weights, batches and the timed loop
// of @grad_step + @apply_step, independent of what runs the entry points (a Program, or the
// command-by-command PlanProfiler).
#ifndef LOOM_TOOLS_LOOM_BENCH_TRAIN_BENCH_H_
#define LOOM_TOOLS_LOOM_BENCH_TRAIN_BENCH_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/base/host_tensor.h"
#include "runtime/base/status.h"
#include "runtime/data/byte_corpus.h"
#include "runtime/schemas/bundle.pb.h"

namespace loom::bench {

// Runs entry point `name` on `inputs` (signature order) and returns its outputs.
using RunFn = std::function<rt::Result<std::vector<rt::HostTensor>>(
    const std::string& name, const std::vector<const rt::HostTensor*>& inputs)>;

// Everything a run needs, built before any timing starts.
struct TrainSetup {
  int64_t batch = 0, length = 0;  // of @grad_step's tokens and targets
  int tokens_input = 0;           // the index of "tokens" among @grad_step's two inputs
  // Step t's batch and @apply_step's step tensor, t in [0, warmup + steps).
  std::vector<rt::HostTensor> tokens, targets, step;
};

// Checks that the manifest has @grad_step (tokens, targets: i64 [B, L] -> loss f32 first) and
// @apply_step (step: i64 scalar) and cuts `count` batches (the weights: rt::InitializeNormalParameters
// from the same seed, runtime/train/checkpoint_state.h).
rt::Result<TrainSetup> PrepareTraining(const loom::bundle::Manifest& manifest,
                                       const rt::ByteCorpus& corpus, uint64_t seed,
                                       int64_t count);

struct TrainTiming {
  int64_t steps = 0;
  double total_s = 0;                // the timed steps, wall clock
  double grad_s = 0, apply_s = 0;    // of which in @grad_step and in @apply_step
  std::vector<double> step_ms;       // each timed step
  double first_loss = 0;             // step 0's loss (a warmup step when warmup > 0)
  double final_loss = 0;             // the last step's loss, before its update
  double last_grad_norm = 0;         // @apply_step's gradient norm at the last step (0 if none)
  int64_t skipped = 0;               // steps @apply_step skipped (non-finite gradient)
};

// Zero-fills the gradient arenas of whatever runs the entry points.
using ZeroGradientsFn = std::function<rt::Status()>;

// Runs warmup + steps training steps through `run`, timing the last `steps`. Each step is what
// the trainer (runtime/train) and PyTorch's zero_grad do: zero_gradients, then @grad_step (which
// adds into the gradient arena), then @apply_step; all three are timed.
rt::Result<TrainTiming> RunTraining(const TrainSetup& setup, int64_t warmup, int64_t steps,
                                    const RunFn& run, const ZeroGradientsFn& zero_gradients);

// The median of `values` (0 when empty).
double Median(std::vector<double> values);

// `value` as a JSON number, or null when it is not finite.
std::string JsonNumber(double value);

}  // namespace loom::bench

#endif  // LOOM_TOOLS_LOOM_BENCH_TRAIN_BENCH_H_
