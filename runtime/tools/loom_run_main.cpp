// loom-run: the runtime's driver (DESIGN.md §6): `run`, `train` and `generate`; sample and align
// come with their issues. Every error prints one line and exits with 1.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/device/cuda/cublaslt.h"
#include "runtime/device/cuda/cuda_attention.h"
#include "runtime/device/cuda/cuda_driver.h"
#include "runtime/device/cuda/nccl_library.h"
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
    "  generate  complete prompts with a trained Llama bundle (loom-run generate --help)\n"
    "  devices   what this machine offers: the GPU and its driver, cuBLASLt, NCCL\n";

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

// One line per library the CUDA device needs, with its version or why it cannot be used; exit
// status 0 when a program could run on the GPU, 1 otherwise.
int DevicesMain() {
  namespace cuda = loom::rt::cuda;
  bool usable = true;
  auto line = [&](const char* what, const loom::rt::Status& status, const std::string& ok,
                  bool needed) {
    std::printf("%-18s %s\n", what, status.ok() ? ok.c_str() : status.message().c_str());
    if (!status.ok() && needed) usable = false;
  };
  std::printf("%-18s %s\n", "cpu", "always (the thread pool and OpenBLAS)");
  auto driver = cuda::CudaDriver::Open();
  line("cuda driver", driver.status(),
       driver.ok() ? (*driver)->device_name() + " (sm_" +
                         std::to_string((*driver)->compute_capability()) + ", driver API " +
                         std::to_string((*driver)->driver_version()) + ")"
                   : "",
       true);
  auto cublaslt = cuda::CublasLt::Open();
  line("cuBLASLt", cublaslt.status(),
       cublaslt.ok() ? (*cublaslt)->library() + " (version " +
                           std::to_string((*cublaslt)->version()) + ")"
                     : "",
       true);
  auto nccl = cuda::NcclLibrary::Open();
  line("NCCL", nccl.status(),
       nccl.ok() ? (*nccl)->library() + " " + (*nccl)->version() + " (multi-GPU collectives)" : "",
       false);
  const size_t fatbin = cuda::AttentionKernelImage().size();
  line("attention kernels",
       fatbin > 0 ? loom::rt::OkStatus()
                  : loom::rt::Status(loom::rt::StatusCode::kUnsupported,
                                     "not built (this loom-run was built without nvcc)"),
       "FlashAttention-2 forward and backward, sm_90 fatbin of " + std::to_string(fatbin) +
           " bytes",
       true);
  std::printf("%s\n", usable ? "CUDA bundles run on this machine's GPU"
                             : "CUDA bundles run here on the CPU only (--device cpu)");
  return usable ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 1 : 0;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "devices") return DevicesMain();
  if (command == "run") return RunMain(args);
  if (command == "train") return TrainMain(args);
  if (command == "generate") return GenerateMain(args);
  std::fprintf(stderr, "loom-run: error: unknown command '%s'\n%s", command.c_str(), kUsage);
  return 1;
}
