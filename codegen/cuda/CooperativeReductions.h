//===- CooperativeReductions.h - long row reductions over many threads -----===//
//
// A step of the CUDA lowering (CudaKernelCompiler.h), on tensors after
// elementwise fusion. The thread distribution (GpuKernelLowering.h) gives
// every output element of a reduction to one thread, which then reads its
// whole row alone: a block whose tile has 8 rows of 2048 keeps 8 of its 512
// threads busy, each reading 8 KiB serially, and neighbouring threads read
// addresses 8 KiB apart (no coalescing). A full reduction runs on thread 0.
//
// So a reduction over one contiguous dim is split first: with a ratio g
// dividing the row length R, element k = j·g + c of a row is added into
// partial c (a parallel dim), then the g partials of each row are combined
// into the output, which keeps its initial value:
//
//   partial[p, c] = identity;  partial[p, c] ⊕= f(in[p, j·g + c])   (j < R/g)
//   out[p] ⊕= partial[p, c]                                          (c < g)
//
// Parallel dims are flattened with the last fastest, so consecutive threads
// take consecutive c and read consecutive addresses; the partials are a
// temporary in shared memory. The combine is split again while it is long
// (a full reduction of 4096: 512 partials, then 64, then 8, then one).
//
// Which reductions (each a linalg op with one output, one reduction dim and
// projected-permutation maps, static shapes):
// - every input that reads the reduction dim reads it as its last dim (the
//   contiguous one; a column sum stays one thread per column, which is
//   already coalesced), and at least one does;
// - the payload is one combiner with a neutral element (add, mul, max, min,
//   and, or, xor) on f32, f64, i32 or i64;
// - R ≥ 64. The ratio g is the largest divisor of R (multiples of 32
//   first) with g ≤ R/8 (at least 8 elements a thread), g ≥ 8, and
//   g ≤ max(32, blockSize / P) for P outputs (at most one partial per thread
//   when the rows are few, a warp per row otherwise), whose partials fit the
//   kernel's shared-memory budget left.
//
// The sum is reassociated: results differ from the CPU kernel's (which adds
// in order) by rounding, as any parallel reduction's do.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_CODEGEN_CUDA_COOPERATIVEREDUCTIONS_H
#define LOOM_CODEGEN_CUDA_COOPERATIVEREDUCTIONS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Support/LLVM.h"

#include <cstdint>

namespace mlir::loom::codegen {

/// The shared memory the partials of one kernel may take.
inline constexpr int64_t kCooperativeReductionSharedBytes = 16 * 1024;

/// Splits the reductions of `fn` (on tensors) as above for blocks of
/// `blockSize` threads, within `sharedBudget` bytes of partials. Returns how
/// many splits were made.
unsigned splitRowReductions(func::FuncOp fn, int64_t blockSize,
                            int64_t sharedBudget = kCooperativeReductionSharedBytes);

} // namespace mlir::loom::codegen

#endif // LOOM_CODEGEN_CUDA_COOPERATIVEREDUCTIONS_H
