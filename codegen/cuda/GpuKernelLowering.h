//===- GpuKernelLowering.h - bufferized kernels to block-level GPU code ----===//
//
// The steps of CudaKernelCompiler.h between bufferization and NVVM, each on
// one kernel (a func.func over memrefs, results as out-params):
//
// 1. fuseElementwiseOps (CpuPipeline.h; on tensors, before bufferization): an
//    all-parallel linalg.generic is fused into the generics that read it, so
//    that its values stay in registers instead of a temporary buffer.
//    (Then bufferization, canonicalization, elideCopiesIntoOutputs and
//    hoistTemporaries: the sequential code some ops lower to keeps its
//    temporaries small and at the top of the kernel.)
// 2. prepareLoopNests: every linalg op becomes a linalg.generic whose
//    parallel dims come first (an interchange; reduction dims keep their
//    order, so each output element is reduced in the CPU kernel's order),
//    then one loop nest (linalg-to-parallel-loops): an scf.parallel over the
//    parallel dims around scf.for loops over the reduction dims.
// 3. distributeOverThreads: each top-level scf.parallel becomes
//      scf.for %i = %tid to N step blockSize  (N = its iterations, flattened)
//    with the original indices delinearized from %i (the last dim fastest,
//    so neighbouring threads touch neighbouring elements); a sequential nest
//    whose every write is row-parallel (1-D parallel loops of one bound, each
//    written buffer touched only at the loop's index in its last dim, as
//    scatter_add's row additions) runs on every thread with its parallel
//    loops spread the same way, each thread owning columns, so no barrier is
//    needed inside it; any other top-level op that writes memory runs under
//    `if (%tid == 0)`; and a
//    gpu.barrier goes between two such stages when the second reads or
//    writes a buffer (an argument or temporary, through its views) that an
//    earlier stage since the last barrier wrote, or writes one it read.
//    (emulateThreadsOnHost instead runs this form on the host, for tests.)
// 4. outlineToGpuFunc: the func becomes a `gpu.func ... kernel` of the
//    gpu.module, with the workgroup id argument of a tiled kernel replaced by
//    gpu.block_id x, every temporary (memref.alloc) a workgroup attribution
//    (shared memory), and `known_block_size = [blockSize, 1, 1]`.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_CODEGEN_CUDA_GPUKERNELLOWERING_H
#define LOOM_CODEGEN_CUDA_GPUKERNELLOWERING_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

namespace mlir::loom::codegen {

/// Step 1 is codegen/cpu/CpuPipeline.h's fuseElementwiseOps (both backends).

/// After bufferization, on `fn` (memrefs, results as out-params: the last
/// `numOutputs` arguments): a temporary copied whole into an output argument
/// (what a result built from a constant leaves, e.g. scatter_add's zeroed
/// accumulator), not used after the copy while the output is not used
/// before it, is replaced by that output, and the copy goes. Outputs overlap
/// no other buffer (the ABI), so the bytes are the same; the temporary would
/// otherwise need shared memory of the output's size.
void elideCopiesIntoOutputs(func::FuncOp fn, unsigned numOutputs);

/// Before step 2, on `fn` (memrefs, canonicalized: no memref loop-carried
/// values): a temporary allocated inside a region (a loop or an if of the
/// sequential code the lowering of scatter_add, sort... leaves) moves to the
/// top of the kernel, one buffer for all iterations. That is sound because a
/// temporary that does not escape its iteration (checked: no yield, return or
/// store takes it) is never read across iterations, and such regions run on
/// one thread (step 3). It then lives in shared memory like any other.
LogicalResult hoistTemporaries(func::FuncOp fn);

/// Step 2 on `fn` (linalg on memrefs).
LogicalResult prepareLoopNests(func::FuncOp fn);

/// Step 3 on `fn`, whose body is one block of loop nests.
LogicalResult distributeOverThreads(func::FuncOp fn, int64_t blockSize);

/// Step 4: moves `fn` (erased afterwards) into `gpuModule` as the kernel
/// `name`. `workgroupArgument`: fn's first argument is the workgroup id x.
/// `sharedBytes` is set to the bytes of its workgroup attributions.
FailureOr<gpu::GPUFuncOp> outlineToGpuFunc(func::FuncOp fn, gpu::GPUModuleOp gpuModule,
                                           StringRef name, bool workgroupArgument,
                                           int64_t blockSize, int64_t &sharedBytes);

/// For testing without a GPU: rewrites a kernel after step 3 (still a
/// func.func) so that the host runs what one block does. The top-level ops
/// between two barriers that depend on the thread id or touch memory run in
/// a loop over the block's thread ids, one thread after another; the
/// barriers go. A missing barrier then shows as a wrong result whenever a
/// thread reads what a later thread of the same segment writes. The kernel
/// keeps its workgroup id argument (the block id) and stays a CPU kernel.
LogicalResult emulateThreadsOnHost(func::FuncOp fn, int64_t blockSize);

/// math.sin and math.cos on f32 and f64 (anywhere under `root`) become
/// arithmetic: k = roundeven(x·2/π) and r = x − k·π/2 in f64 (π/2 in two
/// parts, with FMAs), sin and cos of r by their Taylor polynomials to degree
/// 17 and 18 (|r| ≤ π/4: error below 1e-19), the quadrant k mod 4 picking
/// ±sin r or ±cos r; f32 rounds once at the end. libdevice's __nv_sin(f) and
/// __nv_cos(f) keep a Payne–Hanek reduction for huge arguments whose work
/// array lives in local memory (a 40-byte stack frame in every kernel that
/// calls them); this one has none. Accurate (about 1 ulp of f64, so f32
/// results correctly rounded but for rare ties) for |x| < 2^50, less beyond.
void expandSinCos(Operation *root);

/// GPU only, before NVVM: math.sqrt on f32 becomes llvm.nvvm.sqrt.rn.f (IEEE,
/// as the CPU's sqrtss) instead of libdevice's __nv_sqrtf, which LLVM 22's
/// NVVMReflect answers with sqrt.approx (it reads no precise-sqrt flag); and
/// math.rsqrt becomes 1 / sqrt (as on the CPU) instead of rsqrt.approx.
void useIeeeSquareRoots(Operation *root);

/// GPU only, before NVVM: math.trunc (float to integer casts truncate first)
/// becomes the LLVM intrinsic llvm.trunc (PTX cvt.rzi, exact), which
/// convert-gpu-to-nvvm of LLVM 22 would leave as math.trunc: it has neither
/// a libdevice nor an LLVM lowering for it there.
void truncWithLlvmIntrinsic(Operation *root);

} // namespace mlir::loom::codegen

#endif // LOOM_CODEGEN_CUDA_GPUKERNELLOWERING_H
