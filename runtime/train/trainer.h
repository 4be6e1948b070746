// The training loop of `loom-run train` (DESIGN.md §6) over a compiled bundle's
// @grad_step(tokens, targets) -> loss and @apply_step(step) -> (grad norm, skipped).
//
// One optimizer step t (0-based; the log counts t + 1):
//   zero the GRADIENTS arenas; for each of `accum` micro-batches: batch = corpus.Batch(seed,
//   data_cursor++) (byte_corpus.h: seeded random windows of the packed byte stream), run
//   @grad_step, which adds its gradient into the arena; scale the sum by 1/accum where the
//   arena lives (the mean gradient; Program::ScaleArenas, on the GPU by its arena kernel;
//   skipped when accum is 1); run @apply_step(t).
// The loss of a step is the mean of its micro-batch losses, rounded to f32.
//
// Checkpoints (checkpoint.h, checkpoint_state.h) are written every `checkpoint_every` steps, at
// the last step and when a stop is requested (SIGINT/SIGTERM); the newest `keep` are kept. A
// run starts from the newest checkpoint that verifies (skipping, with a warning, any damaged
// newer one) unless `resume` is false, which deletes the folder's old checkpoints first. Since
// the state is the parameters, the moments and (seed, data cursor), a resumed run repeats the
// uninterrupted one bit for bit.
//
// Output: a log line every `log_every` steps and at the last step on stdout, warnings on
// stderr, a progress bar on stderr, and one JSON line per step appended to the metrics file.
// On start, the metrics file drops the lines of steps after the starting step (a killed run's
// steps past its last checkpoint, which the resumed run repeats), so each step appears once.
#ifndef LOOM_RUNTIME_TRAIN_TRAINER_H_
#define LOOM_RUNTIME_TRAIN_TRAINER_H_

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "runtime/base/status.h"
#include "runtime/exec/program.h"

namespace loom::rt {

enum class ProgressBar { kAuto, kAlways, kNever };

struct TrainOptions {
  std::string bundle_dir;
  std::string data_path = "data/corpus/corpus.txt";
  std::string spec_path;        // optional: the schedule printed as lr, the default seed/steps
  std::optional<int64_t> steps;  // the optimizer step to train to; default: the spec's total_steps
  std::optional<int64_t> accum;  // default 1, or the checkpoint's
  std::optional<uint64_t> seed;  // default: the spec's seed, else 1234, or the checkpoint's
  std::string checkpoint_dir;    // empty: no checkpoints, no resume
  int64_t checkpoint_every = 100;
  int keep = 3;                  // 0 keeps every checkpoint
  int64_t log_every = 10;
  std::string metrics_path;      // empty: CHECKPOINT_DIR/metrics.jsonl, or none
  int threads = 0;               // 0: one per hardware thread
  ProgramOptions program;        // --device, --no-cuda-graphs
  std::string params_path;       // initial weights of a fresh run
  bool resume = true;
  ProgressBar progress = ProgressBar::kAuto;
  // Polled after every step: once set, the trainer writes a checkpoint (with a checkpoint
  // folder) and returns with TrainResult::interrupted.
  const std::atomic<bool>* stop_requested = nullptr;
};

struct TrainResult {
  int64_t start_step = 0;   // 0, or the checkpoint's step
  int64_t final_step = 0;
  bool interrupted = false;  // stopped by stop_requested before `steps`
  std::string last_checkpoint;
};

Result<TrainResult> Train(const TrainOptions& options);

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_TRAIN_TRAINER_H_
