// loom-run: the runtime's driver (DESIGN.md §6). Only `run` exists so far; train, generate,
// sample and align come with their issues. Every error prints one line and exits with 1.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/tools/run_args.h"
#include "runtime/tools/run_command.h"

namespace {

constexpr char kUsage[] =
    "usage: loom-run <command> ...\n"
    "commands:\n"
    "  run    run one entry point of a compiled bundle (loom-run run --help)\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 1 : 0;
  }
  std::string command = argv[1];
  if (command != "run") {
    std::fprintf(stderr, "loom-run: error: unknown command '%s'\n%s", command.c_str(), kUsage);
    return 1;
  }
  std::vector<std::string> args(argv + 2, argv + argc);
  loom::rt::Result<loom::rt::RunArgs> parsed = loom::rt::ParseRunArgs(args);
  if (!parsed.ok()) {
    std::fprintf(stderr, "loom-run run: error: %s\n", parsed.status().message().c_str());
    return 1;
  }
  if (parsed->help) {
    std::fputs(loom::rt::kRunUsage, stdout);
    return 0;
  }
  loom::rt::Status status = loom::rt::RunCommand(*parsed);
  if (!status.ok()) {
    std::fprintf(stderr, "loom-run run: error: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
