#include "runtime/exec/plan_executor.h"

#include <cstring>

#include "runtime/exec/gemm.h"

namespace loom::rt {
namespace {

using loom::bundle::BufferView;
using loom::bundle::Command;

std::byte* Address(const PlanContext& context, const BufferView& view) {
  std::byte* base = context.arenas[view.arena()];
  return base == nullptr ? nullptr : base + view.offset_bytes();
}

void RunLaunch(const loom::bundle::Launch& launch, const PlanContext& context) {
  std::vector<void*> buffers;
  for (const BufferView& view : launch.args()) buffers.push_back(Address(context, view));
  const KernelFn fn = context.kernels.kernel(launch.kernel());
  const int64_t gx = launch.grid(0), gy = launch.grid(1), gz = launch.grid(2);
  void* const* args = buffers.data();
  const int64_t* scalars = launch.scalars().data();
  // Workgroup ids in x-fastest order; which thread runs an id never changes what it computes.
  context.pool.ParallelFor(gx * gy * gz, [&](int64_t i) {
    const int64_t id[3] = {i % gx, (i / gx) % gy, i / (gx * gy)};
    fn(id, args, scalars);
  });
}

void RunFill(const loom::bundle::Fill& fill, const PlanContext& context) {
  std::byte* dst = Address(context, fill.view());
  const uint64_t size = fill.view().size_bytes();
  std::string pattern = fill.bytes();
  if (fill.pattern_case() == loom::bundle::Fill::kF32) {
    float value = fill.f32();
    pattern.assign(reinterpret_cast<const char*>(&value), sizeof(value));
  }
  for (uint64_t at = 0; at < size; at += pattern.size()) {
    std::memcpy(dst + at, pattern.data(), pattern.size());
  }
}

}  // namespace

void ExecutePlan(const loom::bundle::EntryPoint& entry, const PlanContext& context) {
  for (const Command& command : entry.plan()) {
    switch (command.command_case()) {
      case Command::kLaunch:
        RunLaunch(command.launch(), context);
        break;
      case Command::kLibraryCall: {
        const auto& call = command.library_call();  // GEMM_F32, the only routine validated
        RunGemmF32(call, reinterpret_cast<const float*>(Address(context, call.args(0))),
                   reinterpret_cast<const float*>(Address(context, call.args(1))),
                   reinterpret_cast<float*>(Address(context, call.args(2))), context.pool);
        break;
      }
      case Command::kCopy:
        if (command.copy().src().size_bytes() > 0) {
          std::memcpy(Address(context, command.copy().dst()),
                      Address(context, command.copy().src()), command.copy().src().size_bytes());
        }
        break;
      case Command::kFill:
        RunFill(command.fill(), context);
        break;
      case Command::COMMAND_NOT_SET:
        break;  // refused by validation
    }
  }
}

}  // namespace loom::rt
