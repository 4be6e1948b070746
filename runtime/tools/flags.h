// The command-line conventions of loom-run's subcommands (run_args.h, train_args.h): a flag
// takes its value as "--flag value" or "--flag=value"; an empty value is refused.
#ifndef LOOM_RUNTIME_TOOLS_FLAGS_H_
#define LOOM_RUNTIME_TOOLS_FLAGS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/base/status.h"
#include "runtime/exec/program.h"

namespace loom::rt {

struct Flag {
  std::string name, value;
};

// args[*i] is a flag ("--..."): its name and value, with *i advanced past a separate value.
// kInvalidArgument "--flag needs a value" when there is none.
Result<Flag> TakeFlag(const std::vector<std::string>& args, size_t* i);

// One argument of subcommand `command`'s loop, the part every subcommand shares: "--help" or
// "-h" sets *help; a word not starting with "--" is the bundle directory (a second one is the
// usage error "unexpected argument"); anything else is a flag, returned to the caller (a missing
// value is a usage error). std::nullopt when the argument was consumed here.
Result<std::optional<Flag>> NextArgument(const std::vector<std::string>& args, size_t* i,
                                         const char* command, std::string* bundle_dir,
                                         bool* help);

// kInvalidArgument "WHAT (see loom-run COMMAND --help)": a usage error of subcommand `command`.
Status UsageError(const std::string& command, const std::string& what);

// The flag's value as a decimal integer in [min, max], else kInvalidArgument
// "--flag 'value' is not a whole number in [min, max]" (a UsageError when `command` is given).
Result<int64_t> IntegerFlag(const Flag& flag, int64_t min, int64_t max,
                            const char* command = nullptr);

// The flag's value as a decimal number in [0, 2^64), else the UsageError of `command`
// "--flag 'value' is not a number in [0, 2^64)".
Result<uint64_t> Uint64Flag(const Flag& flag, const char* command);

// The flags every subcommand that loads a program takes: "--device cpu|cuda" (default: the
// bundle's target) and "--cuda-graphs on|off" (default on). True when `flag` was one of them
// (applied to *options), false when it is another flag; a bad value is a UsageError.
Result<bool> ProgramFlag(const Flag& flag, ProgramOptions* options, const char* command);

// The lines of --help that describe them (a literal, to concatenate into a usage text).
#define LOOM_PROGRAM_FLAGS_HELP                                                              \
  "  --device cpu|cuda     where to run (default: the bundle's target); a CUDA bundle also\n" \
  "                        runs on the CPU through its host kernels\n"                      \
  "  --cuda-graphs on|off  capture each entry point into a CUDA graph and replay it (on)\n"

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_TOOLS_FLAGS_H_
