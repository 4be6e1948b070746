#include "runtime/tools/run_args.h"

#include "runtime/tools/flags.h"

namespace loom::rt {

const char kRunUsage[] =
    "usage: loom-run run DIR --function F [--params W.safetensors]...\n"
    "           [--input @a.npy]... | [--inputs-safetensors IN.safetensors]\n"
    "           [--output @b.npy]... [--outputs-safetensors OUT.safetensors] [--threads N]\n"
    "           [--device cpu|cuda] [--cuda-graphs on|off]\n"
    "Runs entry point F of the bundle in DIR. --input/--output files follow the entry point's\n"
    "signature order; safetensors files bind tensors by name.\n"
    LOOM_PROGRAM_FLAGS_HELP;

namespace {

std::string File(const std::string& arg) {
  return !arg.empty() && arg[0] == '@' ? arg.substr(1) : arg;
}

Status Usage(const std::string& what) {
  return MakeStatus(StatusCode::kInvalidArgument, what, " (see loom-run run --help)");
}

}  // namespace

Result<RunArgs> ParseRunArgs(const std::vector<std::string>& args) {
  RunArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    LOOM_ASSIGN_OR_RETURN(std::optional<Flag> taken,
                          NextArgument(args, &i, "run", &out.bundle_dir, &out.help));
    if (out.help) return out;
    if (!taken) continue;
    const std::string& flag = taken->name;
    const std::string& value = taken->value;
    Result<bool> program_flag = ProgramFlag(*taken, &out.program, "run");
    if (!program_flag.ok()) return program_flag.status();
    if (*program_flag) continue;
    if (flag == "--function") {
      out.function = value;
    } else if (flag == "--params") {
      out.params.push_back(File(value));
    } else if (flag == "--input") {
      out.inputs.push_back(File(value));
    } else if (flag == "--inputs-safetensors") {
      out.inputs_safetensors = File(value);
    } else if (flag == "--output") {
      out.outputs.push_back(File(value));
    } else if (flag == "--outputs-safetensors") {
      out.outputs_safetensors = File(value);
    } else if (flag == "--threads") {
      Result<int64_t> threads = IntegerFlag(*taken, 1, 1024);
      if (!threads.ok()) return Usage(threads.status().message());
      out.threads = static_cast<int>(*threads);
    } else {
      return Usage("unknown flag '" + flag + "'");
    }
  }
  if (out.bundle_dir.empty()) return Usage("missing the bundle directory");
  if (out.function.empty()) return Usage("missing --function");
  if (!out.inputs.empty() && !out.inputs_safetensors.empty()) {
    return Usage("--input and --inputs-safetensors cannot be combined");
  }
  if (out.outputs.empty() && out.outputs_safetensors.empty()) {
    return Usage("no --output or --outputs-safetensors: the results would be lost");
  }
  return out;
}

}  // namespace loom::rt
