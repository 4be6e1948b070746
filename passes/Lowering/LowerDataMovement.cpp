//===- LowerDataMovement.cpp - layout, gather and scatter ops to linalg ---===//
//
// transpose: a generic reading through the inverse permutation; slice:
// tensor.extract_slice; concat: tensor.insert_slice of each input into a
// tensor.empty; reshape (static): collapse to 1-D, expand to the result;
// gather: a generic over the result whose body extracts from the source at
// the (clamped) index; scatter_add: a generic over dest's shape with a
// reduction over the index positions, adding the updates whose index hits the
// element in position order (DESIGN.md §4: no atomics; the interpreter's
// order).
//
//===----------------------------------------------------------------------===//

#include "passes/Lowering/LowerCommon.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

#include <functional>

using namespace mlir;
using namespace mlir::loom;

namespace mlir::loom::lowering {
namespace {

bool allStatic(Operation *op) {
  auto isStatic = [](Type t) {
    auto r = dyn_cast<RankedTensorType>(t);
    return !r || r.hasStaticShape();
  };
  return llvm::all_of(op->getOperandTypes(), isStatic) && llvm::all_of(op->getResultTypes(), isStatic);
}

/// An index-typed value of `x` clamped to [0, size).
Value clampedIndex(OpBuilder &b, Location loc, Value x, int64_t size) {
  Value i = arith::IndexCastOp::create(b, loc, b.getIndexType(), x);
  Value lo = arith::ConstantIndexOp::create(b, loc, 0);
  Value hi = arith::ConstantIndexOp::create(b, loc, size - 1);
  return arith::MinSIOp::create(b, loc, arith::MaxSIOp::create(b, loc, i, lo), hi);
}

} // namespace

Lowered lowerDataMovement(OpBuilder &b, Operation *op, Value &result) {
  Location loc = op->getLoc();
  MLIRContext *ctx = b.getContext();
  if (!isa<TransposeOp, SliceOp, ConcatOp, ReshapeOp, GatherOp, ScatterAddOp>(op))
    return std::nullopt;
  if (!allStatic(op))
    return notLowered(op, "this op on bounded dynamic shapes");
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  int64_t rank = type.getRank();

  if (auto tr = dyn_cast<TransposeOp>(op)) {
    // result[i...] = input[j...] with j[perm[i]] = i.
    SmallVector<AffineExpr> in(rank);
    for (int64_t i = 0; i < rank; ++i)
      in[tr.getPerm()[i]] = b.getAffineDimExpr(i);
    result = generic(b, loc, type, {tr.getInput()}, {AffineMap::get(rank, 0, in, ctx)},
                     [](OpBuilder &, Location, ValueRange a) { return a[0]; });
    return success();
  }
  if (auto sl = dyn_cast<SliceOp>(op)) {
    auto in = sl.getInput().getType();
    SmallVector<int64_t> offsets, sizes, strides;
    for (int64_t d = 0; d < rank; ++d) {
      bool whole = sl.getSizes()[d] == -1;
      offsets.push_back(whole ? 0 : sl.getOffsets()[d]);
      sizes.push_back(whole ? in.getDimSize(d) : sl.getSizes()[d]);
      strides.push_back(whole ? 1 : sl.getStrides()[d]);
    }
    result = tensor::ExtractSliceOp::create(b, loc, type, sl.getInput(), ValueRange{}, ValueRange{},
                                            ValueRange{}, b.getDenseI64ArrayAttr(offsets),
                                            b.getDenseI64ArrayAttr(sizes),
                                            b.getDenseI64ArrayAttr(strides));
    return success();
  }
  if (auto cat = dyn_cast<ConcatOp>(op)) {
    Value acc = tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
    int64_t offset = 0, dim = cat.getDim();
    for (Value in : cat.getInputs()) {
      auto t = cast<RankedTensorType>(in.getType());
      SmallVector<int64_t> offsets(rank, 0), strides(rank, 1);
      offsets[dim] = offset;
      acc = tensor::InsertSliceOp::create(b, loc, in, acc, ValueRange{}, ValueRange{}, ValueRange{},
                                          b.getDenseI64ArrayAttr(offsets),
                                          b.getDenseI64ArrayAttr(t.getShape()),
                                          b.getDenseI64ArrayAttr(strides));
      offset += t.getDimSize(dim);
    }
    result = acc;
    return success();
  }
  if (auto rs = dyn_cast<ReshapeOp>(op)) {
    auto in = rs.getInput().getType();
    if (in.getRank() == 0 || rank == 0)
      return notLowered(op, "a reshape from or to rank 0");
    auto flat = RankedTensorType::get({in.getNumElements()}, in.getElementType());
    ReassociationIndices all;
    for (int64_t d = 0; d < in.getRank(); ++d)
      all.push_back(d);
    Value v = rs.getInput();
    if (in.getRank() != 1)
      v = tensor::CollapseShapeOp::create(b, loc, flat, v, SmallVector<ReassociationIndices>{all});
    ReassociationIndices outAll;
    for (int64_t d = 0; d < rank; ++d)
      outAll.push_back(d);
    if (rank != 1)
      v = tensor::ExpandShapeOp::create(b, loc, type, v, SmallVector<ReassociationIndices>{outAll});
    result = v;
    return success();
  }
  if (auto g = dyn_cast<GatherOp>(op)) {
    auto src = g.getSource().getType();
    auto idx = g.getIndices().getType();
    int64_t axis = g.getAxis(), ir = idx.getRank();
    SmallVector<AffineExpr> idxExprs;
    for (int64_t d = 0; d < ir; ++d)
      idxExprs.push_back(b.getAffineDimExpr(axis + d));
    Value source = g.getSource();
    result = generic(b, loc, type, {g.getIndices()}, {AffineMap::get(rank, 0, idxExprs, ctx)},
                     [&](OpBuilder &nb, Location l, ValueRange a) {
                       SmallVector<Value> at;
                       for (int64_t d = 0; d < axis; ++d)
                         at.push_back(linalg::IndexOp::create(nb, l, d));
                       at.push_back(clampedIndex(nb, l, a[0], src.getDimSize(axis)));
                       for (int64_t d = axis + ir; d < rank; ++d)
                         at.push_back(linalg::IndexOp::create(nb, l, d));
                       return tensor::ExtractOp::create(nb, l, source, at).getResult();
                     });
    return success();
  }
  // scatter_add: loop over the update positions in order (the leading dims
  // before `axis`, then the index dims), adding each update row into the
  // destination row its index names: per destination element the additions
  // happen in position order, as the interpreter's (and DESIGN.md §4's fixed
  // order), in O(updates) work rather than O(dest × indices). An index
  // outside [0, dest dim) adds nothing.
  auto sc = cast<ScatterAddOp>(op);
  auto idx = sc.getIndices().getType();
  auto upd = cast<RankedTensorType>(sc.getUpdates().getType());
  int64_t axis = sc.getAxis(), ir = idx.getRank();
  bool isFloat = isa<FloatType>(type.getElementType());
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value bound = arith::ConstantIndexOp::create(b, loc, type.getDimSize(axis));
  SmallVector<int64_t> outerSizes(type.getShape().take_front(axis));
  llvm::append_range(outerSizes, idx.getShape());
  // One update row: [1 x ... x 1 (axis + ir ones), trailing dims].
  SmallVector<int64_t> rowShape(type.getShape().drop_front(axis + 1));
  auto rowType = RankedTensorType::get(rowShape, type.getElementType());
  SmallVector<Value> ivs;
  std::function<Value(OpBuilder &, Value, unsigned)> nest = [&](OpBuilder &nb, Value acc,
                                                               unsigned level) -> Value {
    if (level == outerSizes.size()) {
      SmallVector<Value> at(ivs.begin() + axis, ivs.end());
      Value k = arith::IndexCastOp::create(nb, loc, nb.getIndexType(),
                                           tensor::ExtractOp::create(nb, loc, sc.getIndices(), at));
      Value inRange = arith::AndIOp::create(
          nb, loc, arith::CmpIOp::create(nb, loc, arith::CmpIPredicate::sge, k, zero),
          arith::CmpIOp::create(nb, loc, arith::CmpIPredicate::slt, k, bound));
      auto ifOp = scf::IfOp::create(
          nb, loc, inRange,
          [&](OpBuilder &tb, Location l) {
            auto sliceOf = [&](Value t, ArrayRef<Value> lead, RankedTensorType full) {
              SmallVector<OpFoldResult> offs, sizes, strides;
              for (Value v : lead)
                offs.push_back(v), sizes.push_back(tb.getIndexAttr(1));
              for (int64_t d = lead.size(); d < full.getRank(); ++d)
                offs.push_back(tb.getIndexAttr(0)),
                    sizes.push_back(tb.getIndexAttr(full.getDimSize(d)));
              strides.assign(full.getRank(), tb.getIndexAttr(1));
              return std::make_tuple(offs, sizes, strides);
            };
            SmallVector<Value> destLead(ivs.begin(), ivs.begin() + axis);
            destLead.push_back(k);
            auto [doffs, dsizes, dstrides] = sliceOf(acc, destLead, type);
            auto [uoffs, usizes, ustrides] = sliceOf(sc.getUpdates(), ivs, upd);
            Value drow = tensor::ExtractSliceOp::create(tb, l, rowType, acc, doffs, dsizes, dstrides);
            Value urow = tensor::ExtractSliceOp::create(tb, l, rowType, sc.getUpdates(), uoffs,
                                                        usizes, ustrides);
            Value sum = elementwise(tb, l, rowType, {drow, urow},
                                    [&](OpBuilder &eb, Location el, ValueRange a) -> Value {
                                      return isFloat ? Value(arith::AddFOp::create(eb, el, a[0], a[1]))
                                                     : arith::AddIOp::create(eb, el, a[0], a[1]);
                                    });
            Value back = tensor::InsertSliceOp::create(tb, l, sum, acc, doffs, dsizes, dstrides);
            scf::YieldOp::create(tb, l, back);
          },
          [&](OpBuilder &eb, Location l) { scf::YieldOp::create(eb, l, acc); });
      return ifOp.getResult(0);
    }
    Value ub = arith::ConstantIndexOp::create(nb, loc, outerSizes[level]);
    auto loop = scf::ForOp::create(
        nb, loc, zero, ub, one, ValueRange{acc},
        [&](OpBuilder &lb, Location l, Value iv, ValueRange iter) {
          ivs.push_back(iv);
          Value next = nest(lb, iter[0], level + 1);
          ivs.pop_back();
          scf::YieldOp::create(lb, l, next);
        });
    return loop.getResult(0);
  };
  // The loop updates a fresh copy of dest (dest itself may be read-only, a
  // kernel input): with results as out-params, the copy is the output buffer.
  Value init = linalg::CopyOp::create(
                   b, loc, sc.getDest(),
                   tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType()).getResult())
                   .getResult(0);
  result = nest(b, init, 0);
  return success();
}

} // namespace mlir::loom::lowering
