// The parameter block of the arena kernels (arena_kernels.cu): plain C++ with no CUDA header,
// one layout under nvcc and the host compiler, passed as the kernels' single by-value
// parameter (as attention_params.h's).
#ifndef LOOM_RUNTIME_DEVICE_CUDA_KERNELS_ARENA_PARAMS_H_
#define LOOM_RUNTIME_DEVICE_CUDA_KERNELS_ARENA_PARAMS_H_

#include <cstdint>

namespace loom::rt::cuda {

// x[i] *= scale for i < count, over a whole arena of f32 or f64 (the kernel's name says which).
struct ArenaScaleParams {
  void* data;
  double scale;    // the f32 kernel multiplies by it rounded to f32, as the CPU path does
  uint64_t count;  // elements
};
static_assert(sizeof(ArenaScaleParams) == 24, "ArenaScaleParams is passed by its bytes");

// Threads of a block; the grid is grid-strided, so any grid covers any count.
inline constexpr int kArenaThreads = 256;

}  // namespace loom::rt::cuda

#endif  // LOOM_RUNTIME_DEVICE_CUDA_KERNELS_ARENA_PARAMS_H_
