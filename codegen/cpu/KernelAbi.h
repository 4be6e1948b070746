//===- KernelAbi.h - loom kernel functions and the runtime's launch ABI ----===//
//
// A kernel is a public func.func over statically shaped tensors. The runtime
// launches it as (bundle.proto Kernel, kernel_abi_version 1)
//
//   extern "C" void <name>(const int64_t workgroup_id[3], void *const *buffers,
//                          const int64_t *scalars);
//
// with buffers = [inputs..., results...], each a dense row-major buffer of
// its tensor type (i1 one byte per element). Inputs are read-only; every
// output is written in full by the grid's workgroups together and overlaps no
// other buffer. No scalars yet. A kernel with a grid of gx > 1 workgroups is
// tiled (codegen/tiling/WorkgroupTiling.h): workgroup x = workgroup_id[0]
// writes only its rows of each output; any other kernel ignores the id.
//
// This file holds the three steps around the lowering that make that true:
// checking the kernel module, preparing a clone of it for lowering, and
// building the exported entry points in the LLVM dialect afterwards.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_CODEGEN_CPU_KERNELABI_H
#define LOOM_CODEGEN_CPU_KERNELABI_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Support/LLVM.h"

#include <string>

namespace mlir::loom::codegen {

/// One kernel as the launch ABI sees it.
struct KernelSignature {
  std::string name;     // the kernel's func name: the exported symbol
  std::string implName; // the lowered body, internal to the .so
  Location loc;
  unsigned numInputs = 0;
  SmallVector<RankedTensorType> buffers; // inputs, then results
  /// Tiled: the body's first argument is the workgroup id x (an index).
  bool workgroupArgument = false;
};

/// Diagnoses, at the offending op, anything that is not a kernel: an op other
/// than func.func, a declaration or non-public function, a name that is not a
/// C identifier, an argument or result that is not a statically shaped tensor
/// of integers or floats, a call, or an in-place arena result (the ABI has
/// outputs never aliasing inputs).
LogicalResult checkKernelModule(ModuleOp kernels);

/// Prepares a clone of a checked kernel module, tiled already
/// (WorkgroupTiling.h), for lowering: each kernel is renamed to its
/// implName, its tensor arguments become read-only for bufferization, and a
/// value returned twice is copied so that each output gets its own buffer.
/// Returns the kernels' signatures, in module order.
SmallVector<KernelSignature> prepareKernels(ModuleOp module);

/// After lowering with results as out-params (descriptor calling
/// convention): adds for each kernel the exported entry point of the launch
/// ABI, which builds a static descriptor for every buffer and calls the
/// implementation (a tiled one with workgroup_id[0] first), now internal so
/// that LLVM inlines it. A kernel name taken
/// by an external function the lowered code calls (e.g. `expf`) is an error.
LogicalResult buildLaunchWrappers(ModuleOp module, ArrayRef<KernelSignature> kernels);

} // namespace mlir::loom::codegen

#endif // LOOM_CODEGEN_CPU_KERNELABI_H
