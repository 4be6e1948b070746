// loom-run: the runtime's driver (DESIGN.md §6): `run`, `train` and `generate`; sample and align
// come with their issues. Every error prints one line and exits with 1.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/tools/generate_args.h"
#include "runtime/tools/run_args.h"
#include "runtime/tools/run_command.h"
#include "runtime/tools/train_args.h"
#include "runtime/train/trainer.h"

namespace {

constexpr char kUsage[] =
    "usage: loom-run <command> ...\n"
    "commands:\n"
    "  run       run one entry point of a compiled bundle (loom-run run --help)\n"
    "  train     train a compiled bundle on bytes, with checkpoints (loom-run train --help)\n"
    "  generate  complete prompts with a trained Llama bundle (loom-run generate --help)\n";

std::atomic<bool> g_stop_requested{false};

// The first SIGINT/SIGTERM asks the trainer to checkpoint and stop after the current step; a
// second one ends the process at once (the default action).
void OnStopSignal(int signal) {
  g_stop_requested.store(true);
  std::signal(signal, SIG_DFL);
}

// Prints "loom-run COMMAND: error: MESSAGE" and returns the exit code 1.
int Fail(const char* command, const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "loom-run %s: error: %s\n", command, message.c_str());
  return 1;
}

int RunMain(const std::vector<std::string>& args) {
  loom::rt::Result<loom::rt::RunArgs> parsed = loom::rt::ParseRunArgs(args);
  if (!parsed.ok()) return Fail("run", parsed.status().message());
  if (parsed->help) return std::fputs(loom::rt::kRunUsage, stdout) < 0;
  loom::rt::Status status = loom::rt::RunCommand(*parsed);
  return status.ok() ? 0 : Fail("run", status.ToString());
}

int TrainMain(const std::vector<std::string>& args) {
  loom::rt::Result<loom::rt::TrainArgs> parsed = loom::rt::ParseTrainArgs(args);
  if (!parsed.ok()) return Fail("train", parsed.status().message());
  if (parsed->help) return std::fputs(loom::rt::kTrainUsage, stdout) < 0;
  parsed->options.stop_requested = &g_stop_requested;
  std::signal(SIGINT, OnStopSignal);
  std::signal(SIGTERM, OnStopSignal);
  loom::rt::Result<loom::rt::TrainResult> result = loom::rt::Train(parsed->options);
  if (!result.ok()) return Fail("train", result.status().ToString());
  return result->interrupted ? 130 : 0;
}

int GenerateMain(const std::vector<std::string>& args) {
  loom::rt::Result<loom::rt::GenerateArgs> parsed = loom::rt::ParseGenerateArgs(args);
  if (!parsed.ok()) return Fail("generate", parsed.status().message());
  if (parsed->help) return std::fputs(loom::rt::kGenerateUsage, stdout) < 0;
  loom::rt::Result<loom::rt::GenerateStats> result =
      loom::rt::Generate(parsed->options, stdout, stderr);
  return result.ok() ? 0 : Fail("generate", result.status().ToString());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 1 : 0;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "run") return RunMain(args);
  if (command == "train") return TrainMain(args);
  if (command == "generate") return GenerateMain(args);
  std::fprintf(stderr, "loom-run: error: unknown command '%s'\n%s", command.c_str(), kUsage);
  return 1;
}
