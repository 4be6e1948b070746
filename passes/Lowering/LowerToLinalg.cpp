//===- LowerToLinalg.cpp - loom elementwise and sum ops to linalg ---------===//

#include "passes/Lowering/Passes.h"

#include "dialects/loom/IR/LoomOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::loom {
#define GEN_PASS_DEF_LOOMLOWERTOLINALGPASS
#include "passes/Lowering/Passes.h.inc"
} // namespace mlir::loom

using namespace mlir;
using namespace mlir::loom;

namespace {

using BodyFn = function_ref<Value(OpBuilder &, Location, ValueRange)>;

/// A linalg.generic over `type` with parallel iterators: input i is read
/// through `inputMaps[i]`, the result is written elementwise.
Value generic(OpBuilder &b, Location loc, RankedTensorType type, ValueRange inputs,
              ArrayRef<AffineMap> inputMaps, BodyFn body) {
  Value empty = tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(type.getRank()));
  SmallVector<utils::IteratorType> iterators(type.getRank(), utils::IteratorType::parallel);
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{type}, inputs, ValueRange{empty}, maps, iterators, "", "",
      [&](OpBuilder &nb, Location l, ValueRange args) {
        linalg::YieldOp::create(nb, l, body(nb, l, args.drop_back()));
      });
  return op.getResult(0);
}

/// An elementwise generic whose inputs all have the result's shape.
Value elementwise(OpBuilder &b, Location loc, RankedTensorType type, ValueRange inputs,
                  BodyFn body) {
  SmallVector<AffineMap> maps(inputs.size(), b.getMultiDimIdentityMap(type.getRank()));
  return generic(b, loc, type, inputs, maps, body);
}

Value binaryScalar(OpBuilder &b, Location loc, BinaryKind kind, Value x, Value y) {
  bool isFloat = isa<FloatType>(x.getType());
  switch (kind) {
  case BinaryKind::add: return isFloat ? Value(arith::AddFOp::create(b, loc, x, y)) : arith::AddIOp::create(b, loc, x, y);
  case BinaryKind::sub: return isFloat ? Value(arith::SubFOp::create(b, loc, x, y)) : arith::SubIOp::create(b, loc, x, y);
  case BinaryKind::mul: return isFloat ? Value(arith::MulFOp::create(b, loc, x, y)) : arith::MulIOp::create(b, loc, x, y);
  case BinaryKind::div: return arith::DivFOp::create(b, loc, x, y);
  case BinaryKind::max: return isFloat ? Value(arith::MaximumFOp::create(b, loc, x, y)) : arith::MaxSIOp::create(b, loc, x, y);
  case BinaryKind::min: return isFloat ? Value(arith::MinimumFOp::create(b, loc, x, y)) : arith::MinSIOp::create(b, loc, x, y);
  case BinaryKind::pow: return math::PowFOp::create(b, loc, x, y);
  case BinaryKind::atan2: return math::Atan2Op::create(b, loc, x, y);
  case BinaryKind::bit_and: return arith::AndIOp::create(b, loc, x, y);
  case BinaryKind::bit_or: return arith::OrIOp::create(b, loc, x, y);
  case BinaryKind::bit_xor: return arith::XOrIOp::create(b, loc, x, y);
  }
  return {};
}

/// Null for unary kinds not lowered yet.
Value unaryScalar(OpBuilder &b, Location loc, UnaryKind kind, Value x) {
  if (!isa<FloatType>(x.getType()))
    return {};
  switch (kind) {
  case UnaryKind::neg: return arith::NegFOp::create(b, loc, x);
  case UnaryKind::abs: return math::AbsFOp::create(b, loc, x);
  case UnaryKind::exp: return math::ExpOp::create(b, loc, x);
  case UnaryKind::log: return math::LogOp::create(b, loc, x);
  case UnaryKind::sqrt: return math::SqrtOp::create(b, loc, x);
  case UnaryKind::rsqrt: return math::RsqrtOp::create(b, loc, x);
  case UnaryKind::tanh: return math::TanhOp::create(b, loc, x);
  case UnaryKind::sin: return math::SinOp::create(b, loc, x);
  case UnaryKind::cos: return math::CosOp::create(b, loc, x);
  case UnaryKind::erf: return math::ErfOp::create(b, loc, x);
  default: return {};
  }
}

Value compareScalar(OpBuilder &b, Location loc, ComparePredicate p, Value x, Value y) {
  if (isa<FloatType>(x.getType())) {
    // IEEE: ordered comparisons are false on NaN, ne is unordered (true on NaN).
    arith::CmpFPredicate f[] = {arith::CmpFPredicate::OEQ, arith::CmpFPredicate::UNE,
                                arith::CmpFPredicate::OLT, arith::CmpFPredicate::OLE,
                                arith::CmpFPredicate::OGT, arith::CmpFPredicate::OGE};
    return arith::CmpFOp::create(b, loc, f[static_cast<int>(p)], x, y);
  }
  arith::CmpIPredicate i[] = {arith::CmpIPredicate::eq,  arith::CmpIPredicate::ne,
                              arith::CmpIPredicate::slt, arith::CmpIPredicate::sle,
                              arith::CmpIPredicate::sgt, arith::CmpIPredicate::sge};
  return arith::CmpIOp::create(b, loc, i[static_cast<int>(p)], x, y);
}

/// Null for casts not lowered yet (float to integer, whose saturating rule
/// needs more than one arith op).
Value castScalar(OpBuilder &b, Location loc, Value x, Type to) {
  Type from = x.getType();
  if (from == to)
    return x;
  auto fromFloat = dyn_cast<FloatType>(from), toFloat = dyn_cast<FloatType>(to);
  if (fromFloat && toFloat)
    return fromFloat.getWidth() < toFloat.getWidth() ? Value(arith::ExtFOp::create(b, loc, to, x))
                                                     : arith::TruncFOp::create(b, loc, to, x);
  if (!fromFloat && toFloat)
    return from.isInteger(1) ? Value(arith::UIToFPOp::create(b, loc, to, x))
                             : arith::SIToFPOp::create(b, loc, to, x);
  return {};
}

struct LowerToLinalgPass final : loom::impl::LoomLowerToLinalgPassBase<LowerToLinalgPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<Operation *> ops;
    module.walk([&](Operation *op) {
      if (isa<LoomDialect>(op->getDialect()))
        ops.push_back(op);
    });
    for (Operation *op : ops)
      if (failed(lower(op)))
        return signalPassFailure();
    module.walk([&](func::FuncOp fn) { tieArenaResults(fn); });
  }

  LogicalResult lower(Operation *op) {
    OpBuilder b(op);
    Location loc = op->getLoc();
    Value result;
    if (auto c = dyn_cast<ConstantOp>(op)) {
      result = arith::ConstantOp::create(b, loc, cast<TypedAttr>(c.getValue()));
    } else if (auto u = dyn_cast<UnaryOp>(op)) {
      bool ok = true;
      result = elementwise(b, loc, u.getType(), {u.getInput()},
                           [&](OpBuilder &nb, Location l, ValueRange a) {
                             Value v = unaryScalar(nb, l, u.getKind(), a[0]);
                             ok &= v != nullptr;
                             return v ? v : a[0];
                           });
      if (!ok) {
        result.getDefiningOp()->erase();
        return notLowered(op, ("unary kind '" + stringifyUnaryKind(u.getKind()) + "'").str());
      }
    } else if (auto bin = dyn_cast<BinaryOp>(op)) {
      result = elementwise(b, loc, bin.getType(), {bin.getLhs(), bin.getRhs()},
                           [&](OpBuilder &nb, Location l, ValueRange a) {
                             return binaryScalar(nb, l, bin.getKind(), a[0], a[1]);
                           });
    } else if (auto cmp = dyn_cast<CompareOp>(op)) {
      result = elementwise(b, loc, cmp.getType(), {cmp.getLhs(), cmp.getRhs()},
                           [&](OpBuilder &nb, Location l, ValueRange a) {
                             return compareScalar(nb, l, cmp.getPredicate(), a[0], a[1]);
                           });
    } else if (auto sel = dyn_cast<SelectOp>(op)) {
      result = elementwise(b, loc, sel.getType(),
                           {sel.getCondition(), sel.getOnTrue(), sel.getOnFalse()},
                           [&](OpBuilder &nb, Location l, ValueRange a) {
                             return arith::SelectOp::create(nb, l, a[0], a[1], a[2]).getResult();
                           });
    } else if (auto cast = dyn_cast<CastOp>(op)) {
      Type to = cast.getType().getElementType();
      if (isa<FloatType>(cast.getInput().getType().getElementType()) && !isa<FloatType>(to))
        return notLowered(op, "a float-to-integer cast");
      result = elementwise(b, loc, cast.getType(), {cast.getInput()},
                           [&](OpBuilder &nb, Location l, ValueRange a) {
                             return castScalar(nb, l, a[0], to);
                           });
    } else if (auto bc = dyn_cast<BroadcastOp>(op)) {
      if (!bc.getType().hasStaticShape())
        return notLowered(op, "a broadcast to a bounded dynamic shape");
      SmallVector<AffineExpr> exprs;
      for (int64_t d : bc.getDims())
        exprs.push_back(b.getAffineDimExpr(d));
      AffineMap map = AffineMap::get(bc.getType().getRank(), 0, exprs, b.getContext());
      result = generic(b, loc, bc.getType(), {bc.getInput()}, {map},
                       [](OpBuilder &, Location, ValueRange a) { return a[0]; });
    } else if (auto iota = dyn_cast<IotaOp>(op)) {
      auto type = iota.getType();
      if (!type.hasStaticShape())
        return notLowered(op, "an iota of bounded dynamic shape");
      result = generic(b, loc, type, {}, {}, [&](OpBuilder &nb, Location l, ValueRange) {
        Value i = linalg::IndexOp::create(nb, l, iota.getDim());
        Type e = type.getElementType();
        if (isa<FloatType>(e))
          return arith::SIToFPOp::create(
                     nb, l, e, arith::IndexCastOp::create(nb, l, nb.getI64Type(), i))
              .getResult();
        return arith::IndexCastOp::create(nb, l, e, i).getResult();
      });
    } else if (auto red = dyn_cast<ReduceOp>(op)) {
      if (failed(lowerSum(b, red, result)))
        return failure();
    } else {
      return notLowered(op, "this op");
    }
    op->getResult(0).replaceAllUsesWith(result);
    op->erase();
    return success();
  }

  /// A sum over `dims` as a generic with reduction iterators.
  LogicalResult lowerSum(OpBuilder &b, ReduceOp red, Value &result) {
    auto in = red.getInput().getType();
    Type element = in.getElementType();
    if (red.getKind() != ReduceKind::sum || red.getKeepDims() || red.getAcc() != element ||
        !isa<FloatType>(element) || !in.hasStaticShape())
      return notLowered(red, "a reduction other than a float sum in its own type");
    Location loc = red.getLoc();
    auto out = red.getType();
    Value zero = arith::ConstantOp::create(b, loc, FloatAttr::get(element, 0.0));
    Value empty = tensor::EmptyOp::create(b, loc, out.getShape(), element);
    Value init = linalg::FillOp::create(b, loc, zero, empty).getResult(0);
    SmallVector<AffineExpr> kept;
    SmallVector<utils::IteratorType> iterators;
    for (int64_t d = 0; d < in.getRank(); ++d) {
      bool reduced = llvm::is_contained(red.getDims(), d);
      iterators.push_back(reduced ? utils::IteratorType::reduction : utils::IteratorType::parallel);
      if (!reduced)
        kept.push_back(b.getAffineDimExpr(d));
    }
    SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(in.getRank()),
                                AffineMap::get(in.getRank(), 0, kept, b.getContext())};
    result = linalg::GenericOp::create(
                 b, loc, TypeRange{out}, ValueRange{red.getInput()}, ValueRange{init}, maps,
                 iterators, "", "",
                 [](OpBuilder &nb, Location l, ValueRange a) {
                   linalg::YieldOp::create(nb, l, arith::AddFOp::create(nb, l, a[0], a[1]).getResult());
                 })
                 .getResult(0);
    return success();
  }

  LogicalResult notLowered(Operation *op, StringRef what) {
    return op->emitOpError("loom-lower-to-linalg: ") << what << " is not lowered yet";
  }

  /// Results marked loom.arena = "X" are written into the argument marked "X".
  void tieArenaResults(func::FuncOp fn) {
    if (fn.isExternal())
      return;
    llvm::StringMap<Value> argOf;
    for (unsigned i = 0; i < fn.getNumArguments(); ++i)
      if (auto name = fn.getArgAttrOfType<StringAttr>(i, "loom.arena"))
        argOf[name.getValue()] = fn.getArgument(i);
    if (argOf.empty())
      return;
    auto ret = cast<func::ReturnOp>(fn.getBody().front().getTerminator());
    OpBuilder b(ret);
    for (unsigned r = 0; r < fn.getNumResults(); ++r) {
      auto name = fn.getResultAttrOfType<StringAttr>(r, "loom.arena");
      Value dest = name ? argOf.lookup(name.getValue()) : Value();
      if (!dest || dest.getType() != ret.getOperand(r).getType())
        continue;
      auto into = bufferization::MaterializeInDestinationOp::create(b, ret.getLoc(),
                                                                    ret.getOperand(r), dest);
      ret.setOperand(r, into.getResult());
    }
  }
};

} // namespace
