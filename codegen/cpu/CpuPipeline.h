//===- CpuPipeline.h - loom kernels on tensors down to the LLVM dialect ----===//
//
// The one CPU lowering (DESIGN.md §2) that the AOT kernel compiler
// (CpuKernelCompiler.h) and the JIT golden harness (test/codegen/
// CpuGoldensTest.cpp) share, so that what the goldens check is what ships.
// In mlir-opt terms (build-recipe §10), after loom-lower-to-linalg:
//
//   eliminate-empty-tensors,
//   one-shot-bufferize{bufferize-function-boundaries
//                      function-boundary-type-conversion=identity-layout-map},
//   [buffer-results-to-out-params{hoist-static-allocs modify-public-functions}],
//   buffer-deallocation-pipeline, convert-bufferization-to-memref,
//   (every memref.copy becomes a linalg.copy: no mlir_c_runner_utils needed),
//   (bf16 and f16 computed in f32: LowPrecisionFloats.h),
//   func.func(convert-linalg-to-loops), convert-scf-to-cf, expand-strided-metadata,
//   lower-affine, convert-math-to-libm, convert-math-to-llvm,
//   finalize-memref-to-llvm, convert-arith-to-llvm, convert-index-to-llvm,
//   convert-cf-to-llvm, convert-func-to-llvm,
//   reconcile-unrealized-casts
//
// Failures are the passes' own diagnostics (at the offending op); a phase
// that fails without one adds an error naming the phase at the module.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_CODEGEN_CPU_CPUPIPELINE_H
#define LOOM_CODEGEN_CPU_CPUPIPELINE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mlir::loom::codegen {

struct CpuLoweringOptions {
  /// Destination passing: every result becomes a trailing memref argument
  /// that the function writes (a returned allocation is replaced by it, so
  /// most results are computed in place with no copy). Static shapes only.
  bool resultsAsOutParams = false;
};

/// The dialects the pipeline creates and the external interface models it
/// relies on (bufferization and deallocation of arith/linalg/tensor/func/scf/
/// cf ops, memref allocation), plus the builtin and LLVM translations to LLVM
/// IR. The pipeline functions append it to the module's context themselves;
/// a tool may add it to its registry up front.
void registerCpuCodegenDialects(DialectRegistry &registry);

/// loom ops to linalg/tensor/arith/math (the loom-lower-to-linalg pass).
LogicalResult lowerLoomToLinalg(ModuleOp module);

/// Everything after loom-lower-to-linalg: bufferization, deallocation of
/// temporaries, loops, and the LLVM dialect. The two halves below in a row.
LogicalResult lowerLinalgToLLVM(ModuleOp module, const CpuLoweringOptions &options);

/// On linalg over tensors (after lowerLoomToLinalg): every all-parallel
/// linalg.generic is fused into the generics that read it, so a fused
/// kernel's elementwise chain computes each element in registers instead of
/// writing a full temporary per op (both backends; bounded so that diamonds
/// of shared producers do not blow up the bodies). A producer with a
/// division or a transcendental that its reader would recompute over loops
/// it lacks (a broadcast) stays a small temporary instead.
LogicalResult fuseElementwiseOps(ModuleOp module);

/// The first half: eliminate-empty-tensors, one-shot-bufferize and (with
/// resultsAsOutParams) buffer-results-to-out-params, where a kernel's writes
/// to its outputs can still be inspected (WorkgroupTiling.h).
LogicalResult bufferizeKernels(ModuleOp module, const CpuLoweringOptions &options);

/// The second half: deallocation of temporaries, loops, the LLVM dialect.
LogicalResult lowerBuffersToLLVM(ModuleOp module);

} // namespace mlir::loom::codegen

#endif // LOOM_CODEGEN_CPU_CPUPIPELINE_H
