// Just enough of CUDA's device language for a kernel source to compile as host C++ and run on
// the CPU (attention_emulation.cpp includes attention_fa2.cu after this header): so the
// runtime's hand-written kernels are tested on machines without a GPU, from the same source.
//
// A block's threads are real threads (RunGrid below), so __syncthreads is a real barrier and a
// missing one shows up as a wrong result or a data race, as on the GPU. The built-in index
// variables are thread_local; dynamic shared memory is one buffer per block, which the kernel
// source declares through LOOM_DYNAMIC_SHARED(name) instead of `extern __shared__`. What is not
// here (warp shuffles and votes, atomics, static __shared__ variables, textures) fails to
// compile, rather than running with different semantics.
//
// Numerics: float arithmetic is IEEE f32 as on the GPU when the kernel uses fmaf explicitly
// (the host compiler does not contract a * b + c); expf and logf are the host libm's, within
// an ulp or two of CUDA's. Compile users with -fno-strict-aliasing: kernels read float arrays
// through float4.
#ifndef LOOM_RUNTIME_DEVICE_CUDA_KERNELS_CUDA_HOST_EMULATION_H_
#define LOOM_RUNTIME_DEVICE_CUDA_KERNELS_CUDA_HOST_EMULATION_H_

#if defined(__CUDACC__)
#error "cuda_host_emulation.h is for host compilers; nvcc has the real thing"
#endif

#include <cmath>
#include <cstdint>
#include <functional>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __restrict__ __restrict
#define LOOM_DYNAMIC_SHARED(name) \
  unsigned char* const name = ::loom::rt::cuda::emulation::DynamicSharedMemory()

struct uint3 {
  unsigned x, y, z;
};
struct dim3 {
  unsigned x = 1, y = 1, z = 1;
};
struct alignas(16) float4 {
  float x, y, z, w;
};

inline thread_local uint3 threadIdx{0, 0, 0};
inline thread_local uint3 blockIdx{0, 0, 0};
inline thread_local dim3 blockDim;
inline thread_local dim3 gridDim;

namespace loom::rt::cuda::emulation {

// The calling kernel thread's block: its dynamic shared memory (16-byte aligned), and its
// barrier, which __syncthreads_or also ORs `predicate` over.
unsigned char* DynamicSharedMemory();
int BlockBarrier(int predicate);

// Runs `thread_body` on every thread of every block of `grid` (x fastest, then y, then z), one
// block at a time, the block's threads as concurrent std::threads taken from a pool that is
// kept for later calls with the same block size. Each block gets `dynamic_shared_bytes` of
// shared memory filled with 0xFF (NaN as floats), so a read of an unwritten element shows.
// Returns false, having run whatever blocks came before, when a block wrote past the end of
// its shared memory (a check of a guard zone, not of every access). One grid at a time
// (callers are serialized); grid and block entries >= 1, block product <= 1024.
bool RunGrid(const int64_t grid[3], const int64_t block[3], unsigned dynamic_shared_bytes,
             const std::function<void()>& thread_body);

}  // namespace loom::rt::cuda::emulation

inline void __syncthreads() { ::loom::rt::cuda::emulation::BlockBarrier(0); }
inline int __syncthreads_or(int predicate) {
  return ::loom::rt::cuda::emulation::BlockBarrier(predicate);
}

#endif  // LOOM_RUNTIME_DEVICE_CUDA_KERNELS_CUDA_HOST_EMULATION_H_
