// attention_fa2.cu and arena_kernels.cu compiled as host C++ (cuda_host_emulation.h), and the
// tables of their kernels by name for loom_emulate_cuda_kernel.
#include "runtime/device/cuda/kernels/attention_emulation.h"

#include <cstring>

#include "runtime/device/cuda/kernels/cuda_host_emulation.h"
// The kernels' sources, after the emulation header that makes them host C++.
#include "runtime/device/cuda/kernels/arena_kernels.cu"
#include "runtime/device/cuda/kernels/attention_fa2.cu"

namespace {

using Kernel = void (*)(loom::rt::cuda::AttentionKernelParams);

struct NamedKernel {
  const char* name;
  Kernel kernel;
};

#define LOOM_EMULATED_KERNELS(bound)                                         \
  {"loom_attention_fwd_f32_d" #bound, &loom_attention_fwd_f32_d##bound},     \
      {"loom_attention_bwd_dkdv_f32_d" #bound, &loom_attention_bwd_dkdv_f32_d##bound}, \
      {"loom_attention_bwd_dq_f32_d" #bound, &loom_attention_bwd_dq_f32_d##bound}

constexpr NamedKernel kKernels[] = {
    LOOM_EMULATED_KERNELS(32),
    LOOM_EMULATED_KERNELS(64),
    LOOM_EMULATED_KERNELS(128),
};

#undef LOOM_EMULATED_KERNELS

using ArenaKernel = void (*)(loom::rt::cuda::ArenaScaleParams);

struct NamedArenaKernel {
  const char* name;
  ArenaKernel kernel;
};

constexpr NamedArenaKernel kArenaKernels[] = {
    {"loom_arena_scale_f32", &loom_arena_scale_f32},
    {"loom_arena_scale_f64", &loom_arena_scale_f64},
};

// Runs `kernel` over the grid with its parameter block copied, as the GPU copies a launch's
// parameters when it is launched. 0, or 3 when a block wrote past its shared memory.
template <typename Params, typename Kernel>
int RunCopied(Kernel kernel, const int64_t grid[3], const int64_t block[3],
              unsigned dynamic_shared_bytes, void** kernel_params) {
  Params params;
  std::memcpy(&params, kernel_params[0], sizeof(params));
  const bool ok = loom::rt::cuda::emulation::RunGrid(grid, block, dynamic_shared_bytes,
                                                     [&] { kernel(params); });
  return ok ? 0 : 3;
}

// CUDA's limits on a launch (compute capability 9.0).
bool ValidLaunch(const int64_t grid[3], const int64_t block[3]) {
  const int64_t max_grid[3] = {(int64_t{1} << 31) - 1, 65535, 65535};
  const int64_t max_block[3] = {1024, 1024, 64};
  for (int d = 0; d < 3; ++d) {
    if (grid[d] < 1 || grid[d] > max_grid[d] || block[d] < 1 || block[d] > max_block[d]) {
      return false;
    }
  }
  return block[0] * block[1] * block[2] <= 1024;
}

}  // namespace

extern "C" int loom_emulate_cuda_kernel(const char* name, const int64_t grid[3],
                                        const int64_t block[3], unsigned dynamic_shared_bytes,
                                        void** kernel_params) {
  for (const NamedKernel& entry : kKernels) {
    if (std::strcmp(entry.name, name) != 0) continue;
    if (!ValidLaunch(grid, block)) return 2;
    return RunCopied<loom::rt::cuda::AttentionKernelParams>(entry.kernel, grid, block,
                                                             dynamic_shared_bytes, kernel_params);
  }
  for (const NamedArenaKernel& entry : kArenaKernels) {
    if (std::strcmp(entry.name, name) != 0) continue;
    if (!ValidLaunch(grid, block)) return 2;
    return RunCopied<loom::rt::cuda::ArenaScaleParams>(entry.kernel, grid, block,
                                                        dynamic_shared_bytes, kernel_params);
  }
  return 1;
}

extern "C" size_t loom_emulated_kernel_parameter_bytes(const char* name) {
  for (const NamedKernel& entry : kKernels) {
    if (std::strcmp(entry.name, name) == 0) return sizeof(loom::rt::cuda::AttentionKernelParams);
  }
  for (const NamedArenaKernel& entry : kArenaKernels) {
    if (std::strcmp(entry.name, name) == 0) return sizeof(loom::rt::cuda::ArenaScaleParams);
  }
  return 0;
}
