//===- RowLocality.cpp - the row rules of loom ops and kernels -------------===//
//
// opRowRule is the table: one case per op family. analyzeKernelRows walks a
// kernel's body backwards from its results, giving every operand the map its
// users' rules ask for, and tries fewer row dims when a rule or two users
// disagree.
//
//===----------------------------------------------------------------------===//

#include "passes/Strategy/RowLocality.h"

#include "dialects/loom/IR/DataMovementOps.h"
#include "dialects/loom/IR/ElementwiseOps.h"
#include "dialects/loom/IR/NormOps.h"
#include "dialects/loom/IR/ReductionOps.h"

#include "llvm/ADT/TypeSwitch.h"

namespace mlir::loom::strategy {
namespace {

RowMap notARow(size_t rows) { return RowMap(rows, kNotARow); }

/// `map` with each mapped dim d replaced by `to(d)` (kNotARow: not a row).
RowMap remap(const RowMap &map, function_ref<int64_t(int64_t)> to) {
  RowMap out;
  for (int64_t d : map)
    out.push_back(d == kNotARow ? kNotARow : to(d));
  return out;
}

bool maps(const RowMap &map, int64_t dim) { return llvm::is_contained(map, dim); }

/// Rows lead, reduced or scanned dims trail: every mapped dim is below `dim`.
bool allBefore(const RowMap &map, int64_t dim) {
  return llvm::all_of(map, [&](int64_t d) { return d == kNotARow || d < dim; });
}

int64_t rankOf(Value v) { return cast<ShapedType>(v.getType()).getRank(); }

/// Work per element (OpRows::cost), measured on the CPU kernels against an
/// f32 add: transcendental functions ~10x, norms (f64 statistics, several
/// passes) ~4x, softmax and cross_entropy (an exp per element, three passes)
/// ~20x, rope (a cos and a sin per element) ~40x.
constexpr int64_t kCheap = 1, kNorm = 4, kTranscendental = 8, kSoftmax = 16, kRope = 32;

int64_t unaryCost(UnaryKind kind) {
  switch (kind) {
  case UnaryKind::neg:
  case UnaryKind::abs:
  case UnaryKind::square:
  case UnaryKind::relu:
  case UnaryKind::floor:
  case UnaryKind::ceil:
  case UnaryKind::bit_not:
    return kCheap;
  default:
    return kTranscendental;
  }
}

int64_t binaryCost(BinaryKind kind) {
  return kind == BinaryKind::pow || kind == BinaryKind::atan2 ? kTranscendental : kCheap;
}

/// Every operand and result on the same map.
OpRows same(Operation *op, const RowMap &map, RowKind kind, int64_t cost = kCheap) {
  OpRows rows;
  rows.kind = kind;
  rows.cost = cost;
  rows.operands.assign(op->getNumOperands(), map);
  rows.results.assign(op->getNumResults(), map);
  return rows;
}

/// Operands on `map` except those in `whole`, which are read whole.
OpRows sameExcept(Operation *op, const RowMap &map, RowKind kind, ValueRange whole,
                  int64_t cost) {
  OpRows rows = same(op, map, kind, cost);
  for (OpOperand &operand : op->getOpOperands())
    if (llvm::is_contained(whole, operand.get()))
      rows.operands[operand.getOperandNumber()] = notARow(map.size());
  return rows;
}

FailureOr<OpRows> broadcastRows(BroadcastOp op, const RowMap &p) {
  if (!op.getDynamicDims().empty())
    return failure();
  ArrayRef<int64_t> dims = op.getDims();
  OpRows rows = same(op, p, RowKind::Elementwise);
  // Operand dim i is result dim dims[i]; a new result dim repeats the operand.
  rows.operands[0] = remap(p, [&](int64_t d) -> int64_t {
    const int64_t *at = llvm::find(dims, d);
    return at == dims.end() ? kNotARow : at - dims.begin();
  });
  return rows;
}

FailureOr<OpRows> gatherRows(GatherOp op, const RowMap &p) {
  int64_t axis = static_cast<int64_t>(op.getAxis()), n = rankOf(op.getIndices());
  OpRows rows = same(op, p, RowKind::Elementwise);
  // result = source[:axis] + indices + source[axis+1:]; the table's axis is
  // read whole (any row may take any entry).
  rows.operands[0] = remap(p, [&](int64_t d) -> int64_t {
    return d < axis ? d : d < axis + n ? kNotARow : d - n + 1;
  });
  rows.operands[1] = remap(p, [&](int64_t d) -> int64_t {
    return d >= axis && d < axis + n ? d - axis : kNotARow;
  });
  return rows;
}

/// reduce: result dim e is input dim e (keep_dims) or the e-th kept dim.
FailureOr<OpRows> reduceRows(ReduceOp op, const RowMap &p) {
  ArrayRef<int64_t> dims = op.getDims();
  int64_t rank = rankOf(op.getInput());
  SmallVector<int64_t> kept;
  for (int64_t d = 0; d < rank; ++d)
    if (!llvm::is_contained(dims, d))
      kept.push_back(d);
  bool keep = op.getKeepDims();
  if (keep && llvm::any_of(dims, [&](int64_t d) { return maps(p, d); }))
    return failure();
  RowMap in = remap(p, [&](int64_t e) { return keep ? e : kept[e]; });
  if (!dims.empty() && !allBefore(in, dims.front()))
    return failure();
  OpRows rows = same(op, p, RowKind::RowReduction);
  rows.operands[0] = in;
  return rows;
}

FailureOr<OpRows> argmaxRows(ArgmaxOp op, const RowMap &p) {
  int64_t dim = static_cast<int64_t>(op.getDim());
  RowMap in = remap(p, [&](int64_t e) { return e < dim ? e : e + 1; });
  if (!allBefore(in, dim))
    return failure();
  OpRows rows = same(op, p, RowKind::RowReduction);
  rows.operands[0] = in;
  return rows;
}

/// An op along `dim` of its input, with results and operands of one shape.
FailureOr<OpRows> alongDim(Operation *op, const RowMap &p, int64_t dim, RowKind kind,
                           int64_t cost) {
  if (!allBefore(p, dim))
    return failure();
  return same(op, p, kind, cost);
}

FailureOr<OpRows> ropeRows(RopeOp op, const RowMap &p) {
  // [B, S, H, D]: pairs mix within D; positions [B, S] are per token.
  if (maps(p, 3))
    return failure();
  OpRows rows = same(op, p, RowKind::RowReduction, kRope);
  rows.operands[1] = remap(p, [](int64_t d) { return d < 2 ? d : kNotARow; });
  return rows;
}

/// Norms and their gradients: statistics over the last dim of the first
/// result; every other tensor is per row ([...]) or a weight/bias ([D]).
FailureOr<OpRows> normRows(Operation *op, const RowMap &p, ValueRange whole) {
  if (maps(p, rankOf(op->getResult(0)) - 1))
    return failure();
  return sameExcept(op, p, RowKind::RowReduction, whole, kNorm);
}

} // namespace

StringRef strategyName(RowKind kind) {
  switch (kind) {
  case RowKind::Elementwise:
    return "elementwise";
  case RowKind::RowReduction:
    return "row_reduction";
  case RowKind::Scan:
    return "scan";
  }
  return kSerialStrategy;
}

FailureOr<OpRows> opRowRule(Operation *op, const RowMap &p) {
  if (op->getNumResults() == 0)
    return failure();
  auto elementwise = [&](Operation *o) -> FailureOr<OpRows> {
    return same(o, p, RowKind::Elementwise);
  };
  return llvm::TypeSwitch<Operation *, FailureOr<OpRows>>(op)
      .Case([&](UnaryOp o) -> FailureOr<OpRows> {
        return same(o, p, RowKind::Elementwise, unaryCost(o.getKind()));
      })
      .Case([&](BinaryOp o) -> FailureOr<OpRows> {
        return same(o, p, RowKind::Elementwise, binaryCost(o.getKind()));
      })
      .Case<FloorModOp, CompareOp, SelectOp, CastOp, ConstantOp>(elementwise)
      .Case([&](BroadcastOp o) { return broadcastRows(o, p); })
      .Case([&](IotaOp o) -> FailureOr<OpRows> {
        if (!o.getDynamicDims().empty() || maps(p, static_cast<int64_t>(o.getDim())))
          return failure();
        return same(o, p, RowKind::Elementwise);
      })
      .Case([&](GatherOp o) { return gatherRows(o, p); })
      .Case([&](RopeOp o) { return ropeRows(o, p); })
      .Case([&](RmsNormOp o) {
        SmallVector<Value> whole;
        if (o.getWeight())
          whole.push_back(o.getWeight());
        return normRows(o, p, whole);
      })
      .Case([&](LayerNormOp o) {
        SmallVector<Value> whole;
        if (o.getWeight())
          whole.push_back(o.getWeight());
        if (o.getBias())
          whole.push_back(o.getBias());
        return normRows(o, p, whole);
      })
      .Case<RmsNormGradOp, LayerNormGradOp>([&](Operation *o) { return normRows(o, p, {}); })
      .Case([&](SoftmaxOp o) {
        return alongDim(o, p, static_cast<int64_t>(o.getDim()), RowKind::RowReduction, kSoftmax);
      })
      .Case([&](LogSoftmaxOp o) {
        return alongDim(o, p, static_cast<int64_t>(o.getDim()), RowKind::RowReduction, kSoftmax);
      })
      .Case([&](ReduceOp o) { return reduceRows(o, p); })
      .Case([&](ArgmaxOp o) { return argmaxRows(o, p); })
      .Case([&](CrossEntropyOp o) -> FailureOr<OpRows> {
        // loss [...] per row of logits [..., V]; targets and weights [...].
        return same(o, p, RowKind::RowReduction, kSoftmax);
      })
      .Case([&](TopKOp o) {
        return alongDim(o, p, rankOf(o.getInput()) - 1, RowKind::RowReduction, kSoftmax);
      })
      .Case([&](SortOp o) {
        return alongDim(o, p, static_cast<int64_t>(o.getDim()), RowKind::RowReduction, kSoftmax);
      })
      .Case([&](CumsumOp o) {
        return alongDim(o, p, static_cast<int64_t>(o.getDim()), RowKind::Scan, kCheap);
      })
      .Default([](Operation *) -> FailureOr<OpRows> { return failure(); });
}

FailureOr<RowMap> primaryRowMap(Operation *op, unsigned index, const RowMap &map) {
  if (index == 0)
    return map;
  // Norm statistics ([...] of [..., D]) and top_k/sort's second result share
  // result 0's leading dims, index for index.
  if (isa<RmsNormOp, LayerNormOp, TopKOp, SortOp>(op))
    return map;
  return failure();
}

int64_t KernelRows::numRows() const {
  int64_t n = 1;
  for (int64_t l : rowShape)
    n *= l;
  return n;
}

namespace {

ArrayRef<int64_t> shapeOf(Value v) { return cast<ShapedType>(v.getType()).getShape(); }

/// Each mapped dim is distinct and has its row's extent.
bool fits(Value v, const RowMap &map, ArrayRef<int64_t> rowShape) {
  ArrayRef<int64_t> shape = shapeOf(v);
  SmallVector<bool> used(shape.size(), false);
  for (auto [j, d] : llvm::enumerate(map)) {
    if (d == kNotARow)
      continue;
    if (d < 0 || d >= static_cast<int64_t>(shape.size()) || used[d] || shape[d] != rowShape[j])
      return false;
    used[d] = true;
  }
  return true;
}

/// The rows of `fn` with `k` row dims, or failure.
FailureOr<KernelRows> rowsWith(func::FuncOp fn, unsigned k) {
  Block &body = fn.getFunctionBody().front();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  KernelRows rows;
  rows.rowShape.assign(shapeOf(ret.getOperand(0)).take_front(k));
  SmallVector<std::pair<Operation *, int64_t>> costs;
  auto merge = [&](Value v, const RowMap &map) {
    if (!fits(v, map, rows.rowShape))
      return false;
    auto [it, inserted] = rows.maps.try_emplace(v, map);
    return inserted || it->second == map;
  };
  RowMap identity;
  for (unsigned j = 0; j < k; ++j)
    identity.push_back(j);
  for (Value v : ret.getOperands())
    if (!merge(v, identity))
      return failure();

  for (Operation &op : llvm::reverse(body.without_terminator())) {
    // The first result a user gave a map decides the op's rows.
    std::optional<RowMap> primary;
    for (OpResult r : op.getResults()) {
      auto found = rows.maps.find(r);
      if (found == rows.maps.end())
        continue;
      FailureOr<RowMap> p = primaryRowMap(&op, r.getResultNumber(), found->second);
      if (failed(p))
        return failure();
      primary = *p;
      break;
    }
    if (!primary) // dead: nothing says which rows it has
      return failure();
    FailureOr<OpRows> rule = opRowRule(&op, *primary);
    if (failed(rule))
      return failure();
    for (OpResult r : op.getResults())
      if (!merge(r, rule->results[r.getResultNumber()]))
        return failure();
    for (OpOperand &operand : op.getOpOperands())
      if (!merge(operand.get(), rule->operands[operand.getOperandNumber()]))
        return failure();
    rows.kind = std::max(rows.kind, rule->kind);
    costs.push_back({&op, rule->cost});
  }
  for (BlockArgument arg : body.getArguments())
    rows.maps.try_emplace(arg, notARow(k));

  // The work of a row: each op's cost times its largest value sliced along
  // every row, per row. A kernel returning its inputs still moves them.
  int64_t numRows = rows.numRows();
  auto perRow = [&](Value v) -> int64_t {
    const RowMap &map = rows.maps.lookup(v);
    if (llvm::is_contained(map, kNotARow))
      return 0;
    return cast<ShapedType>(v.getType()).getNumElements() / numRows;
  };
  int64_t work = 0;
  for (auto [op, cost] : costs) {
    int64_t elements = 0;
    for (Value v : llvm::concat<Value>(op->getOperands(), op->getResults()))
      elements = std::max(elements, perRow(v));
    work += cost * elements;
  }
  for (Value v : ret.getOperands())
    work = std::max(work, perRow(v));
  rows.rowWork = std::max<int64_t>(work, 1);
  return rows;
}

} // namespace

FailureOr<KernelRows> analyzeKernelRows(func::FuncOp fn) {
  if (fn.isExternal() || !fn.getFunctionBody().hasOneBlock() || fn.getNumResults() == 0)
    return failure();
  auto ret = dyn_cast<func::ReturnOp>(fn.getFunctionBody().front().getTerminator());
  if (!ret)
    return failure();
  for (Value v : llvm::concat<Value>(fn.getArguments(), ret.getOperands())) {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    if (!type || !type.hasStaticShape())
      return failure();
  }
  // At most the leading dims that every result shares.
  ArrayRef<int64_t> first = shapeOf(ret.getOperand(0));
  size_t common = first.size();
  for (Value v : ret.getOperands()) {
    ArrayRef<int64_t> shape = shapeOf(v);
    size_t n = 0;
    while (n < std::min(common, shape.size()) && shape[n] == first[n])
      ++n;
    common = n;
  }
  for (size_t k = common; k >= 1; --k)
    if (FailureOr<KernelRows> rows = rowsWith(fn, k); succeeded(rows))
      return rows;
  return failure();
}

FailureOr<SmallVector<int64_t, 4>> rowTileExtents(ArrayRef<int64_t> rowShape, int64_t tileRows) {
  if (rowShape.empty() || tileRows < 1)
    return failure();
  // From the innermost row dim out: the tile is whole along the dims after j.
  int64_t after = 1;
  for (int64_t j = static_cast<int64_t>(rowShape.size()) - 1; j >= 0; --j) {
    if (tileRows % after != 0)
      return failure();
    int64_t t = tileRows / after;
    if (t <= rowShape[j]) {
      if (rowShape[j] % t != 0)
        return failure();
      SmallVector<int64_t, 4> extents(rowShape.begin(), rowShape.end());
      for (int64_t i = 0; i < j; ++i)
        extents[i] = 1;
      extents[j] = t;
      return extents;
    }
    after *= rowShape[j];
  }
  return failure();
}

SmallVector<int64_t> tileShape(ArrayRef<int64_t> shape, const RowMap &map,
                               ArrayRef<int64_t> tileExtents) {
  SmallVector<int64_t> out(shape.begin(), shape.end());
  for (auto [j, d] : llvm::enumerate(map))
    if (d != kNotARow)
      out[d] = tileExtents[j];
  return out;
}

} // namespace mlir::loom::strategy
