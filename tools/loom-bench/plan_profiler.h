// PlanProfiler: a second rt::Program of the bundle whose entry points run with a command hook
// (Program::Run) that times each plan command. Used only by `loom-bench train --profile`; the
// throughput figures come from the unhooked program's run.
#ifndef LOOM_TOOLS_LOOM_BENCH_PLAN_PROFILER_H_
#define LOOM_TOOLS_LOOM_BENCH_PLAN_PROFILER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/base/host_tensor.h"
#include "runtime/base/status.h"
#include "runtime/exec/program.h"
#include "runtime/exec/thread_pool.h"

namespace loom::bench {

class PlanProfiler {
 public:
  // Loads and validates the bundle in `dir`; `pool` must outlive the profiler.
  static rt::Result<std::unique_ptr<PlanProfiler>> Load(const std::string& dir,
                                                        rt::ThreadPool* pool);

  // The profiled program: set its parameters, zero its arenas here.
  rt::Program& program() { return *program_; }
  // As rt::Program::Run, with every command timed into the entry point's buckets.
  rt::Result<std::vector<rt::HostTensor>> Run(const std::string& name,
                                              const std::vector<const rt::HostTensor*>& inputs);
  // Forgets the times recorded so far (after the warmup steps).
  void Reset();

  // The launch of entry point `name` that touches the most bytes (the sum of its buffer views:
  // each read or written once), run alone `repeats` times on the current arenas: its median
  // time. For the memory-bound kernels' bandwidth (issue 6: fused AdamW against a triad).
  struct LaunchTiming {
    std::string kernel;
    int64_t bytes = 0;
    int64_t workgroups = 0;
    double seconds = 0;
  };
  rt::Result<LaunchTiming> TimeLargestLaunch(const std::string& name, int repeats);

  struct Bucket {
    std::string label;  // "gemm", "attention", "attention_grad", "copy", "fill", "kernel <op>"
    int64_t calls = 0;
    double seconds = 0;
  };
  struct EntryTimes {
    int64_t runs = 0;
    double seconds = 0;  // whole Run calls: commands plus input/output copies
    std::vector<Bucket> buckets;
  };
  const std::map<std::string, EntryTimes>& times() const { return times_; }

 private:
  explicit PlanProfiler(std::unique_ptr<rt::Program> program) : program_(std::move(program)) {}
  void Prepare();

  std::unique_ptr<rt::Program> program_;
  std::map<std::string, std::vector<size_t>> buckets_;  // by entry point, by command: its bucket
  std::map<std::string, EntryTimes> times_;
};

// A STREAM-style triad a[i] = b[i] + s·c[i] over three f32 arrays of `bytes / 3` bytes each,
// split in `chunks` fixed chunks over `pool` (as a kernel's workgroups are): the median
// seconds of `repeats` runs. Moves `bytes` bytes per run.
double TriadSeconds(rt::ThreadPool& pool, int64_t bytes, int64_t chunks, int repeats);

// Microseconds of one ThreadPool::ParallelFor over `n` empty items: the fixed cost of every
// launch, GEMM and attention call (the median of `repeats` timings of batches of 100 calls).
double ParallelForOverheadUs(rt::ThreadPool& pool, int64_t n, int repeats);

// A table of `times` (per step, sorted by time) for stderr, and the same totals as a JSON
// object for the result line.
std::string ProfileTable(const std::map<std::string, PlanProfiler::EntryTimes>& times,
                         int64_t steps, double dispatch_us);
std::string ProfileJson(const std::map<std::string, PlanProfiler::EntryTimes>& times,
                        int64_t steps, double dispatch_us);

}  // namespace loom::bench

#endif  // LOOM_TOOLS_LOOM_BENCH_PLAN_PROFILER_H_
