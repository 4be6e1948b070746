// The command line of `loom-run run` (DESIGN.md §6), parsed into RunArgs.
//
//   loom-run run DIR --function F [--params W.safetensors]...
//       [--input @a.npy]... | [--inputs-safetensors IN.safetensors]
//       [--output @b.npy]... [--outputs-safetensors OUT.safetensors] [--threads N]
//
// --input files bind to the entry point's inputs in signature order, --output files to its
// outputs; safetensors files bind by tensor name. The leading '@' of a file is optional.
#ifndef LOOM_RUNTIME_TOOLS_RUN_ARGS_H_
#define LOOM_RUNTIME_TOOLS_RUN_ARGS_H_

#include <string>
#include <vector>

#include "runtime/base/status.h"
#include "runtime/exec/program.h"

namespace loom::rt {

struct RunArgs {
  std::string bundle_dir;
  std::string function;
  std::vector<std::string> params;
  std::vector<std::string> inputs;
  std::string inputs_safetensors;
  std::vector<std::string> outputs;
  std::string outputs_safetensors;
  int threads = 0;  // 0: one per hardware thread
  ProgramOptions program;  // --device, --no-cuda-graphs
  bool help = false;
};

// `args` excludes the program name and the "run" subcommand.
Result<RunArgs> ParseRunArgs(const std::vector<std::string>& args);

extern const char kRunUsage[];

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_TOOLS_RUN_ARGS_H_
