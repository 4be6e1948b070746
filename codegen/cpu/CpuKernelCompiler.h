//===- CpuKernelCompiler.h - kernel functions to a kernels .so -------------===//
//
// The AOT CPU backend (DESIGN.md §2, "CPU: kernels -> LLVM x86 ->
// kernels.so"). Each kernel f(%in0..%inN) -> (r0..rM) of `kernels` (a module
// of public func.func ops over statically shaped tensors whose bodies are loom
// ops plus arith/tensor, with no func.call) becomes the exported symbol
//
//   extern "C" void f(const int64_t workgroup_id[3], void *const *buffers,
//                     const int64_t *scalars);
//
// of the runtime's launch ABI (runtime/exec/kernel_library.h): buffers =
// [in0..inN, r0..rM], each a dense row-major buffer of its tensor type (i1 one
// byte), inputs read-only, outputs written in full and overlapping no other
// buffer, no scalars. A kernel whose `loom.workgroups` (loom-kernel-strategy)
// has gx > 1 is tiled first (codegen/tiling/WorkgroupTiling.h): workgroup
// workgroup_id[0] computes and writes only its rows, in place, so the
// runtime runs the grid's workgroups in parallel; the others ignore the id.
//
// A clone of `kernels` is tiled, goes through loom-lower-to-linalg and the CPU
// pipeline (CpuPipeline.h) with results as out-params (a tiled kernel must
// then write its outputs only through subviews of its rows: checked, else an
// error), gets its entry points
// (KernelAbi.h), is optimized at O2 for the host (HostTarget.h) and linked
// with ld.lld-22 (SharedObjectLinker.h). Temporaries are freed before each
// launch returns.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_CODEGEN_CPU_CPUKERNELCOMPILER_H
#define LOOM_CODEGEN_CPU_CPUKERNELCOMPILER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <string>

namespace mlir::loom::codegen {

/// A kernel of the .so, as the bundle's kernel table records it
/// (bundle.proto Kernel).
struct CpuKernelSymbol {
  std::string name;   // the kernel's func name
  std::string symbol; // its exported C symbol
  unsigned numBufferArgs = 0;
  unsigned numScalarArgs = 0;
};

/// Compiles `kernels` (left unchanged) into the shared library `soPath` and
/// fills `symbols`, one per kernel in module order. Errors are MLIR
/// diagnostics at the offending kernel or op (e.g. an op the lowering
/// refuses); then it returns failure(), writes nothing at soPath and leaves
/// `symbols` empty.
LogicalResult compileCpuKernels(ModuleOp kernels, StringRef soPath,
                                SmallVectorImpl<CpuKernelSymbol> &symbols);

} // namespace mlir::loom::codegen

#endif // LOOM_CODEGEN_CPU_CPUKERNELCOMPILER_H
