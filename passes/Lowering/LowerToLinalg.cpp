//===- LowerToLinalg.cpp - the loom-lower-to-linalg pass --------------------===//
//
// The pass walks every loom op and hands it to its family (LowerCommon.h);
// this file also holds the helpers the families share.
//
//===----------------------------------------------------------------------===//

#include "passes/Lowering/LowerCommon.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::loom {
#define GEN_PASS_DEF_LOOMLOWERTOLINALGPASS
#include "passes/Lowering/Passes.h.inc"
} // namespace mlir::loom

using namespace mlir;
using namespace mlir::loom;
using namespace mlir::loom::lowering;

namespace mlir::loom::lowering {

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

Value elementwise(OpBuilder &b, Location loc, RankedTensorType type, ValueRange inputs,
                  BodyFn body) {
  SmallVector<AffineMap> maps(inputs.size(), b.getMultiDimIdentityMap(type.getRank()));
  return generic(b, loc, type, inputs, maps, body);
}

Value scalar(OpBuilder &b, Location loc, Type type, double value) {
  if (auto f = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, FloatAttr::get(f, value));
  return arith::ConstantOp::create(b, loc, IntegerAttr::get(type, static_cast<int64_t>(value)));
}

Value filled(OpBuilder &b, Location loc, RankedTensorType type, Value value) {
  Value empty = tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  return linalg::FillOp::create(b, loc, value, empty).getResult(0);
}

SmallVector<Value> reduceGeneric(OpBuilder &b, Location loc, ValueRange inputs, ValueRange inits,
                                 int64_t rank, ArrayRef<int64_t> dims, ReduceBodyFn body) {
  SmallVector<AffineExpr> kept;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d) {
    bool reduced = llvm::is_contained(dims, d);
    iterators.push_back(reduced ? utils::IteratorType::reduction : utils::IteratorType::parallel);
    if (!reduced)
      kept.push_back(b.getAffineDimExpr(d));
  }
  SmallVector<AffineMap> maps(inputs.size(), b.getMultiDimIdentityMap(rank));
  maps.append(inits.size(), AffineMap::get(rank, 0, kept, b.getContext()));
  SmallVector<Type> types;
  for (Value v : inits)
    types.push_back(v.getType());
  auto op = linalg::GenericOp::create(b, loc, types, inputs, inits, maps, iterators, "", "",
                                      [&](OpBuilder &nb, Location l, ValueRange a) {
                                        linalg::YieldOp::create(nb, l, body(nb, l, a));
                                      });
  return SmallVector<Value>(op.getResults());
}

SmallVector<int64_t> reducedShape(ArrayRef<int64_t> shape, ArrayRef<int64_t> dims) {
  SmallVector<int64_t> out;
  for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d)
    if (!llvm::is_contained(dims, d))
      out.push_back(shape[d]);
  return out;
}

Value expand(OpBuilder &b, Location loc, Value source, RankedTensorType type,
             ArrayRef<int64_t> dims, BodyFn body, ValueRange more) {
  SmallVector<AffineExpr> kept;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (!llvm::is_contained(dims, d))
      kept.push_back(b.getAffineDimExpr(d));
  SmallVector<Value> inputs(more);
  SmallVector<AffineMap> maps(more.size(), b.getMultiDimIdentityMap(type.getRank()));
  inputs.push_back(source);
  maps.push_back(AffineMap::get(type.getRank(), 0, kept, b.getContext()));
  return generic(b, loc, type, inputs, maps, body);
}

LogicalResult notLowered(Operation *op, const Twine &what) {
  return op->emitOpError("loom-lower-to-linalg: ") << what << " is not lowered yet";
}

} // namespace mlir::loom::lowering

namespace {

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
    Value result;
    SmallVector<Value> results;
    Lowered done;
    for (auto family : {lowerElementwise, lowerContraction, lowerReduction, lowerDataMovement})
      if ((done = family(b, op, result))) {
        results = {result};
        break;
      }
    for (auto family : {lowerNorm, lowerSort, lowerRandom})
      if (!done)
        done = family(b, op, results);
    if (!done)
      return notLowered(op, "this op");
    if (failed(*done))
      return failure();
    op->replaceAllUsesWith(results);
    op->erase();
    return success();
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
