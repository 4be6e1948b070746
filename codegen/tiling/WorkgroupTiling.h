//===- WorkgroupTiling.h - a kernel that computes one workgroup's rows -----===//
//
// Target-neutral (the CPU backend uses it now, a CUDA backend later). A kernel
// that loom-kernel-strategy gave a grid `loom.workgroups = [gx, 1, 1]` with
// gx > 1 and `loom.tile_rows = T` becomes
//
//   func.func @k(%wg: index, <the kernel's arguments>) -> <its results>
//       attributes {loom.workgroup_arg, ...}
//
// which computes only the rows [wg·T, wg·T + T) of its rows (RowLocality.h):
// - the row offsets of workgroup %wg are %wg delinearized over the tile grid
//   (a tile is a box [1, .., 1, t, L(j+1), .., Lk] of the row space);
// - every argument and constant sliced along the rows (its row map) is a
//   tensor.extract_slice of its part of the box; one read whole stays whole;
// - the loom ops are re-created on those static tile shapes;
// - each result is its tile inserted (tensor.insert_slice) into a
//   tensor.empty of the full result, so that after bufferization with
//   results as out-params the tile is computed in place in the workgroup's
//   rows of the output buffer, and nothing else of it is written.
//   checkOutputsWrittenInPlace verifies that after bufferization: a full
//   temporary copied into the output would race between workgroups.
// Kernels with one workgroup or no `loom.workgroups` keep their form.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_CODEGEN_TILING_WORKGROUPTILING_H
#define LOOM_CODEGEN_TILING_WORKGROUPTILING_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

namespace mlir::loom::codegen {

/// Set on a tiled kernel: its first argument is the workgroup id x.
inline constexpr const char kWorkgroupArgAttr[] = "loom.workgroup_arg";

/// Whether `kernel` is tiled (its first argument is the workgroup id x).
bool hasWorkgroupArgument(func::FuncOp kernel);

/// Tiles `kernel` as above when its grid has more than one workgroup. An
/// error at the kernel when its attributes do not fit its rows (no rows, T
/// not a box or not dividing them, gx·T not the rows).
LogicalResult tileWorkgroups(func::FuncOp kernel);

/// Every kernel of `kernels`.
LogicalResult tileWorkgroups(ModuleOp kernels);

/// After bufferization: erases every memref.copy of a buffer onto itself. An
/// empty-tensor-eliminated tile is computed in its place of the output, and
/// the insert_slice that put it there bufferizes to a copy of that subview
/// onto an identical subview (`memref.copy %a, %b` with %a and %b the same
/// memref.subview), which would cost a pass over the tile per workgroup.
void eraseSelfCopies(Operation *root);

/// After bufferization with results as out-params: `fn` (a tiled kernel whose
/// last `numOutputs` arguments are its output buffers) writes its outputs
/// only through subviews smaller than them, so a workgroup never touches
/// another's rows. Otherwise an error at the offending op.
LogicalResult checkOutputsWrittenInPlace(func::FuncOp fn, unsigned numOutputs);

} // namespace mlir::loom::codegen

#endif // LOOM_CODEGEN_TILING_WORKGROUPTILING_H
