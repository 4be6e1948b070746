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

Result<int64_t> IntegerFlag(const Flag& flag, int64_t min, int64_t max) {
  errno = 0;
  char* end = nullptr;
  const long long parsed = std::strtoll(flag.value.c_str(), &end, 10);
  if (*end != '\0' || errno != 0 || parsed < min || parsed > max) {
    return MakeStatus(StatusCode::kInvalidArgument, flag.name, " '", flag.value,
                      "' is not a whole number in [", min, ", ", max, "]");
  }
  return static_cast<int64_t>(parsed);
}

}  // namespace loom::rt
