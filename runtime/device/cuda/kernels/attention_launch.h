// Which attention kernels (attention_fa2.cu) a call launches, on what grid and block, with how
// much dynamic shared memory: the host side of the kernels' contract. Host-only C++ (no CUDA
// header), so the CPU-only build and the emulation tests use it too.
#ifndef LOOM_RUNTIME_DEVICE_CUDA_KERNELS_ATTENTION_LAUNCH_H_
#define LOOM_RUNTIME_DEVICE_CUDA_KERNELS_ATTENTION_LAUNCH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/base/status.h"
#include "runtime/device/cuda/kernels/attention_params.h"

namespace loom::rt::cuda {

// The fields of bundle.proto's AttentionShape.
struct AttentionDims {
  int64_t batch = 0;        // B
  int64_t query_len = 0;    // Sq
  int64_t key_len = 0;      // Sk
  int64_t query_heads = 0;  // Hq
  int64_t kv_heads = 0;     // Hkv
  int64_t head_dim = 0;     // D
  int64_t value_dim = 0;    // Dv
  float scale = 0.0f;
};

// One launch; every kernel takes the call's AttentionKernelParams as its single parameter.
// The driver's default cap on dynamic shared memory is 48 KiB: above it, the caller sets the
// function's max-dynamic-shared-size attribute to dynamic_shared_bytes before launching.
struct AttentionLaunch {
  std::string kernel;
  int64_t grid[3] = {1, 1, 1};
  int64_t block[3] = {1, 1, 1};
  uint32_t dynamic_shared_bytes = 0;
};

// The forward pass: one launch. Errors (naming the field): a dim < 1 or >= 2^31, Hq not a
// multiple of Hkv (kInvalidArgument); D or Dv above 128, or B or Hq above the grid's 65535
// (kUnsupported).
Result<std::vector<AttentionLaunch>> PlanAttentionForward(const AttentionDims& dims);

// The backward pass: the dK/dV launch, then the dQ launch (independent; either order works).
// The same errors.
Result<std::vector<AttentionLaunch>> PlanAttentionBackward(const AttentionDims& dims);

// A parameter block with the sizes and scale of `dims` and null pointers, for the caller to
// fill in.
AttentionKernelParams AttentionParamsFor(const AttentionDims& dims);

}  // namespace loom::rt::cuda

#endif  // LOOM_RUNTIME_DEVICE_CUDA_KERNELS_ATTENTION_LAUNCH_H_
