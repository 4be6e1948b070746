// The command line of `loom-bench train` (issue 6, item 4), parsed into BenchArgs.
//
//   loom-bench train DIR [--steps N] [--warmup W] [--threads T] [--seed S] [--corpus FILE]
//                        [--profile]
#ifndef LOOM_TOOLS_LOOM_BENCH_BENCH_ARGS_H_
#define LOOM_TOOLS_LOOM_BENCH_BENCH_ARGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/base/status.h"

namespace loom::bench {

struct BenchArgs {
  std::string bundle_dir;
  int64_t steps = 20;   // timed steps
  int64_t warmup = 5;   // untimed steps before them
  int threads = 1;      // the session's thread pool, the caller included
  uint64_t seed = 1234; // weights and batches (the tiny Llama's training.seed)
  std::string corpus;   // empty: the repository's data/corpus/corpus.txt
  bool profile = false; // also time every plan command (a second, separate run)
  bool help = false;
};

// `args` excludes the program name and the "train" subcommand.
rt::Result<BenchArgs> ParseBenchArgs(const std::vector<std::string>& args);

extern const char kTrainUsage[];

}  // namespace loom::bench

#endif  // LOOM_TOOLS_LOOM_BENCH_BENCH_ARGS_H_
