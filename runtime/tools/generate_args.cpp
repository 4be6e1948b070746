#include "runtime/tools/generate_args.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "runtime/tools/flags.h"

namespace loom::rt {

const char kGenerateUsage[] =
    "usage: loom-run generate DIR (--checkpoint CK | --params W.safetensors)\n"
    "           (--prompt TEXT... | --prompts FILE.jsonl) [--max-tokens N] [--temperature T]\n"
    "           [--top-k K] [--top-p P] [--seed S] [--no-cache] [--threads T]\n"
    "           [--device cpu|cuda]\n"
    "Completes prompts with the Llama bundle in DIR (compiled by loomc: @prefill and\n"
    "@decode_step, or @forward with --no-cache) on the CPU or the GPU (--device). Text is\n"
    "bytes: byte b is token b + 4; eos (2) ends a completion; special tokens are never printed.\n"
    "With the KV cache, the caches stay where @decode_step runs between tokens.\n"
    "\n"
    "Weights:\n"
    "  --checkpoint CK       a checkpoint of loom-run train: a step-N folder (verified), a\n"
    "                        checkpoint folder (its newest step that verifies), or a\n"
    "                        model.safetensors file\n"
    "  --params FILE         a safetensors file of the bundle's parameters\n"
    "Prompts:\n"
    "  --prompt TEXT         a prompt (repeatable); completions are streamed to stdout as UTF-8\n"
    "                        (invalid bytes as U+FFFD), one line per prompt\n"
    "  --prompts FILE.jsonl  one {\"prompt\": \"...\"} per line; writes one\n"
    "                        {\"prompt\": ..., \"completion\": ...} line per prompt\n"
    "                        Prompts run in batches of the bundle's batch size. A prompt keeps\n"
    "                        its last (sequence - 1) bytes; an empty prompt is [bos].\n"
    "Sampling:\n"
    "  --max-tokens N        tokens per completion at most (default 256); a completion also\n"
    "                        ends at eos and when the sequence is full\n"
    "  --temperature T       0 (default) is greedy: the likeliest token\n"
    "  --top-k K             sample among the K likeliest tokens (default 0: all)\n"
    "  --top-p P             then among the likeliest with total probability >= P (default 1)\n"
    "  --seed S              the random seed (default 0); each prompt draws from its own\n"
    "                        splitmix64 stream, whatever batch it lands in\n"
    "Execution:\n"
    "  --no-cache            recompute the whole sequence with @forward at each token instead\n"
    "                        of @decode_step's KV cache (slower; the same greedy text)\n"
    "  --threads T           worker threads (default: one per hardware thread)\n"
    LOOM_PROGRAM_FLAGS_HELP
    "The last stderr line gives the tokens generated per second.\n";

namespace {

Status Usage(const std::string& what) { return UsageError("generate", what); }

Result<int64_t> Integer(const Flag& flag, int64_t min, int64_t max) {
  return IntegerFlag(flag, min, max, "generate");
}

// A finite number in [min, max] (min itself excluded when `open_min`); `range` says which.
Result<double> Real(const Flag& flag, double min, double max, bool open_min, const char* range) {
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(flag.value.c_str(), &end);
  if (*end != '\0' || errno != 0 || !std::isfinite(value) || value < min || value > max ||
      (open_min && value == min)) {
    return Usage(flag.name + " '" + flag.value + "' is not a number " + range);
  }
  return value;
}

}  // namespace

Result<GenerateArgs> ParseGenerateArgs(const std::vector<std::string>& args) {
  GenerateArgs out;
  GenerateOptions& o = out.options;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--no-cache") {
      o.use_cache = false;
      continue;
    }
    // A prompt may be empty (TakeFlag refuses empty values).
    if (arg == "--prompt") {
      if (i + 1 >= args.size()) return Usage("--prompt needs a value");
      o.prompts.push_back(args[++i]);
      continue;
    }
    if (arg.rfind("--prompt=", 0) == 0) {
      o.prompts.push_back(arg.substr(9));
      continue;
    }
    LOOM_ASSIGN_OR_RETURN(std::optional<Flag> taken,
                          NextArgument(args, &i, "generate", &o.bundle_dir, &out.help));
    if (out.help) return out;
    if (!taken) continue;
    const std::string& flag = taken->name;
    const std::string& value = taken->value;
    LOOM_ASSIGN_OR_RETURN(bool program_flag, ProgramFlag(*taken, &o.program, "generate"));
    if (program_flag) continue;
    if (flag == "--checkpoint") {
      o.checkpoint = value;
    } else if (flag == "--params") {
      o.params_path = value[0] == '@' ? value.substr(1) : value;
    } else if (flag == "--prompts") {
      o.prompts_path = value;
    } else if (flag == "--max-tokens") {
      LOOM_ASSIGN_OR_RETURN(o.max_tokens, Integer(*taken, 1, int64_t{1} << 40));
    } else if (flag == "--temperature") {
      LOOM_ASSIGN_OR_RETURN(o.sampling.temperature, Real(*taken, 0, 1e6, false, "in [0, 1e6]"));
    } else if (flag == "--top-k") {
      LOOM_ASSIGN_OR_RETURN(o.sampling.top_k, Integer(*taken, 0, int64_t{1} << 40));
    } else if (flag == "--top-p") {
      LOOM_ASSIGN_OR_RETURN(o.sampling.top_p, Real(*taken, 0, 1, true, "in (0, 1]"));
    } else if (flag == "--seed") {
      LOOM_ASSIGN_OR_RETURN(o.sampling.seed, Uint64Flag(*taken, "generate"));
    } else if (flag == "--threads") {
      LOOM_ASSIGN_OR_RETURN(int64_t threads, Integer(*taken, 1, 1024));
      o.threads = static_cast<int>(threads);
    } else {
      return Usage("unknown flag '" + flag + "'");
    }
  }
  if (o.bundle_dir.empty()) return Usage("missing the bundle directory");
  if (o.checkpoint.empty() == o.params_path.empty()) {
    return Usage("give the weights as exactly one of --checkpoint and --params");
  }
  if (o.prompts.empty() == o.prompts_path.empty()) {
    return Usage("give the prompts as --prompt TEXT or --prompts FILE.jsonl (not both)");
  }
  return out;
}

}  // namespace loom::rt
