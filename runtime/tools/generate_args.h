// The command line of `loom-run generate` (issue 7), parsed into GenerateOptions
// (runtime/tools/generate.h). kGenerateUsage is `loom-run generate --help`.
#ifndef LOOM_RUNTIME_TOOLS_GENERATE_ARGS_H_
#define LOOM_RUNTIME_TOOLS_GENERATE_ARGS_H_

#include <string>
#include <vector>

#include "runtime/base/status.h"
#include "runtime/tools/generate.h"

namespace loom::rt {

struct GenerateArgs {
  GenerateOptions options;
  bool help = false;
};

// `args` excludes the program name and the "generate" subcommand.
Result<GenerateArgs> ParseGenerateArgs(const std::vector<std::string>& args);

extern const char kGenerateUsage[];

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_TOOLS_GENERATE_ARGS_H_
