#include "runtime/exec/plan_executor.h"

#include <cstring>

#include "runtime/bundle/attention_args.h"
#include "runtime/exec/attention.h"
#include "runtime/exec/gemm.h"

namespace loom::rt {
namespace {

using loom::bundle::BufferView;
using loom::bundle::Command;
using loom::bundle::LibraryCall;

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

// q, k and v (the same args of both routines) and the three mask tensors, the first at `mask`.
AttentionInputs AttentionInputsAt(const std::vector<std::byte*>& args, int mask) {
  static_assert(attention_args::kQ == 0 && attention_args::kK == 1 && attention_args::kV == 2 &&
                    attention_grad_args::kQ == 0 && attention_grad_args::kK == 1 &&
                    attention_grad_args::kV == 2,
                "q, k, v lead the args of both attention routines");
  static_assert(attention_args::kVisibleHi == attention_args::kQueryPositions + 2 &&
                    attention_grad_args::kVisibleHi == attention_grad_args::kQueryPositions + 2,
                "the mask tensors are adjacent");
  auto i64 = [&](int i) { return reinterpret_cast<const int64_t*>(args[i]); };
  return {reinterpret_cast<const float*>(args[attention_args::kQ]),
          reinterpret_cast<const float*>(args[attention_args::kK]),
          reinterpret_cast<const float*>(args[attention_args::kV]),
          i64(mask),
          i64(mask + 1),
          i64(mask + 2)};
}

// Validation fixed each routine's views: their count, sizes and alignment (so these casts are
// to aligned memory of the right size) and which ones the call writes.
void RunLibraryCall(const LibraryCall& call, const PlanContext& context) {
  std::vector<std::byte*> args;
  for (const BufferView& view : call.args()) args.push_back(Address(context, view));
  auto f32 = [&](int i) { return reinterpret_cast<float*>(args[i]); };
  switch (call.routine()) {
    case LibraryCall::GEMM_F32:
      RunGemmF32(call, f32(0), f32(1), f32(2), call.bias() ? f32(3) : nullptr, context.pool);
      return;
    case LibraryCall::ATTENTION_F32: {
      namespace a = attention_args;
      RunAttentionF32(call.attention(), AttentionInputsAt(args, a::kQueryPositions), f32(a::kOut),
                      f32(a::kLse), context.pool);
      return;
    }
    case LibraryCall::ATTENTION_GRAD_F32: {
      namespace a = attention_grad_args;
      RunAttentionGradF32(call.attention(), AttentionInputsAt(args, a::kQueryPositions),
                          f32(a::kOut), f32(a::kLse), f32(a::kOutGrad), f32(a::kDq), f32(a::kDk),
                          f32(a::kDv), context.pool);
      return;
    }
    default:
      return;  // refused by validation
  }
}

}  // namespace

void ExecuteCommand(const Command& command, const PlanContext& context) {
  switch (command.command_case()) {
    case Command::kLaunch:
      RunLaunch(command.launch(), context);
      break;
    case Command::kLibraryCall:
      RunLibraryCall(command.library_call(), context);
      break;
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

void ExecutePlan(const loom::bundle::EntryPoint& entry, const PlanContext& context) {
  for (const Command& command : entry.plan()) ExecuteCommand(command, context);
}

}  // namespace loom::rt
