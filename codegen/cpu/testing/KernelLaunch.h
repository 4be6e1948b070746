//===- KernelLaunch.h - one launch of a compiled kernel through the ABI ----===//
//
// Test support: the buffers of one launch of a kernels .so entry point
// (CpuKernelCompiler.h), built from interpreter tensors and read back as
// tensors.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_CODEGEN_CPU_TESTING_KERNELLAUNCH_H
#define LOOM_CODEGEN_CPU_TESTING_KERNELLAUNCH_H

#include "codegen/reference/Tensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <cstdint>
#include <vector>

namespace mlir::loom::codegen::testsupport {

/// The launch ABI (runtime/exec/kernel_library.h).
using KernelFn = void (*)(const int64_t *workgroupId, void *const *buffers,
                          const int64_t *scalars);

class KernelLaunch {
public:
  /// Buffers for a kernel with `fn`'s signature: `inputs` packed, outputs
  /// filled with 0xA5 bytes, so that an element the kernel leaves unwritten
  /// shows as a mismatch.
  KernelLaunch(func::FuncOp fn, const std::vector<::loom::reference::Tensor> &inputs);

  /// One launch of workgroup (0, 0, 0) without scalars.
  void run(KernelFn kernel) const;

  /// Every workgroup (x, 0, 0) of a grid of `workgroups`, in an order
  /// shuffled by `seed` and dealt round-robin to `threads` threads that run
  /// at once, as the runtime's thread pool may: a workgroup that wrote
  /// outside its rows, or whose result depended on the order, would show.
  /// One thread: all in the calling thread.
  void runGrid(KernelFn kernel, int64_t workgroups, int threads, uint64_t seed) const;

  /// Workgroup (x, 0, 0) alone.
  void runWorkgroup(KernelFn kernel, int64_t x) const;

  /// The outputs as they are now.
  std::vector<::loom::reference::Tensor> results() const;

  /// The bytes of output `r` (0xA5 where nothing wrote).
  const std::vector<char> &outputBytes(unsigned r) const { return storage_[inputs_.size() + r]; }

  /// Whether the input buffers still hold what was packed.
  bool inputsUnchanged() const;

private:
  std::vector<RankedTensorType> resultTypes_;
  std::vector<std::vector<char>> inputs_, storage_; // storage_: inputs, then outputs
  std::vector<void *> buffers_;
};

} // namespace mlir::loom::codegen::testsupport

#endif // LOOM_CODEGEN_CPU_TESTING_KERNELLAUNCH_H
