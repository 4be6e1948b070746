// The attention kernels (attention_fa2.cu) compiled by nvcc at build time into a fatbin (sm_90
// SASS and compute_90 PTX, which newer GPUs JIT-compile), embedded in the runtime.
#ifndef LOOM_RUNTIME_DEVICE_CUDA_KERNELS_ATTENTION_FATBIN_H_
#define LOOM_RUNTIME_DEVICE_CUDA_KERNELS_ATTENTION_FATBIN_H_

#include <string_view>

namespace loom::rt::cuda {

// The fatbin's bytes, for cuModuleLoadData (16-byte aligned; lives as long as the process).
// Empty when the runtime was built without nvcc: the caller then reports that the GPU
// attention kernels were not built.
std::string_view AttentionFatbin();

}  // namespace loom::rt::cuda

#endif  // LOOM_RUNTIME_DEVICE_CUDA_KERNELS_ATTENTION_FATBIN_H_
