// PlanWalker: a bundle's entry points run on the CPU one plan command at a time, with a hook
// around every kernel launch.
//
// It drives the runtime's public pieces (LoadBundle, HostArena, KernelLibrary, ExecutePlan on
// an entry point of one command: the same code rt::Program runs, so the results are the same
// bytes) the way rt::Program does, with its own arenas. ptx_check uses the hook to run each
// launch's kernel on the GPU too, on the exact bytes the CPU kernel read.
//
// Also here: the values a check feeds a bundle. Parameters: NORMAL ones drawn as loom-bench and
// loom-train-ref draw them (one splitmix64 counter over all parameters in manifest order,
// u = ((SplitMix64(seed + counter++) >> 11) + 1) * 2^-53, init_std * sqrt(-2 ln u1) *
// cos(2 pi u2)); ONES and ZEROS as the runtime initializes them. Inputs: integer tensors of
// rank >= 1 uniform in [0, token_range) (token ids), integer scalars = `step`, floats N(0, 1),
// i1 and i8 0 or 1.
#ifndef LOOM_TOOLS_GPU_PLAN_WALKER_H_
#define LOOM_TOOLS_GPU_PLAN_WALKER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "runtime/base/host_tensor.h"
#include "runtime/base/status.h"
#include "runtime/bundle/bundle.h"
#include "runtime/exec/arena.h"
#include "runtime/exec/kernel_library.h"
#include "runtime/exec/thread_pool.h"

namespace loom::gpu {

class PlanWalker {
 public:
  // Loads and validates the bundle in `dir` (a "cpu" bundle); `pool` must outlive the walker.
  static rt::Result<std::unique_ptr<PlanWalker>> Load(const std::string& dir, rt::ThreadPool* pool);

  const loom::bundle::Manifest& manifest() const { return bundle_.manifest; }
  const std::string& dir() const { return bundle_.dir; }

  rt::Status SetParameter(const std::string& name, const rt::HostTensor& value);
  rt::Result<rt::HostTensor> GetParameter(const std::string& name) const;

  // Called around every Launch command: `before` when its buffers hold what the kernel will
  // read, `after` once the CPU kernel has run. `buffers` are the launch's args, in order.
  struct LaunchHook {
    std::function<rt::Status(const loom::bundle::Launch&, const std::vector<std::byte*>&)> before;
    std::function<rt::Status(const loom::bundle::Launch&, const std::vector<std::byte*>&)> after;
  };

  // As rt::Program::Run (inputs in signature order, outputs in signature order), one command at
  // a time; a hook's error stops the walk and is returned.
  rt::Result<std::vector<rt::HostTensor>> Run(const std::string& name,
                                              const std::vector<const rt::HostTensor*>& inputs,
                                              const LaunchHook& hook = {});

 private:
  PlanWalker(rt::Bundle bundle, rt::ThreadPool* pool) : bundle_(std::move(bundle)), pool_(pool) {}
  rt::Status Prepare();
  std::byte* At(uint32_t arena, uint64_t offset) const {
    return bases_[arena] == nullptr ? nullptr : bases_[arena] + offset;
  }

  rt::Bundle bundle_;
  rt::ThreadPool* pool_;
  std::vector<rt::HostArena> arenas_;
  std::vector<std::byte*> bases_;
  rt::KernelLibrary kernels_;
};

// The parameters a fresh program starts from, in manifest order: NORMAL ones drawn from `seed`
// (above), ONES and ZEROS filled.
rt::Result<std::vector<std::pair<std::string, rt::HostTensor>>> DrawParameters(
    const loom::bundle::Manifest& manifest, uint64_t seed);

// One value for each input of `entry` (above), from `seed`.
rt::Result<std::vector<rt::HostTensor>> DrawInputs(const loom::bundle::EntryPoint& entry,
                                                   uint64_t seed, int64_t token_range,
                                                   int64_t step);

}  // namespace loom::gpu

#endif  // LOOM_TOOLS_GPU_PLAN_WALKER_H_
