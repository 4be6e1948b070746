// The attention library calls (bundle.proto ATTENTION_F32, ATTENTION_GRAD_F32) on the GPU:
// which of the runtime's FlashAttention-2 kernels (runtime/device/cuda/kernels) each call
// launches, on what grid, with what parameter block.
#ifndef LOOM_RUNTIME_DEVICE_CUDA_CUDA_ATTENTION_H_
#define LOOM_RUNTIME_DEVICE_CUDA_CUDA_ATTENTION_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/base/status.h"
#include "runtime/device/cuda/cuda_driver.h"
#include "runtime/schemas/bundle.pb.h"

namespace loom::rt::cuda {

// One kernel launch whose parameters are a single struct passed by value (`params`' bytes).
struct StructLaunch {
  std::string kernel;
  int64_t grid[3] = {1, 1, 1};
  int64_t block[3] = {1, 1, 1};
  uint32_t dynamic_shared_bytes = 0;
  std::vector<std::byte> params;
};

// The launches of a validated attention call whose views are at device addresses `args` (in
// the call's args order). kUnsupported naming `where` and the dim when the kernels do not
// cover the shape (a head dim above 128).
Result<std::vector<StructLaunch>> PlanAttentionCall(const loom::bundle::LibraryCall& call,
                                                    const std::vector<CUdeviceptr>& args,
                                                    const std::string& where);

// The kernels' fatbin (sm_90 SASS + compute_90 PTX), embedded in the runtime at build time;
// empty when the runtime was built without nvcc.
std::string_view AttentionKernelImage();

}  // namespace loom::rt::cuda

#endif  // LOOM_RUNTIME_DEVICE_CUDA_CUDA_ATTENTION_H_
