#include "tools/loom-bench/bench_args.h"

#include <cerrno>
#include <cstdlib>
#include <limits>

namespace loom::bench {

const char kTrainUsage[] =
    "usage: loom-bench train DIR [--steps N] [--warmup W] [--threads T] [--seed S]\n"
    "                            [--corpus FILE] [--profile]\n"
    "Times the training step (@grad_step then @apply_step) of the bundle in DIR on consecutive\n"
    "byte-corpus batches: W untimed steps, then N timed ones, on a T-thread session. Weights are\n"
    "drawn from the manifest's init rules (normal(0, init_std) by splitmix64 and Box-Muller, as\n"
    "loom-train-ref does). Prints one JSON line:\n"
    "  {\"tokens_per_s\", \"ms_per_step\", \"threads\", \"final_loss\", \"steps\", ...}\n"
    "--profile adds a second run of the same steps that times every plan command (library\n"
    "GEMM and attention calls, kernel launches by kernel, copies, fills); its table goes to\n"
    "stderr and its totals into the JSON line under \"profile\".\n"
    "Defaults: --steps 20 --warmup 5 --threads 1 --seed 1234 --corpus data/corpus/corpus.txt\n";

namespace {

rt::Status Usage(const std::string& what) {
  return rt::MakeStatus(rt::StatusCode::kInvalidArgument, what,
                        " (see loom-bench train --help)");
}

// A whole decimal integer in [lo, hi].
rt::Result<int64_t> Integer(const std::string& flag, const std::string& value, int64_t lo,
                            int64_t hi) {
  errno = 0;
  char* end = nullptr;
  long long parsed = std::strtoll(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || errno == ERANGE || parsed < lo || parsed > hi) {
    return Usage(flag + " must be an integer in [" + std::to_string(lo) + ", " +
                 std::to_string(hi) + "], not '" + value + "'");
  }
  return static_cast<int64_t>(parsed);
}

}  // namespace

rt::Result<BenchArgs> ParseBenchArgs(const std::vector<std::string>& args) {
  BenchArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      out.help = true;
      return out;
    }
    if (arg.rfind("--", 0) != 0) {
      if (!out.bundle_dir.empty()) return Usage("unexpected argument '" + arg + "'");
      out.bundle_dir = arg;
      continue;
    }
    if (arg == "--profile") {
      out.profile = true;
      continue;
    }
    // The other flags take a value: "--flag value" or "--flag=value".
    std::string flag = arg, value;
    if (size_t eq = arg.find('='); eq != std::string::npos) {
      flag = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      if (flag == "--profile") return Usage("--profile takes no value");
    } else if (flag == "--steps" || flag == "--warmup" || flag == "--threads" ||
               flag == "--seed" || flag == "--corpus") {
      if (i + 1 >= args.size()) return Usage(flag + " needs a value");
      value = args[++i];
    }
    if (flag == "--steps") {
      LOOM_ASSIGN_OR_RETURN(out.steps, Integer(flag, value, 1, 1000000));
    } else if (flag == "--warmup") {
      LOOM_ASSIGN_OR_RETURN(out.warmup, Integer(flag, value, 0, 1000000));
    } else if (flag == "--threads") {
      LOOM_ASSIGN_OR_RETURN(int64_t threads, Integer(flag, value, 1, 1024));
      out.threads = static_cast<int>(threads);
    } else if (flag == "--seed") {
      LOOM_ASSIGN_OR_RETURN(int64_t seed,
                            Integer(flag, value, 0, std::numeric_limits<int64_t>::max()));
      out.seed = static_cast<uint64_t>(seed);
    } else if (flag == "--corpus") {
      if (value.empty()) return Usage("--corpus needs a file");
      out.corpus = value;
    } else {
      return Usage("unknown flag '" + flag + "'");
    }
  }
  if (out.bundle_dir.empty()) return Usage("missing the bundle directory DIR");
  return out;
}

}  // namespace loom::bench
