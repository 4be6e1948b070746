// Training checkpoints on disk (DESIGN.md §6): one folder per optimizer step, written
// atomically, verified by hashes before use, kept by a retention policy.
//
//   ROOT/step-00000012/       (step = optimizer steps completed, 8 digits or more)
//     model.safetensors       every parameter by name (checkpoint_state.h)
//     optimizer.safetensors   every OPTIMIZER arena, whole (checkpoint_state.h)
//     state.json              step, data cursor, seed and RNG state, bundle and data hashes
//     MANIFEST                "<sha256>  <file>" per file above (sha256sum -c reads it)
//     COMPLETE                written last: the step and the SHA-256 of MANIFEST
//
// WriteCheckpoint writes everything into ROOT/.step-00000012.tmp, fsyncs each file and the
// folder, renames the folder into place and fsyncs ROOT: a crash at any moment leaves either
// the complete checkpoint or none under the final name (a hidden temporary is removed by the
// next run). VerifyCheckpoint re-checks the marker and every hash, so a checkpoint damaged
// later on disk (truncated, bytes changed, a file lost) is recognized and skipped.
#ifndef LOOM_RUNTIME_TRAIN_CHECKPOINT_H_
#define LOOM_RUNTIME_TRAIN_CHECKPOINT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runtime/base/status.h"

namespace loom::rt {

inline constexpr char kCheckpointModelFile[] = "model.safetensors";
inline constexpr char kCheckpointOptimizerFile[] = "optimizer.safetensors";
inline constexpr char kCheckpointStateFile[] = "state.json";
inline constexpr char kCheckpointManifestFile[] = "MANIFEST";
inline constexpr char kCheckpointCompleteFile[] = "COMPLETE";

struct CheckpointDir {
  std::string path;
  int64_t step = 0;
};

// "step-00000012" for 12.
std::string CheckpointName(int64_t step);

// Writes `files` (file name -> bytes; kCheckpointModelFile, kCheckpointOptimizerFile and
// kCheckpointStateFile are required) as checkpoint `step` under `root` (created if needed), as
// described above, replacing an existing checkpoint of the same step. Returns its path.
Result<std::string> WriteCheckpoint(const std::string& root, int64_t step,
                                    const std::map<std::string, std::string>& files);

// OK when `dir` holds a COMPLETE marker for its step that matches MANIFEST, and every file
// MANIFEST lists (the three required ones at least) has its hash. The error says what is wrong
// ("no COMPLETE marker", "model.safetensors: SHA-256 mismatch ...").
Status VerifyCheckpoint(const std::string& dir);

// The step-N folders of `root`, newest (largest N) first; none when `root` does not exist.
Result<std::vector<CheckpointDir>> ListCheckpoints(const std::string& root);

struct SkippedCheckpoint {
  std::string path, reason;
  std::string ToString() const { return path + ": " + reason; }
};

// The newest checkpoint that verifies, or nullopt. Each newer one that does not verify is added
// to `skipped` with the reason.
Result<std::optional<CheckpointDir>> FindNewestCheckpoint(const std::string& root,
                                                          std::vector<SkippedCheckpoint>* skipped);

// Renames a checkpoint that failed verification, ROOT/step-N, to ROOT/damaged-step-N (replacing
// an older one of that name): kept for inspection, but out of the sight of resume and
// retention, so that it neither warns again nor takes the place of a good checkpoint. Returns
// the new path.
Result<std::string> SetAsideDamagedCheckpoint(const std::string& dir);

// Keeps the newest `keep` step-N folders and removes the older ones (keep 0 keeps all); the
// paths removed go to `removed`.
Status RetainNewestCheckpoints(const std::string& root, int keep,
                               std::vector<std::string>* removed);

// Removes the hidden temporaries a killed write left in `root` (.step-*.tmp, .step-*.old).
Status RemoveCheckpointTemporaries(const std::string& root);

// An exclusive lock on `root` (flock of ROOT/LOCK), held while the object lives, so that two
// trainers never write one checkpoint folder. The kernel drops it when the process dies.
class CheckpointLock {
 public:
  static Result<CheckpointLock> Acquire(const std::string& root);
  CheckpointLock(CheckpointLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  CheckpointLock& operator=(CheckpointLock&& other) noexcept;
  CheckpointLock(const CheckpointLock&) = delete;
  CheckpointLock& operator=(const CheckpointLock&) = delete;
  ~CheckpointLock();

 private:
  explicit CheckpointLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_TRAIN_CHECKPOINT_H_
