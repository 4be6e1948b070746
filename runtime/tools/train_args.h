// The command line of `loom-run train` (DESIGN.md §6), parsed into TrainOptions
// (runtime/train/trainer.h). kTrainUsage is `loom-run train --help`.
#ifndef LOOM_RUNTIME_TOOLS_TRAIN_ARGS_H_
#define LOOM_RUNTIME_TOOLS_TRAIN_ARGS_H_

#include <string>
#include <vector>

#include "runtime/base/status.h"
#include "runtime/train/trainer.h"

namespace loom::rt {

struct TrainArgs {
  TrainOptions options;
  bool help = false;
};

// `args` excludes the program name and the "train" subcommand.
Result<TrainArgs> ParseTrainArgs(const std::vector<std::string>& args);

extern const char kTrainUsage[];

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_TOOLS_TRAIN_ARGS_H_
