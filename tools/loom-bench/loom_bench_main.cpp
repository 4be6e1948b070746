// loom-bench: throughput benchmarks of compiled bundles, run by the runtime alone (no MLIR).
// Not a test: bench/run_tiny_bench.py runs it beside PyTorch (bench/README.md).
//
//   loom-bench train DIR --steps N --warmup W --threads T [--seed S] [--corpus FILE] [--profile]
//
// Every error prints one line to stderr and exits with 1 (2 for a bad command line).
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/data/byte_corpus.h"
#include "runtime/exec/session.h"
#include "runtime/train/checkpoint_state.h"
#include "tools/loom-bench/bench_args.h"
#include "tools/loom-bench/plan_profiler.h"
#include "tools/loom-bench/train_bench.h"

#ifndef LOOM_BENCH_DEFAULT_CORPUS
#define LOOM_BENCH_DEFAULT_CORPUS "data/corpus/corpus.txt"
#endif

namespace {

using loom::bench::BenchArgs;
using loom::bench::JsonNumber;
using loom::rt::HostTensor;
using loom::rt::Result;
using loom::rt::Status;

constexpr char kUsage[] =
    "usage: loom-bench <command> ...\n"
    "commands:\n"
    "  train  time the training step of a compiled bundle (loom-bench train --help)\n";

int Fail(const Status& status) {
  std::fprintf(stderr, "loom-bench train: error: %s\n", status.ToString().c_str());
  return 1;
}

// Runs the timed training through the session's program and, with --profile, a second time
// command by command. Prints the JSON line.
Status Train(const BenchArgs& args) {
  const std::string corpus_path = args.corpus.empty() ? LOOM_BENCH_DEFAULT_CORPUS : args.corpus;
  LOOM_ASSIGN_OR_RETURN(loom::rt::ByteCorpus corpus, loom::rt::ByteCorpus::Load(corpus_path));
  loom::rt::Session session(args.threads);
  LOOM_ASSIGN_OR_RETURN(loom::rt::Program * program, session.Load("bench", args.bundle_dir));
  LOOM_ASSIGN_OR_RETURN(
      loom::bench::TrainSetup setup,
      loom::bench::PrepareTraining(program->manifest(), corpus, args.seed, args.warmup + args.steps));
  LOOM_RETURN_IF_ERROR(loom::rt::InitializeNormalParameters(*program, args.seed));
  LOOM_ASSIGN_OR_RETURN(
      loom::bench::TrainTiming timing,
      loom::bench::RunTraining(setup, args.warmup, args.steps,
                               [&](const std::string& name,
                                   const std::vector<const HostTensor*>& inputs) {
                                 return program->Run(name, inputs);
                               },
                               [&] { return program->ZeroArenas(loom::bundle::Arena::GRADIENTS); }));

  std::string profile;
  if (args.profile) {
    LOOM_ASSIGN_OR_RETURN(std::unique_ptr<loom::bench::PlanProfiler> profiler,
                          loom::bench::PlanProfiler::Load(args.bundle_dir, &session.pool()));
    LOOM_RETURN_IF_ERROR(loom::rt::InitializeNormalParameters(profiler->program(), args.seed));
    int64_t calls = 0;
    LOOM_ASSIGN_OR_RETURN(
        loom::bench::TrainTiming profiled,
        loom::bench::RunTraining(setup, args.warmup, args.steps,
                                 [&](const std::string& name,
                                     const std::vector<const HostTensor*>& inputs) {
                                   if (calls++ == 2 * args.warmup) profiler->Reset();
                                   return profiler->Run(name, inputs);
                                 },
                                 [&] { return profiler->program().ZeroArenas(loom::bundle::Arena::GRADIENTS); }));
    const double dispatch_us =
        loom::bench::ParallelForOverheadUs(session.pool(), session.pool().num_threads(), 21);
    std::fputs(loom::bench::ProfileTable(profiler->times(), args.steps, dispatch_us).c_str(),
               stderr);
    std::fprintf(stderr, "  (profiled run: %.3f ms/step against %.3f unprofiled)\n",
                 profiled.total_s * 1e3 / args.steps, timing.total_s * 1e3 / args.steps);
    profile = ", \"profile\": " + loom::bench::ProfileJson(profiler->times(), args.steps, dispatch_us);
    // The fused multi-tensor update (the largest launch of @apply_step) against a triad
    // moving the same bytes on the same pool and workgroup count, in this run.
    auto update = profiler->TimeLargestLaunch("apply_step", 51);
    if (update.ok()) {
      const double triad_s = loom::bench::TriadSeconds(session.pool(), update->bytes,
                                                       update->workgroups, 51);
      const double kernel_gbs = update->bytes / update->seconds * 1e-9;
      const double triad_gbs = update->bytes / triad_s * 1e-9;
      std::fprintf(stderr,
                   "  memory-bound: %s moves %lld bytes over %lld workgroups in %.1f us "
                   "(%.1f GB/s); a triad of the same bytes %.1f us (%.1f GB/s): %.2f of the "
                   "triad's bandwidth\n",
                   update->kernel.c_str(), static_cast<long long>(update->bytes),
                   static_cast<long long>(update->workgroups), update->seconds * 1e6, kernel_gbs,
                   triad_s * 1e6, triad_gbs, kernel_gbs / triad_gbs);
      profile += ", \"update_kernel_gbs\": " + JsonNumber(kernel_gbs) +
                 ", \"triad_gbs\": " + JsonNumber(triad_gbs);
    }
  }

  const double tokens = static_cast<double>(args.steps) * setup.batch * setup.length;
  std::printf(
      "{\"impl\": \"loom\", \"tokens_per_s\": %s, \"ms_per_step\": %s, \"threads\": %d, "
      "\"final_loss\": %s, \"steps\": %lld, \"warmup\": %lld, \"batch\": %lld, \"length\": %lld, "
      "\"ms_per_step_median\": %s, \"grad_step_ms\": %s, \"apply_step_ms\": %s, "
      "\"first_loss\": %s, \"last_grad_norm\": %s, \"skipped_steps\": %lld%s}\n",
      JsonNumber(tokens / timing.total_s).c_str(),
      JsonNumber(timing.total_s * 1e3 / args.steps).c_str(), args.threads,
      JsonNumber(timing.final_loss).c_str(), static_cast<long long>(args.steps),
      static_cast<long long>(args.warmup), static_cast<long long>(setup.batch),
      static_cast<long long>(setup.length), JsonNumber(loom::bench::Median(timing.step_ms)).c_str(),
      JsonNumber(timing.grad_s * 1e3 / args.steps).c_str(),
      JsonNumber(timing.apply_s * 1e3 / args.steps).c_str(), JsonNumber(timing.first_loss).c_str(),
      JsonNumber(timing.last_grad_norm).c_str(), static_cast<long long>(timing.skipped),
      profile.c_str());
  return loom::rt::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (std::strcmp(argv[1], "train") != 0) {
    std::fprintf(stderr, "loom-bench: error: unknown command '%s'\n%s", argv[1], kUsage);
    return 2;
  }
  Result<BenchArgs> args = loom::bench::ParseBenchArgs(std::vector<std::string>(argv + 2, argv + argc));
  if (!args.ok()) {
    std::fprintf(stderr, "loom-bench train: error: %s\n", args.status().message().c_str());
    return 2;
  }
  if (args->help) {
    std::fputs(loom::bench::kTrainUsage, stdout);
    return 0;
  }
  Status status = Train(*args);
  return status.ok() ? 0 : Fail(status);
}
