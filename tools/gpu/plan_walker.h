// The inputs a GPU check feeds a bundle's entry points (ptx_check walks the plans with
// rt::Program::Run and a command hook; its parameters come from rt::InitializeNormalParameters):
// integer tensors of rank >= 1 uniform in [0, token_range) (token ids), integer scalars =
// `step`, floats N(0, 1) (Box-Muller's cosine branch on u = ((SplitMix64(seed + counter++) >> 11)
// + 1) * 2^-53, u1 first, as the parameters are drawn), i1 and i8 0 or 1.
#ifndef LOOM_TOOLS_GPU_PLAN_WALKER_H_
#define LOOM_TOOLS_GPU_PLAN_WALKER_H_

#include <cstdint>
#include <vector>

#include "runtime/base/host_tensor.h"
#include "runtime/base/status.h"
#include "runtime/schemas/bundle.pb.h"

namespace loom::gpu {

// The exit status of the GPU check's tools (ptx_check, loom-gpu-check; check.sh passes it on):
// everything agrees; a mismatch; no GPU or a CUDA error; anything else (usage, bundle, files).
inline constexpr int kExitOk = 0;
inline constexpr int kExitMismatch = 1;
inline constexpr int kExitCuda = 2;
inline constexpr int kExitOther = 3;

// Token ids range over the embedding table's rows: the leading dim of a parameter whose name
// has "embed", else the last dim of @forward's first output (the logits), else 256.
int64_t InferTokenRange(const loom::bundle::Manifest& manifest);

// One value for each input of `entry` (above), from `seed`.
rt::Result<std::vector<rt::HostTensor>> DrawInputs(const loom::bundle::EntryPoint& entry,
                                                   uint64_t seed, int64_t token_range,
                                                   int64_t step);

}  // namespace loom::gpu

#endif  // LOOM_TOOLS_GPU_PLAN_WALKER_H_
