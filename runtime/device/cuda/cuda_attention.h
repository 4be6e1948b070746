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
#include "runtime/device/cuda/kernels/attention_launch.h"
#include "runtime/device/cuda/kernels/attention_params.h"
#include "runtime/schemas/bundle.pb.h"

namespace loom::rt::cuda {

// An attention call on the GPU: its launches (kernels/attention_launch.h), each taking
// `params` as its single by-value parameter.
struct AttentionCall {
  std::vector<AttentionLaunch> launches;
  AttentionKernelParams params;
};

// The launches of a validated attention call whose views are at device addresses `args` (in
// the call's args order). kUnsupported naming `where` and the dim when the kernels do not
// cover the shape (a head dim above 128).
Result<AttentionCall> PlanAttentionCall(const loom::bundle::LibraryCall& call,
                                        const std::vector<CUdeviceptr>& args,
                                        const std::string& where);

// The kernels' fatbin (sm_90 SASS + compute_90 PTX), embedded in the runtime at build time;
// empty when the runtime was built without nvcc.
std::string_view AttentionKernelImage();

}  // namespace loom::rt::cuda

#endif  // LOOM_RUNTIME_DEVICE_CUDA_CUDA_ATTENTION_H_
