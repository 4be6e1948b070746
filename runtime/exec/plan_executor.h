// Runs one entry point's command plan (bundle.proto, Command) on the host: the one interpreter
// of compiled programs on the CPU (DESIGN.md §3).
#ifndef LOOM_RUNTIME_EXEC_PLAN_EXECUTOR_H_
#define LOOM_RUNTIME_EXEC_PLAN_EXECUTOR_H_

#include <cstddef>
#include <vector>

#include "runtime/base/status.h"
#include "runtime/exec/kernel_library.h"
#include "runtime/exec/thread_pool.h"
#include "runtime/schemas/bundle.pb.h"

namespace loom::rt {

// What a plan runs against: the program's arena bases (by arena index), its kernels, a pool.
struct PlanContext {
  const std::vector<std::byte*>& arenas;
  const KernelLibrary& kernels;
  ThreadPool& pool;
};

// `entry` comes from a validated manifest (runtime/bundle), so every index and view is in
// range; the commands run in order.
void ExecutePlan(const loom::bundle::EntryPoint& entry, const PlanContext& context);

// One command of such a plan (what ExecutePlan runs for each, in order).
void ExecuteCommand(const loom::bundle::Command& command, const PlanContext& context);

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_EXEC_PLAN_EXECUTOR_H_
