#include "runtime/tools/flags.h"

#include <cerrno>
#include <cstdlib>

namespace loom::rt {

Result<Flag> TakeFlag(const std::vector<std::string>& args, size_t* i) {
  const std::string& arg = args[*i];
  Flag flag{arg, ""};
  const size_t eq = arg.find('=');
  if (eq != std::string::npos) {
    flag.name = arg.substr(0, eq);
    flag.value = arg.substr(eq + 1);
  } else if (*i + 1 < args.size()) {
    flag.value = args[++*i];
  }
  if (flag.value.empty()) {
    return MakeStatus(StatusCode::kInvalidArgument, flag.name, " needs a value");
  }
  return flag;
}

Status UsageError(const std::string& command, const std::string& what) {
  return MakeStatus(StatusCode::kInvalidArgument, what, " (see loom-run ", command, " --help)");
}

Result<int64_t> IntegerFlag(const Flag& flag, int64_t min, int64_t max, const char* command) {
  errno = 0;
  char* end = nullptr;
  const long long parsed = std::strtoll(flag.value.c_str(), &end, 10);
  if (*end != '\0' || errno != 0 || parsed < min || parsed > max) {
    Status error = MakeStatus(StatusCode::kInvalidArgument, flag.name, " '", flag.value,
                              "' is not a whole number in [", min, ", ", max, "]");
    return command == nullptr ? error : UsageError(command, error.message());
  }
  return static_cast<int64_t>(parsed);
}

Result<uint64_t> Uint64Flag(const Flag& flag, const char* command) {
  errno = 0;
  char* end = nullptr;
  const unsigned long long parsed = std::strtoull(flag.value.c_str(), &end, 10);
  if (*end != '\0' || errno != 0 || flag.value[0] == '-') {
    return UsageError(command, flag.name + " '" + flag.value + "' is not a number in [0, 2^64)");
  }
  return static_cast<uint64_t>(parsed);
}

Result<std::optional<Flag>> NextArgument(const std::vector<std::string>& args, size_t* i,
                                         const char* command, std::string* bundle_dir,
                                         bool* help) {
  const std::string& arg = args[*i];
  if (arg == "--help" || arg == "-h") {
    *help = true;
    return std::optional<Flag>();
  }
  if (arg.rfind("--", 0) != 0) {
    if (!bundle_dir->empty()) return UsageError(command, "unexpected argument '" + arg + "'");
    *bundle_dir = arg;
    return std::optional<Flag>();
  }
  Result<Flag> taken = TakeFlag(args, i);
  if (!taken.ok()) return UsageError(command, std::string(taken.status().message()));
  return std::optional<Flag>(std::move(taken).value());
}

Result<bool> ProgramFlag(const Flag& flag, ProgramOptions* options, const char* command) {
  if (flag.name == "--device") {
    Result<Device> device = ParseDevice(flag.value, flag.name);
    if (!device.ok()) return UsageError(command, device.status().message());
    options->device = *device;
    return true;
  }
  if (flag.name == "--cuda-graphs") {
    if (flag.value != "on" && flag.value != "off") {
      return UsageError(command, "--cuda-graphs '" + flag.value + "' is neither on nor off");
    }
    options->cuda_graphs = flag.value == "on";
    return true;
  }
  return false;
}

}  // namespace loom::rt
