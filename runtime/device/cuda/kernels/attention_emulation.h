// The attention kernels (attention_fa2.cu) run on the CPU through cuda_host_emulation.h: the
// same source as the GPU's, compiled as host C++. For tests without a GPU, and for a stand-in
// libcuda (a shared library that links this static one) whose cuLaunchKernel calls it.
#ifndef LOOM_RUNTIME_DEVICE_CUDA_KERNELS_ATTENTION_EMULATION_H_
#define LOOM_RUNTIME_DEVICE_CUDA_KERNELS_ATTENTION_EMULATION_H_

#include <cstddef>
#include <cstdint>

extern "C" {

// Runs kernel `name` (e.g. "loom_attention_fwd_f32_d64") over `grid` blocks of `block`
// threads with `dynamic_shared_bytes` of shared memory, as cuLaunchKernel would:
// kernel_params[0] points at the kernel's parameter block (AttentionKernelParams, or
// ArenaScaleParams for loom_arena_scale_*). Returns when the grid is done:
// 0 on success, 1 for an unknown name, 2 for a grid or block outside CUDA's limits, 3 when a
// block wrote past its shared memory (too few dynamic_shared_bytes).
int loom_emulate_cuda_kernel(const char* name, const int64_t grid[3], const int64_t block[3],
                             unsigned dynamic_shared_bytes, void** kernel_params);

// The size of kernel `name`'s parameter block (what a launch copies), or 0 for an unknown name.
size_t loom_emulated_kernel_parameter_bytes(const char* name);

}  // extern "C"

#endif  // LOOM_RUNTIME_DEVICE_CUDA_KERNELS_ATTENTION_EMULATION_H_
