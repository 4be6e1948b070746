//===- VJPBuilder.h - loom op construction for vector-Jacobian products --===//
//
// VJPs are written in loom ops (DESIGN.md §4: the training step is IR). This
// helper keeps them short: typed constants shaped like a value, elementwise
// arithmetic, broadcasts and sums, all at one location (the forward op's).
// Shapes come from a value ("like"), so bounded dynamic dims take their
// run-time sizes through tensor.dim.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_DIALECTS_LOOM_IR_VJPBUILDER_H
#define LOOM_DIALECTS_LOOM_IR_VJPBUILDER_H

#include "dialects/loom/IR/LoomOps.h"

namespace mlir::loom {

class VJPBuilder {
public:
  VJPBuilder(OpBuilder &builder, Operation *forward) : b(builder), op(forward), loc(forward->getLoc()) {}

  /// A constant shaped like `like` (its element type, or `element` when given);
  /// a broadcast rank-0 constant where `like` has dynamic dims.
  Value splatLike(Value like, double value, Type element = {});
  Value zerosLike(Value like) { return splatLike(like, 0.0); }

  Value unary(UnaryKind kind, Value x) { return UnaryOp::create(b, loc, kind, x); }
  Value binary(BinaryKind kind, Value x, Value y) { return BinaryOp::create(b, loc, kind, x, y); }
  Value add(Value x, Value y) { return binary(BinaryKind::add, x, y); }
  Value sub(Value x, Value y) { return binary(BinaryKind::sub, x, y); }
  Value mul(Value x, Value y) { return binary(BinaryKind::mul, x, y); }
  Value div(Value x, Value y) { return binary(BinaryKind::div, x, y); }
  Value neg(Value x) { return unary(UnaryKind::neg, x); }
  /// x · c for a scalar c.
  Value scale(Value x, double c);
  Value compare(ComparePredicate p, Value x, Value y) { return CompareOp::create(b, loc, p, x, y); }
  Value select(Value c, Value t, Value f) { return SelectOp::create(b, loc, c, t, f); }
  /// Converts `x` to `element`, or returns it when it already has it.
  Value cast(Value x, Type element);

  /// Broadcasts `x` into the shape of `like` (keeping x's element type),
  /// operand dim i becoming result dim dims[i]; new dynamic dims take like's
  /// run-time sizes.
  Value broadcast(Value x, ArrayRef<int64_t> dims, Value like);
  /// Broadcasts `x` (the shape of `like` without `dropped`) back to like's shape.
  Value unreduce(Value x, ArrayRef<int64_t> dropped, Value like);
  /// Sums `x` over `dims` (sorted), accumulating in f32 (f64 for f64 data).
  Value sum(Value x, ArrayRef<int64_t> dims);
  Value reshape(Value x, ArrayRef<int64_t> shape);

  /// Reports a VJP case that is not supported, on the forward op.
  LogicalResult unsupported(const Twine &what);

  OpBuilder &builder() { return b; }
  Location location() const { return loc; }

private:
  OpBuilder &b;
  Operation *op;
  Location loc;
};

/// Whether `v` is a tensor of floats: only those carry cotangents.
inline bool isFloatTensor(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && isa<FloatType>(type.getElementType());
}

/// The cotangent of result `i`, or null. Many VJPs need only one.
inline Value cotangent(ValueRange cotangents, unsigned i) {
  return i < cotangents.size() ? cotangents[i] : Value();
}

/// Starts a VJP that only builds operand 0's cotangent: sizes `grads` to the
/// op's operands (all null) and returns result 0's cotangent, or null when
/// there is nothing to build (no cotangent, operand 0 not needed or integer).
inline Value firstOperandCotangent(Operation *op, ValueRange cts, ArrayRef<bool> needed,
                                   SmallVectorImpl<Value> &grads) {
  grads.assign(op->getNumOperands(), Value());
  Value ct = cotangent(cts, 0);
  if (!ct || !needed[0] || !isFloatTensor(op->getOperand(0)))
    return {};
  return ct;
}

} // namespace mlir::loom

#endif // LOOM_DIALECTS_LOOM_IR_VJPBUILDER_H
