//===- ScalarKernels.cpp - dim-size arithmetic: arith, tensor.dim/extract --===//
//
// Dynamic dim sizes are `index` values (DESIGN.md §4): reified shapes and
// builders compute them with arith integer ops over tensor.dim and
// tensor.extract. Scalars are rank-0 Tensors. Division by zero and signed
// division overflow, which LLVM leaves undefined, are errors here.
//
//===----------------------------------------------------------------------===//

#include "codegen/reference/Kernels.h"
#include "codegen/reference/Numerics.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/TypeSwitch.h"

#include <limits>

using namespace mlir;

namespace loom::reference::detail {
namespace {

bool isScalarInt(Type t) { return isa<IntegerType, IndexType>(t); }

/// x as the unsigned number its `type`'s bits spell.
uint64_t unsignedOf(int64_t x, Type type) {
  unsigned bits = bitWidth(type);
  uint64_t u = static_cast<uint64_t>(x);
  return bits >= 64 ? u : u & ((uint64_t{1} << bits) - 1);
}

int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int64_t ceilDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) == (b < 0))) ? q + 1 : q;
}

/// arith's binary integer ops on scalars; nullopt for ops it does not know.
std::optional<LogicalResult> runIntBinary(Operation *op, OpEnv &env) {
  if (!isa<arith::AddIOp, arith::SubIOp, arith::MulIOp, arith::DivSIOp, arith::DivUIOp,
           arith::RemSIOp, arith::RemUIOp, arith::CeilDivSIOp, arith::FloorDivSIOp,
           arith::MinSIOp, arith::MaxSIOp, arith::MinUIOp, arith::MaxUIOp, arith::AndIOp,
           arith::OrIOp, arith::XOrIOp>(op) ||
      !isScalarInt(op->getResult(0).getType()))
    return std::nullopt;
  Type type = op->getResult(0).getType();
  int64_t a = env.in(op->getOperand(0)).i[0], b = env.in(op->getOperand(1)).i[0];
  uint64_t ua = unsignedOf(a, type), ub = unsignedOf(b, type);
  bool divides = isa<arith::DivSIOp, arith::DivUIOp, arith::RemSIOp, arith::RemUIOp,
                     arith::CeilDivSIOp, arith::FloorDivSIOp>(op);
  if (divides && b == 0)
    return env.fail("divides by zero");
  if (isa<arith::DivSIOp, arith::CeilDivSIOp, arith::FloorDivSIOp>(op) && b == -1 &&
      a == minOf(type))
    return env.fail("overflows (the most negative value divided by -1)");
  std::optional<int64_t> r =
      llvm::TypeSwitch<Operation *, std::optional<int64_t>>(op)
          .Case([&](arith::AddIOp) { return static_cast<int64_t>(ua + ub); })
          .Case([&](arith::SubIOp) { return static_cast<int64_t>(ua - ub); })
          .Case([&](arith::MulIOp) { return static_cast<int64_t>(ua * ub); })
          .Case([&](arith::DivSIOp) { return a / b; })
          .Case([&](arith::DivUIOp) { return static_cast<int64_t>(ua / ub); })
          .Case([&](arith::RemSIOp) { return b == -1 ? 0 : a % b; })
          .Case([&](arith::RemUIOp) { return static_cast<int64_t>(ua % ub); })
          .Case([&](arith::CeilDivSIOp) { return ceilDiv(a, b); })
          .Case([&](arith::FloorDivSIOp) { return floorDiv(a, b); })
          .Case([&](arith::MinSIOp) { return std::min(a, b); })
          .Case([&](arith::MaxSIOp) { return std::max(a, b); })
          .Case([&](arith::MinUIOp) { return static_cast<int64_t>(std::min(ua, ub)); })
          .Case([&](arith::MaxUIOp) { return static_cast<int64_t>(std::max(ua, ub)); })
          .Case([&](arith::AndIOp) { return a & b; })
          .Case([&](arith::OrIOp) { return a | b; })
          .Case([&](arith::XOrIOp) { return a ^ b; })
          .Default([](Operation *) { return std::nullopt; });
  env.set(0, Tensor::ints(type, {}, {r.value_or(0)}));
  return success();
}

bool compareInt(arith::CmpIPredicate p, int64_t a, int64_t b, uint64_t ua, uint64_t ub) {
  switch (p) {
  case arith::CmpIPredicate::eq: return a == b;
  case arith::CmpIPredicate::ne: return a != b;
  case arith::CmpIPredicate::slt: return a < b;
  case arith::CmpIPredicate::sle: return a <= b;
  case arith::CmpIPredicate::sgt: return a > b;
  case arith::CmpIPredicate::sge: return a >= b;
  case arith::CmpIPredicate::ult: return ua < ub;
  case arith::CmpIPredicate::ule: return ua <= ub;
  case arith::CmpIPredicate::ugt: return ua > ub;
  case arith::CmpIPredicate::uge: return ua >= ub;
  }
  return false;
}

} // namespace

LogicalResult runScalarOp(Operation *op, OpEnv &env, bool &handled) {
  handled = true;
  for (Type t : op->getOperandTypes())
    if (isa<ShapedType>(t) && !isa<tensor::DimOp, tensor::ExtractOp>(op)) {
      handled = false; // arith on tensors is not dim arithmetic
      return failure();
    }
  if (std::optional<LogicalResult> r = runIntBinary(op, env))
    return *r;
  if (auto cmp = dyn_cast<arith::CmpIOp>(op)) {
    Type type = cmp.getLhs().getType();
    int64_t a = env.in(cmp.getLhs()).i[0], b = env.in(cmp.getRhs()).i[0];
    bool r = compareInt(cmp.getPredicate(), a, b, unsignedOf(a, type), unsignedOf(b, type));
    env.set(0, Tensor::ints(cmp.getType(), {}, {r}));
    return success();
  }
  if (auto sel = dyn_cast<arith::SelectOp>(op)) {
    bool c = env.in(sel.getCondition()).i[0];
    env.set(0, env.in(c ? sel.getTrueValue() : sel.getFalseValue()));
    return success();
  }
  if (isa<arith::IndexCastOp, arith::ExtSIOp, arith::TruncIOp>(op)) {
    // Sign-extends or truncates; the boundary wraps to the result width.
    env.set(0, Tensor::ints(op->getResult(0).getType(), {}, {env.in(op->getOperand(0)).i[0]}));
    return success();
  }
  if (isa<arith::IndexCastUIOp, arith::ExtUIOp>(op)) {
    int64_t x = env.in(op->getOperand(0)).i[0];
    int64_t u = static_cast<int64_t>(unsignedOf(x, op->getOperand(0).getType()));
    env.set(0, Tensor::ints(op->getResult(0).getType(), {}, {u}));
    return success();
  }
  if (auto dim = dyn_cast<tensor::DimOp>(op)) {
    const Tensor &t = env.in(dim.getSource());
    int64_t d = env.in(dim.getIndex()).i[0];
    if (d < 0 || d >= static_cast<int64_t>(t.shape.size()))
      return env.fail("reads dim " + llvm::Twine(d) + " of a rank-" +
                      llvm::Twine(t.shape.size()) + " tensor");
    env.set(0, Tensor::ints(dim.getType(), {}, {t.shape[d]}));
    return success();
  }
  if (auto extract = dyn_cast<tensor::ExtractOp>(op)) {
    const Tensor &t = env.in(extract.getTensor());
    std::vector<int64_t> strides = stridesOf(t.shape);
    int64_t flat = 0;
    for (auto [d, v] : llvm::enumerate(extract.getIndices())) {
      int64_t idx = env.in(v).i[0];
      if (idx < 0 || idx >= t.shape[d])
        return env.fail("index " + llvm::Twine(idx) + " of dim " + llvm::Twine(d) +
                        " is outside [0, " + llvm::Twine(t.shape[d]) + ")");
      flat += idx * strides[d];
    }
    Type element = extract.getType();
    env.set(0, t.isFloat() ? Tensor::floats(element, {}, {t.f[flat]})
                           : Tensor::ints(element, {}, {t.i[flat]}));
    return success();
  }
  handled = false;
  return failure();
}

} // namespace loom::reference::detail
