//===- LoomrtOps.cpp - verifiers of the command-plan ops -------------------===//
//
// The rules runtime/bundle checks on load (bundle.proto), checked here already
// so that a bad plan is caught at the op that makes it, with its location.
//
//===----------------------------------------------------------------------===//

#include "dialects/loomrt/IR/LoomrtDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

using namespace mlir;
using namespace mlir::loomrt;

#define GET_OP_CLASSES
#include "dialects/loomrt/IR/LoomrtOps.cpp.inc"

namespace {

constexpr int64_t kMaxArenaBytes = int64_t{1} << 40;

/// The arena `name` refers to, or an error at `op`.
FailureOr<ArenaOp> lookupArena(Operation *op, SymbolTableCollection &tables,
                               FlatSymbolRefAttr name) {
  auto module = op->getParentOfType<ModuleOp>();
  auto arena = module ? tables.lookupSymbolIn<ArenaOp>(module, name.getAttr()) : ArenaOp();
  if (!arena)
    return op->emitOpError() << "refers to " << name << ", which is no loomrt.arena";
  return arena;
}

/// `bytes` at byte `offset` lie inside `arena` at an offset aligned to `align`.
LogicalResult checkPlace(Operation *op, ArenaOp arena, int64_t offset, int64_t bytes,
                         int64_t align) {
  if (offset < 0 || offset % align != 0)
    return op->emitOpError() << "offset " << offset << " is not a non-negative multiple of "
                             << align;
  if (offset + bytes > static_cast<int64_t>(arena.getSize()))
    return op->emitOpError() << "bytes [" << offset << ", " << offset + bytes
                             << ") lie outside arena @" << arena.getSymName() << " of "
                             << arena.getSize() << " bytes";
  return success();
}

std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

/// `value`'s shape is `expected`, else an error naming it.
LogicalResult expectShape(Operation *op, StringRef what, Value value,
                          ArrayRef<int64_t> expected) {
  ArrayRef<int64_t> shape = cast<ShapedType>(value.getType()).getShape();
  if (shape == expected)
    return success();
  return op->emitOpError() << what << " must be " << shapeString(expected) << ", not "
                           << shapeString(shape);
}

/// The bytes two loomrt.view buffers of one arena share, [first, second),
/// when they share any; nothing for other values (they cannot be compared).
std::optional<std::pair<int64_t, int64_t>> overlappingBytes(Value x, Value y) {
  auto vx = x.getDefiningOp<ViewOp>(), vy = y.getDefiningOp<ViewOp>();
  if (!vx || !vy || vx.getArena() != vy.getArena())
    return std::nullopt;
  int64_t x0 = vx.getOffset(), x1 = x0 + bufferBytes(vx.getView().getType());
  int64_t y0 = vy.getOffset(), y1 = y0 + bufferBytes(vy.getView().getType());
  int64_t lo = std::max(x0, y0), hi = std::min(x1, y1);
  if (lo >= hi)
    return std::nullopt;
  return std::make_pair(lo, hi);
}

} // namespace

LogicalResult ArenaOp::verify() {
  if (static_cast<int64_t>(getSize()) < 0 || static_cast<int64_t>(getSize()) >= kMaxArenaBytes)
    return emitOpError() << "size " << getSize() << " is outside [0, 2^40)";
  int64_t a = static_cast<int64_t>(getAlignment());
  if (a < 1 || a > 4096 || (a & (a - 1)) != 0)
    return emitOpError() << "alignment " << a << " is not a power of two in [1, 4096]";
  return success();
}

LogicalResult ParameterOp::verify() {
  if (getInit() == InitKind::normal) {
    std::optional<APFloat> std = getStd();
    if (!std || !std->isFiniteNonZero() || std->isNegative())
      return emitOpError() << "init normal needs a finite std > 0";
  } else if (getStd()) {
    return emitOpError() << "std is only for init normal";
  }
  return success();
}

LogicalResult ParameterOp::verifySymbolUses(SymbolTableCollection &tables) {
  FailureOr<ArenaOp> arena = lookupArena(*this, tables, getArenaAttr());
  if (failed(arena))
    return failure();
  ArenaKind kind = arena->getKind();
  if (kind != ArenaKind::parameters && kind != ArenaKind::frozen)
    return emitOpError() << "arena @" << arena->getSymName() << " holds "
                         << stringifyArenaKind(kind) << ", not parameters";
  if ((kind == ArenaKind::frozen) != getFrozen())
    return emitOpError() << (getFrozen() ? "a frozen parameter belongs in a frozen arena"
                                         : "a trained parameter cannot live in a frozen arena");
  auto type = cast<ShapedType>(getType());
  return checkPlace(*this, *arena, getOffset(), bufferBytes(type),
                    elementBytes(type.getElementType()));
}

void EntryOp::build(OpBuilder &builder, OperationState &state, StringRef name) {
  state.addAttribute(getSymNameAttrName(state.name), builder.getStringAttr(name));
  state.addRegion()->emplaceBlock();
}

LogicalResult EntryOp::verify() {
  for (Operation &op : getBody().front())
    if (op.getDialect() != (*this)->getDialect())
      return op.emitOpError() << "is not a command: an entry's plan holds loomrt ops only";
  return success();
}

LogicalResult ViewOp::verifySymbolUses(SymbolTableCollection &tables) {
  FailureOr<ArenaOp> arena = lookupArena(*this, tables, getArenaAttr());
  if (failed(arena))
    return failure();
  MemRefType type = getView().getType();
  return checkPlace(*this, *arena, getOffset(), bufferBytes(type),
                    elementBytes(type.getElementType()));
}

LogicalResult LaunchOp::verify() {
  ArrayRef<int64_t> grid = getGrid();
  if (grid.size() != 3 || llvm::any_of(grid, [](int64_t g) { return g < 1; }))
    return emitOpError() << "grid must have three entries, each >= 1";
  return success();
}

/// The func.func `ref` (@module::@kernel) names in `top`, or null. Looked up
/// one level at a time: a nested module is found by name, then the kernel in it.
static func::FuncOp lookupKernelIn(Operation *top, SymbolRefAttr ref) {
  Operation *scope = top ? SymbolTable::lookupSymbolIn(top, ref.getRootReference()) : nullptr;
  for (FlatSymbolRefAttr part : ref.getNestedReferences().drop_back())
    scope = scope ? SymbolTable::lookupSymbolIn(scope, part.getAttr()) : nullptr;
  if (!scope || ref.getNestedReferences().empty())
    return dyn_cast_or_null<func::FuncOp>(scope);
  return dyn_cast_or_null<func::FuncOp>(
      SymbolTable::lookupSymbolIn(scope, ref.getLeafReference()));
}

func::FuncOp DispatchOp::lookupKernel() {
  // The nearest enclosing module holding the kernel module (not the outermost
  // one: the parser verifies inside a wrapper of its own).
  for (auto m = (*this)->getParentOfType<ModuleOp>(); m; m = m->getParentOfType<ModuleOp>())
    if (func::FuncOp kernel = lookupKernelIn(m, getKernel()))
      return kernel;
  return nullptr;
}

LogicalResult DispatchOp::verifySymbolUses(SymbolTableCollection &tables) {
  func::FuncOp kernel = lookupKernel();
  if (!kernel)
    return emitOpError() << "kernel " << getKernel() << " is no func.func";
  if (!llvm::equal(kernel.getFunctionType().getInputs(), getOperandTypes()) ||
      !llvm::equal(kernel.getFunctionType().getResults(), getResultTypes()))
    return emitOpError() << "types do not match kernel " << getKernel() << " of type "
                         << kernel.getFunctionType();
  return success();
}

LogicalResult LaunchOp::verifySymbolUses(SymbolTableCollection &tables) {
  func::FuncOp kernel = lookupKernelIn((*this)->getParentOfType<ModuleOp>(), getKernel());
  if (!kernel)
    return emitOpError() << "kernel " << getKernel() << " is no func.func";
  FunctionType fn = kernel.getFunctionType();
  SmallVector<Type> expected(fn.getInputs());
  llvm::append_range(expected, fn.getResults());
  if (expected.size() != getBuffers().size())
    return emitOpError() << "kernel " << getKernel() << " takes " << expected.size()
                         << " buffers (arguments, then results), got " << getBuffers().size();
  for (auto [i, pair] : llvm::enumerate(llvm::zip(expected, getBuffers()))) {
    auto want = dyn_cast<RankedTensorType>(std::get<0>(pair));
    auto got = cast<MemRefType>(std::get<1>(pair).getType());
    if (!want || want.getShape() != got.getShape() ||
        want.getElementType() != got.getElementType())
      return emitOpError() << "buffer " << i << " " << got << " does not hold kernel type "
                           << std::get<0>(pair);
  }
  return success();
}

LogicalResult GemmOp::verify() {
  MemRefType a = getA().getType(), b = getB().getType(), c = getC().getType();
  int64_t m = c.getDimSize(0), n = c.getDimSize(1);
  int64_t am = a.getDimSize(getTransA() ? 1 : 0), k = a.getDimSize(getTransA() ? 0 : 1);
  int64_t bk = b.getDimSize(getTransB() ? 1 : 0), bn = b.getDimSize(getTransB() ? 0 : 1);
  if (am != m || bn != n || bk != k)
    return emitOpError() << "op(A) is " << am << "x" << k << " and op(B) " << bk << "x" << bn
                         << ", which do not multiply into C " << m << "x" << n;
  if (getA() == getC() || getB() == getC())
    return emitOpError() << "C overlaps an operand";
  if (Value bias = getBias()) {
    int64_t elements = cast<MemRefType>(bias.getType()).getNumElements();
    if (elements != n)
      return emitOpError() << "bias has " << elements << " elements, not n = " << n
                           << " (one per column of C)";
    // The epilogue reads the row while it writes C (cuBLASLt does not
    // promise an order), so the two must not share a byte.
    if (std::optional<std::pair<int64_t, int64_t>> both = overlappingBytes(bias, getC()))
      return emitOpError() << "bias overlaps C (bytes [" << both->first << ", " << both->second
                           << ") of their arena)";
  }
  return success();
}

namespace {

/// The attention shapes, from q [B, Sq, Hq, D], k [B, Sk, Hkv, D] and v.
struct AttnDims {
  int64_t b, sq, hq, d, sk, hkv, dv;
};

FailureOr<AttnDims> attentionDims(Operation *op, Value q, Value k, Value v, Value qpos,
                                  Value lo, Value hi, float scale) {
  auto qs = cast<ShapedType>(q.getType()).getShape();
  auto ks = cast<ShapedType>(k.getType()).getShape();
  auto vs = cast<ShapedType>(v.getType()).getShape();
  AttnDims d{qs[0], qs[1], qs[2], qs[3], ks[1], ks[2], vs[3]};
  if (failed(expectShape(op, "key", k, {d.b, d.sk, d.hkv, d.d})) ||
      failed(expectShape(op, "value", v, {d.b, d.sk, d.hkv, d.dv})) ||
      failed(expectShape(op, "query_positions", qpos, {d.b, d.sq})) ||
      failed(expectShape(op, "visible_lo", lo, {d.b, d.sk})) ||
      failed(expectShape(op, "visible_hi", hi, {d.b, d.sk})))
    return failure();
  if (d.hkv < 1 || d.hq % d.hkv != 0)
    return op->emitOpError() << "query heads " << d.hq << " are not a multiple of key heads "
                             << d.hkv;
  if (!std::isfinite(scale))
    return op->emitOpError() << "scale must be finite";
  return d;
}

} // namespace

LogicalResult AttentionOp::verify() {
  FailureOr<AttnDims> d =
      attentionDims(*this, getQuery(), getKey(), getValue(), getQueryPositions(),
                    getVisibleLo(), getVisibleHi(), getScale().convertToFloat());
  if (failed(d))
    return failure();
  if (failed(expectShape(*this, "output", getOutput(), {d->b, d->sq, d->hq, d->dv})) ||
      failed(expectShape(*this, "logsumexp", getLogsumexp(), {d->b, d->sq, d->hq})))
    return failure();
  return success();
}

LogicalResult AttentionGradOp::verify() {
  FailureOr<AttnDims> d =
      attentionDims(*this, getQuery(), getKey(), getValue(), getQueryPositions(),
                    getVisibleLo(), getVisibleHi(), getScale().convertToFloat());
  if (failed(d))
    return failure();
  SmallVector<int64_t> out{d->b, d->sq, d->hq, d->dv};
  if (failed(expectShape(*this, "output", getOutput(), out)) ||
      failed(expectShape(*this, "output_grad", getOutputGrad(), out)) ||
      failed(expectShape(*this, "logsumexp", getLogsumexp(), {d->b, d->sq, d->hq})) ||
      failed(expectShape(*this, "query_grad", getQueryGrad(),
                         cast<ShapedType>(getQuery().getType()).getShape())) ||
      failed(expectShape(*this, "key_grad", getKeyGrad(),
                         cast<ShapedType>(getKey().getType()).getShape())) ||
      failed(expectShape(*this, "value_grad", getValueGrad(),
                         cast<ShapedType>(getValue().getType()).getShape())))
    return failure();
  return success();
}

LogicalResult CopyOp::verify() {
  int64_t from = bufferBytes(getSource().getType()), to = bufferBytes(getTarget().getType());
  if (from != to)
    return emitOpError() << "copies " << from << " bytes into a view of " << to;
  if (getSource() == getTarget())
    return emitOpError() << "source and target are the same view";
  return success();
}

LogicalResult FillOp::verify() {
  Type element = getTarget().getType().getElementType();
  auto typed = dyn_cast<TypedAttr>(getValue());
  if (!typed || !isa<IntegerAttr, FloatAttr>(typed) || typed.getType() != element)
    return emitOpError() << "value must be a scalar of the view's element type " << element;
  return success();
}
