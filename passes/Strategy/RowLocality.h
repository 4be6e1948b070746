//===- RowLocality.h - which values a kernel's workgroups slice by rows ----===//
//
// The one analysis that both loom-kernel-strategy (which chooses a kernel's
// strategy and grid) and workgroup tiling (codegen/tiling, which builds the
// kernel that computes one workgroup's rows) read, so that what the grid
// promises is what the tiled kernel computes.
//
// A kernel's rows are the leading dims [L1..Lk] that all its results share
// (k >= 1). Every value of the body (argument, constant, op result) gets a
// row map: for each row dim j, the value's dim that runs along row j, or
// kNotARow when the value does not vary along row j (it is read whole in that
// respect: a norm weight, a broadcast source, a gather table). A tile of rows
// is a box in the row space; the value's part of it is the box of its mapped
// dims, whole along the others. Results map row j to dim j.
//
// The per-op rule (opRowRule) is the table: given the row map of the op's
// first result, the maps of its operands and results, or failure when an
// element of a row would read another row of an operand (a reduction or scan
// along a row dim, a transpose) or the op is not known. Kernels containing
// such an op at every k are serial.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_PASSES_STRATEGY_ROWLOCALITY_H
#define LOOM_PASSES_STRATEGY_ROWLOCALITY_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>

namespace mlir::loom::strategy {

/// Entry j: the dim of a value along row j, or kNotARow.
using RowMap = SmallVector<int64_t, 4>;
inline constexpr int64_t kNotARow = -1;

/// What an op does along its rows, strongest last: a kernel's strategy is
/// the strongest kind of its ops.
enum class RowKind {
  Elementwise,  // element i from operand elements at i, or operands read whole
  RowReduction, // each row reduced or mixed along its trailing dims
  Scan,         // a prefix scan along a trailing dim of each row
};

/// The strategy names of the `loom.strategy` attribute.
StringRef strategyName(RowKind kind);
inline constexpr const char kSerialStrategy[] = "serial";

/// The attributes loom-kernel-strategy sets on each kernel (Passes.td).
inline constexpr const char kStrategyAttr[] = "loom.strategy";
inline constexpr const char kWorkgroupsAttr[] = "loom.workgroups";
inline constexpr const char kTileRowsAttr[] = "loom.tile_rows";

/// An op's row rule applied to a row map of its first result.
struct OpRows {
  RowKind kind = RowKind::Elementwise;
  SmallVector<RowMap> operands; // one per operand
  SmallVector<RowMap> results;  // one per result (results[0] is the given map)
  /// The op's work per element of its largest operand or result, in units
  /// of a simple arithmetic op (an add is 1, an exp 8, rope's cos and sin
  /// 32): what a workgroup's rows cost, so that cheap ops are not split finer
  /// than a launch of several workgroups is worth.
  int64_t cost = 1;
};

/// The rule of `op` for `primary` (the row map of its first result), or
/// failure when the op is unknown (kernels holding it are serial) or not
/// row-local along those rows.
FailureOr<OpRows> opRowRule(Operation *op, const RowMap &primary);

/// The row map of result 0 of `op` that gives result `index` the map
/// `map`, or failure when no map of result 0 does (every multi-result op
/// known to opRowRule has results whose dims are a prefix of result 0's).
FailureOr<RowMap> primaryRowMap(Operation *op, unsigned index, const RowMap &map);

/// The rows of a kernel: the largest row space in which every op of the
/// body is row-local.
struct KernelRows {
  SmallVector<int64_t, 4> rowShape; // [L1..Lk], k >= 1
  RowKind kind = RowKind::Elementwise;
  /// Every argument, constant and op result of the body.
  llvm::DenseMap<Value, RowMap> maps;
  /// The work of one row: over the ops, cost times the elements per row of
  /// the op's largest operand or result that maps every row (a value that
  /// does not, such as a weight, is not iterated per row).
  int64_t rowWork = 1;

  int64_t numRows() const;
};

/// The rows of `fn` (a kernel: one block of loom ops over static tensors,
/// ending in func.return), or failure when it has none (serial): a result of
/// rank 0, an op the table does not know or that reduces along every
/// candidate row, a value two users slice differently at every k.
FailureOr<KernelRows> analyzeKernelRows(func::FuncOp fn);

/// The extents of a tile of `tileRows` rows in row space: [1, .., 1, t,
/// L(j+1), .., Lk] with t dividing Lj, so that a workgroup's rows are one box.
/// Failure when no such box holds `tileRows` rows (it must divide the rows,
/// and be a divisor of Lj times the rows after j).
FailureOr<SmallVector<int64_t, 4>> rowTileExtents(ArrayRef<int64_t> rowShape, int64_t tileRows);

/// The shape of the part of `type`'s value (row map `map`) in a tile of
/// `tileExtents`.
SmallVector<int64_t> tileShape(ArrayRef<int64_t> shape, const RowMap &map,
                               ArrayRef<int64_t> tileExtents);

} // namespace mlir::loom::strategy

#endif // LOOM_PASSES_STRATEGY_ROWLOCALITY_H
