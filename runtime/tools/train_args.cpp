#include "runtime/tools/train_args.h"

#include "runtime/tools/flags.h"

namespace loom::rt {

const char kTrainUsage[] =
    "usage: loom-run train DIR [--data FILE|FOLDER] [--steps N] [--accum K] [--seed S]\n"
    "           [--spec SPEC.textproto] [--checkpoint-dir CK] [--checkpoint-every N] [--keep K]\n"
    "           [--no-resume] [--params W.safetensors] [--metrics FILE] [--log-every N]\n"
    "           [--threads T] [--progress auto|always|never] [--device cpu|cuda]\n"
    "Trains the bundle in DIR (compiled with a training block: @grad_step and @apply_step) on\n"
    "the CPU or the GPU (--device). The batch and sequence length are the bundle's\n"
    "(@grad_step's [batch, length]).\n"
    "\n"
    "Data:\n"
    "  --data PATH           a file, or a folder whose regular files (recursively, by relative\n"
    "                        path in byte order, names starting with '.' skipped) are joined\n"
    "                        with one '\\n' between files (default: data/corpus/corpus.txt).\n"
    "                        Batch i is ByteCorpus::Batch(seed, i): seeded random windows of the\n"
    "                        packed stream (bytes b as ids b + 4); the data cursor is i.\n"
    "Steps:\n"
    "  --steps N             train up to optimizer step N (default: the spec's total_steps)\n"
    "  --accum K             micro-batches per optimizer step; their gradients are averaged\n"
    "                        (default 1, or the checkpoint's)\n"
    "  --seed S              seed of the initial weights and the data order (default: the\n"
    "                        spec's seed, else 1234, or the checkpoint's)\n"
    "  --spec FILE           the ModelSpec the bundle was compiled from: its training block\n"
    "                        gives the learning rate the log prints (the bundle does not record\n"
    "                        it) and the defaults of --steps and --seed\n"
    "  --params FILE         initial weights of a fresh run (safetensors, by parameter name);\n"
    "                        NORMAL parameters are otherwise drawn from --seed\n"
    "Checkpoints:\n"
    "  --checkpoint-dir CK   write CK/step-N (model.safetensors, optimizer.safetensors,\n"
    "                        state.json, MANIFEST of SHA-256 hashes, COMPLETE marker) atomically\n"
    "                        and resume from the newest one whose hashes verify; damaged ones\n"
    "                        are reported and skipped (default: none: no checkpoints)\n"
    "  --checkpoint-every N  every N optimizer steps, and at the last one (default 100)\n"
    "  --keep K              keep the newest K checkpoints, 0 for all (default 3)\n"
    "  --no-resume           start at step 0; CK's old checkpoints and metrics move to\n"
    "                        CK/previous-<time>/ (nothing is deleted)\n"
    "Output:\n"
    "  --log-every N         a log line every N steps (default 10): step, loss, grad norm, lr,\n"
    "                        tokens/s and ms per step (averaged since the previous line)\n"
    "  --metrics FILE        one JSON line per step (default: CK/metrics.jsonl); on start, lines\n"
    "                        after the starting step are dropped, then lines are appended\n"
    "  --progress WHEN       the progress bar on stderr: auto (a terminal), always, never\n"
    "  --threads T           worker threads (default: one per hardware thread); results do not\n"
    "                        depend on it\n"
    LOOM_PROGRAM_FLAGS_HELP
    "SIGINT or SIGTERM finishes the current step, writes a checkpoint and exits with 130.\n";

namespace {

Status Usage(const std::string& what) { return UsageError("train", what); }

// The value of `flag` as an integer in [min, max].
Result<int64_t> Integer(const Flag& flag, int64_t min, int64_t max) {
  return IntegerFlag(flag, min, max, "train");
}

}  // namespace

Result<TrainArgs> ParseTrainArgs(const std::vector<std::string>& args) {
  TrainArgs out;
  TrainOptions& o = out.options;
  constexpr int64_t kMaxSteps = int64_t{1} << 40;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--no-resume") {
      o.resume = false;
      continue;
    }
    LOOM_ASSIGN_OR_RETURN(std::optional<Flag> taken,
                          NextArgument(args, &i, "train", &o.bundle_dir, &out.help));
    if (out.help) return out;
    if (!taken) continue;
    const std::string& flag = taken->name;
    const std::string& value = taken->value;
    LOOM_ASSIGN_OR_RETURN(bool program_flag, ProgramFlag(*taken, &o.program, "train"));
    if (program_flag) continue;
    if (flag == "--data") {
      o.data_path = value;
    } else if (flag == "--steps") {
      LOOM_ASSIGN_OR_RETURN(o.steps, Integer(*taken, 1, kMaxSteps));
    } else if (flag == "--accum") {
      LOOM_ASSIGN_OR_RETURN(o.accum, Integer(*taken, 1, 1 << 20));
    } else if (flag == "--seed") {
      LOOM_ASSIGN_OR_RETURN(o.seed, Uint64Flag(*taken, "train"));
    } else if (flag == "--spec") {
      o.spec_path = value;
    } else if (flag == "--params") {
      o.params_path = value[0] == '@' ? value.substr(1) : value;
    } else if (flag == "--checkpoint-dir") {
      o.checkpoint_dir = value;
    } else if (flag == "--checkpoint-every") {
      LOOM_ASSIGN_OR_RETURN(o.checkpoint_every, Integer(*taken, 1, kMaxSteps));
    } else if (flag == "--keep") {
      LOOM_ASSIGN_OR_RETURN(int64_t keep, Integer(*taken, 0, 1 << 20));
      o.keep = static_cast<int>(keep);
    } else if (flag == "--log-every") {
      LOOM_ASSIGN_OR_RETURN(o.log_every, Integer(*taken, 1, kMaxSteps));
    } else if (flag == "--metrics") {
      o.metrics_path = value;
    } else if (flag == "--threads") {
      LOOM_ASSIGN_OR_RETURN(int64_t threads, Integer(*taken, 1, 1024));
      o.threads = static_cast<int>(threads);
    } else if (flag == "--progress") {
      if (value == "auto") {
        o.progress = ProgressBar::kAuto;
      } else if (value == "always") {
        o.progress = ProgressBar::kAlways;
      } else if (value == "never") {
        o.progress = ProgressBar::kNever;
      } else {
        return Usage("--progress '" + value + "' is not auto, always or never");
      }
    } else {
      return Usage("unknown flag '" + flag + "'");
    }
  }
  if (o.bundle_dir.empty()) return Usage("missing the bundle directory");
  return out;
}

}  // namespace loom::rt
