// Kernels over a whole arena, for what the runtime does between entry points on the GPU: the
// trainer scales the gradients arena by 1/accum between the micro-batches' @grad_step calls and
// @apply_step (DESIGN.md §4: accumulation fits between the two), on the device instead of
// through the host. Compiled by nvcc into a fatbin of their own (fatbins.h); the host
// emulation (attention_emulation.cpp) runs the same source on the CPU.
#include "runtime/device/cuda/kernels/arena_params.h"

namespace loom::rt::cuda {

template <typename T>
__device__ __forceinline__ void ScaleArena(const ArenaScaleParams& p) {
  T* x = static_cast<T*>(p.data);
  const T s = static_cast<T>(p.scale);
  const uint64_t stride = static_cast<uint64_t>(gridDim.x) * blockDim.x;
  for (uint64_t i = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < p.count;
       i += stride) {
    x[i] *= s;
  }
}

}  // namespace loom::rt::cuda

extern "C" __global__ void __launch_bounds__(loom::rt::cuda::kArenaThreads)
    loom_arena_scale_f32(const loom::rt::cuda::ArenaScaleParams p) {
  loom::rt::cuda::ScaleArena<float>(p);
}

extern "C" __global__ void __launch_bounds__(loom::rt::cuda::kArenaThreads)
    loom_arena_scale_f64(const loom::rt::cuda::ArenaScaleParams p) {
  loom::rt::cuda::ScaleArena<double>(p);
}
