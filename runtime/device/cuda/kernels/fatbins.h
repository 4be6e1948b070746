// The runtime's hand-written kernels, compiled by nvcc at build time into fatbins (sm_90 SASS
// and compute_90 PTX, which newer GPUs JIT-compile) and embedded in the runtime
// (CMakeLists.txt, loom_cuda_fatbin). Each returns the fatbin's bytes, for cuModuleLoadData
// (16-byte aligned; they live as long as the process), or nothing when the runtime was built
// without nvcc: the caller then says the kernels were not built.
#ifndef LOOM_RUNTIME_DEVICE_CUDA_KERNELS_FATBINS_H_
#define LOOM_RUNTIME_DEVICE_CUDA_KERNELS_FATBINS_H_

#include <string_view>

namespace loom::rt::cuda {

// FlashAttention-2 forward and backward (attention_fa2.cu).
std::string_view AttentionFatbin();
// Kernels over a whole arena (arena_kernels.cu).
std::string_view ArenaFatbin();

}  // namespace loom::rt::cuda

#endif  // LOOM_RUNTIME_DEVICE_CUDA_KERNELS_FATBINS_H_
