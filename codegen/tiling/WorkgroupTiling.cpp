//===- WorkgroupTiling.cpp - a kernel that computes one workgroup's rows ---===//

#include "codegen/tiling/WorkgroupTiling.h"

#include "passes/Strategy/RowLocality.h"

#include "dialects/loom/IR/DataMovementOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Verifier.h"

namespace mlir::loom::codegen {
namespace {

using strategy::KernelRows;
using strategy::kNotARow;
using strategy::RowMap;

/// The workgroup's box in row space and how to slice a value to it.
struct Tile {
  SmallVector<int64_t, 4> extents;       // the box's extent along each row
  SmallVector<OpFoldResult, 4> offsets;  // its offset along each row

  /// The part of `full` (of row map `map`) in the box, as a slice.
  void slice(ArrayRef<int64_t> shape, const RowMap &map, OpBuilder &b,
             SmallVectorImpl<OpFoldResult> &offs, SmallVectorImpl<OpFoldResult> &sizes,
             SmallVectorImpl<OpFoldResult> &strides) const {
    for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d) {
      const int64_t *row = llvm::find(map, d);
      if (row == map.end()) {
        offs.push_back(b.getIndexAttr(0));
        sizes.push_back(b.getIndexAttr(shape[d]));
      } else {
        offs.push_back(offsets[row - map.begin()]);
        sizes.push_back(b.getIndexAttr(extents[row - map.begin()]));
      }
      strides.push_back(b.getIndexAttr(1));
    }
  }

  /// `full`'s part of the box; `full` itself when that is all of it (read
  /// whole, or a box spanning every row it maps).
  Value extract(OpBuilder &b, Location loc, Value full, const RowMap &map) const {
    ArrayRef<int64_t> shape = cast<ShapedType>(full.getType()).getShape();
    if (ArrayRef<int64_t>(strategy::tileShape(shape, map, extents)) == shape)
      return full;
    SmallVector<OpFoldResult> offs, sizes, strides;
    slice(shape, map, b, offs, sizes, strides);
    return tensor::ExtractSliceOp::create(b, loc, full, offs, sizes, strides);
  }

  RankedTensorType type(Type full, const RowMap &map) const {
    auto t = cast<RankedTensorType>(full);
    return RankedTensorType::get(strategy::tileShape(t.getShape(), map, extents),
                                 t.getElementType(), t.getEncoding());
  }
};

/// The offsets of workgroup `wg`: its index in the grid of boxes, row-major.
SmallVector<OpFoldResult, 4> rowOffsets(OpBuilder &b, Location loc, Value wg,
                                        ArrayRef<int64_t> rowShape, ArrayRef<int64_t> extents,
                                        int64_t workgroups) {
  SmallVector<OpFoldResult, 4> offsets(rowShape.size(), b.getIndexAttr(0));
  auto constant = [&](int64_t c) -> Value { return arith::ConstantIndexOp::create(b, loc, c); };
  int64_t stride = 1; // workgroups per step along this row
  for (int64_t j = static_cast<int64_t>(rowShape.size()) - 1; j >= 0; --j) {
    int64_t count = rowShape[j] / extents[j];
    if (count == 1)
      continue;
    Value index = wg;
    if (stride > 1)
      index = arith::DivUIOp::create(b, loc, index, constant(stride));
    if (stride * count < workgroups)
      index = arith::RemUIOp::create(b, loc, index, constant(count));
    if (extents[j] > 1)
      index = arith::MulIOp::create(b, loc, index, constant(extents[j]));
    offsets[j] = index;
    stride *= count;
  }
  return offsets;
}

bool isSplat(ConstantOp constant) {
  auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
  return dense && dense.isSplat();
}

LogicalResult tile(func::FuncOp fn, const KernelRows &rows, ArrayRef<int64_t> extents,
                   int64_t workgroups) {
  Block &body = fn.getFunctionBody().front();
  SmallVector<Operation *> old;
  for (Operation &op : body)
    old.push_back(&op);
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  Location loc = fn.getLoc();
  if (failed(fn.insertArgument(0, IndexType::get(fn.getContext()), {}, loc)))
    return fn.emitError() << "kernel @" << fn.getSymName() << ": cannot add the workgroup id";
  OpBuilder b = OpBuilder::atBlockBegin(&body);
  Tile box{SmallVector<int64_t, 4>(extents.begin(), extents.end()),
           rowOffsets(b, loc, body.getArgument(0), rows.rowShape, extents, workgroups)};

  IRMapping map;
  for (BlockArgument arg : body.getArguments().drop_front())
    map.map(arg, box.extract(b, loc, arg, rows.maps.lookup(arg)));
  for (Operation *op : old) {
    if (op == ret)
      continue;
    auto constant = dyn_cast<ConstantOp>(op);
    if (constant && isSplat(constant)) {
      // A splat is re-made at its tile's shape rather than sliced.
      RankedTensorType type = box.type(constant.getType(), rows.maps.lookup(constant.getResult()));
      auto dense = cast<DenseElementsAttr>(constant.getValue());
      map.map(constant.getResult(), ConstantOp::create(b, op->getLoc(), type,
                                                       dense.resizeSplat(type)));
      continue;
    }
    if (constant) {
      Value full = b.clone(*op)->getResult(0);
      map.map(constant.getResult(),
              box.extract(b, op->getLoc(), full, rows.maps.lookup(constant.getResult())));
      continue;
    }
    Operation *clone = b.clone(*op, map);
    for (OpResult r : clone->getResults())
      r.setType(box.type(r.getType(), rows.maps.lookup(op->getResult(r.getResultNumber()))));
  }
  SmallVector<Value> results;
  for (Value v : ret.getOperands()) {
    auto type = cast<RankedTensorType>(v.getType());
    Value full = tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
    SmallVector<OpFoldResult> offs, sizes, strides;
    box.slice(type.getShape(), rows.maps.lookup(v), b, offs, sizes, strides);
    results.push_back(
        tensor::InsertSliceOp::create(b, loc, map.lookup(v), full, offs, sizes, strides));
  }
  func::ReturnOp::create(b, ret.getLoc(), results);
  for (Operation *op : llvm::reverse(old))
    op->erase();
  fn->setAttr(kWorkgroupArgAttr, UnitAttr::get(fn.getContext()));
  if (failed(verify(fn)))
    return fn.emitError() << "kernel @" << fn.getSymName()
                          << ": its tiled form does not verify (the row table is wrong for "
                             "one of its ops)";
  return success();
}

} // namespace

bool hasWorkgroupArgument(func::FuncOp kernel) { return kernel->hasAttr(kWorkgroupArgAttr); }

LogicalResult tileWorkgroups(func::FuncOp fn) {
  auto grid = fn->getAttrOfType<DenseI64ArrayAttr>(strategy::kWorkgroupsAttr);
  if (!grid || hasWorkgroupArgument(fn))
    return success();
  auto fail = [&]() {
    return fn.emitError() << "kernel @" << fn.getSymName() << ": " << strategy::kWorkgroupsAttr
                          << " = " << grid << " ";
  };
  if (grid.size() != 3 || grid[0] < 1 || grid[1] != 1 || grid[2] != 1)
    return fail() << "is not [gx, 1, 1] with gx >= 1";
  if (grid[0] == 1)
    return success();
  auto tileRows = fn->getAttrOfType<IntegerAttr>(strategy::kTileRowsAttr);
  if (!tileRows)
    return fail() << "without " << strategy::kTileRowsAttr;
  FailureOr<KernelRows> rows = strategy::analyzeKernelRows(fn);
  if (failed(rows))
    return fail() << "but it has no rows (its strategy is serial)";
  int64_t t = tileRows.getInt();
  if (grid[0] * t != rows->numRows())
    return fail() << "and " << strategy::kTileRowsAttr << " = " << t << " do not cover its "
                  << rows->numRows() << " rows";
  FailureOr<SmallVector<int64_t, 4>> extents = strategy::rowTileExtents(rows->rowShape, t);
  if (failed(extents))
    return fail() << "with " << t << " rows per workgroup, which are not a box of its rows";
  return tile(fn, *rows, *extents, grid[0]);
}

LogicalResult tileWorkgroups(ModuleOp kernels) {
  for (auto fn : kernels.getOps<func::FuncOp>())
    if (failed(tileWorkgroups(fn)))
      return failure();
  return success();
}

void eraseSelfCopies(Operation *root) {
  auto same = [](Value a, Value b) {
    if (a == b)
      return true;
    Operation *x = a.getDefiningOp<memref::SubViewOp>(), *y = b.getDefiningOp<memref::SubViewOp>();
    return x && y &&
           OperationEquivalence::isEquivalentTo(x, y, OperationEquivalence::IgnoreLocations);
  };
  SmallVector<memref::CopyOp> copies;
  root->walk([&](memref::CopyOp copy) {
    if (same(copy.getSource(), copy.getTarget()))
      copies.push_back(copy);
  });
  for (memref::CopyOp copy : copies)
    copy->erase();
}

LogicalResult checkOutputsWrittenInPlace(func::FuncOp fn, unsigned numOutputs) {
  unsigned first = fn.getNumArguments() - numOutputs;
  for (unsigned i = first; i < fn.getNumArguments(); ++i) {
    BlockArgument out = fn.getArgument(i);
    auto type = dyn_cast<MemRefType>(out.getType());
    if (!type)
      return fn.emitError() << "kernel @" << fn.getSymName() << ": output #" << i - first
                            << " is not a buffer after bufferization";
    for (Operation *user : out.getUsers()) {
      auto view = dyn_cast<memref::SubViewOp>(user);
      if (view && view.getType().hasStaticShape() &&
          view.getType().getNumElements() < type.getNumElements())
        continue;
      return user->emitError() << "kernel @" << fn.getSymName() << ": output #" << i - first
                               << " is written whole, not in the workgroup's rows in place "
                                  "(workgroups would race)";
    }
  }
  return success();
}

} // namespace mlir::loom::codegen
