// What a training checkpoint holds (checkpoint.h lays out the folder): the trainer's state as
// state.json, and a program's parameters and optimizer arenas as safetensors bytes.
//
// model.safetensors: every parameter of the bundle (trainable and frozen) under its manifest
//   name, with its dtype and shape: the file `loom-run run --params` and PyTorch load.
// optimizer.safetensors: every OPTIMIZER arena (AdamW's "adam_m" and "adam_v") whole, byte for
//   byte, as a 1-D tensor named after the arena. Its dtype is the trainable parameters' dtype
//   when they share one that divides the arena (f32 for the tiny Llama), else i8 over the raw
//   bytes; metadata "loom.layout" says so. Whole arenas need no assumption about how the
//   compiler laid the moments out, and restore bit for bit.
// The GRADIENTS arena is not saved: checkpoints are taken between optimizer steps, where the
// trainer zeroes it anyway.
#ifndef LOOM_RUNTIME_TRAIN_CHECKPOINT_STATE_H_
#define LOOM_RUNTIME_TRAIN_CHECKPOINT_STATE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/base/status.h"
#include "runtime/exec/program.h"

namespace loom::rt {

// state.json. The data order is a pure function of (seed, data cursor) (byte_corpus.h), so the
// cursor and the seed are the data loader's and the RNG's whole state: batch i of the run is
// ByteCorpus::Batch(seed, i, batch, length), whose rows draw splitmix64(seed + i * batch + row).
struct TrainState {
  int64_t step = 0;         // optimizer steps completed (@apply_step calls)
  int64_t data_cursor = 0;  // micro-batches consumed: the next one is batch `data_cursor`
  uint64_t seed = 0;        // the initial weights' and the data order's seed
  int64_t accum = 1;        // micro-batches per optimizer step
  int64_t batch = 0, length = 0;
  int64_t tokens = 0;         // tokens trained on so far
  int64_t skipped_steps = 0;  // updates @apply_step skipped (non-finite gradients)
  std::string bundle_sha256;  // SHA-256 of the bundle's manifest.pb
  std::string data_sha256;    // SHA-256 of the corpus bytes (corpus_path.h)
  uint64_t data_bytes = 0;
};

// Pretty-printed JSON with the fields above, plus "format", "version" and an "rng" object
// ({"generator": "splitmix64", "seed", "counter": data_cursor * batch}).
std::string EncodeTrainState(const TrainState& state);
// Refuses a missing or ill-typed field, a wrong format/version, or an inconsistent rng counter;
// errors start with `label`.
Result<TrainState> ParseTrainState(std::string_view json, const std::string& label);

// The checkpoint files of `program` (see above).
Result<std::string> EncodeModel(const Program& program);
Result<std::string> EncodeOptimizer(const Program& program);
// Loads them back; every parameter (every OPTIMIZER arena) must be present with its exact dtype
// and shape (size), and nothing else may be.
Status RestoreModel(Program& program, const std::string& path);
Status RestoreOptimizer(Program& program, const std::string& path);

// Draws every NORMAL parameter from N(0, init_std²) (f32 or f64), deterministically from
// `seed`: uniforms u = (splitmix64(seed + c) >> 11 + 1) · 2^-53 in (0, 1] with a counter c that
// runs over the parameters in manifest order, two per element, and Box–Muller's cosine branch
// std · sqrt(−2 ln u1) · cos(2π u2), as loom-train-ref and loom-bench draw them. ONES and
// ZEROS parameters are the runtime's already (Program::Load).
Status InitializeNormalParameters(Program& program, uint64_t seed);

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_TRAIN_CHECKPOINT_STATE_H_
