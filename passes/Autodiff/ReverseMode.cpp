//===- ReverseMode.cpp - reverse-mode differentiation of loom functions ---===//

#include "passes/Autodiff/ReverseMode.h"

#include "dialects/loom/IR/LoomOps.h"
#include "dialects/loom/IR/VJPBuilder.h"

#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/DenseSet.h"

using namespace mlir;
using namespace mlir::loom;

Value mlir::loom::zerosLike(OpBuilder &b, Location loc, Value like) {
  auto type = cast<RankedTensorType>(like.getType());
  auto element = type.getElementType();
  auto zero = [&](ArrayRef<int64_t> shape) {
    return ConstantOp::create(b, loc, DenseElementsAttr::get(RankedTensorType::get(shape, element),
                                                             FloatAttr::get(element, 0.0)));
  };
  if (type.hasStaticShape())
    return zero(type.getShape());
  // A bounded tensor: a zero scalar spread over like's run-time sizes.
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(tensor::DimOp::create(b, loc, like, d));
  return BroadcastOp::create(b, loc, type, zero({}), ArrayRef<int64_t>{}, sizes);
}

namespace {
/// Sums cotangents per value.
class Cotangents {
public:
  explicit Cotangents(OpBuilder &b) : b(b) {}
  void add(Value of, Value ct, Location loc) {
    if (!ct)
      return;
    Value &slot = map[of];
    slot = slot ? BinaryOp::create(b, loc, BinaryKind::add, slot, ct).getResult() : ct;
  }
  Value lookup(Value v) const { return map.lookup(v); }

private:
  OpBuilder &b;
  DenseMap<Value, Value> map;
};
} // namespace

LogicalResult ReverseMode::differentiate(OpBuilder &b, func::FuncOp fn, ValueRange args,
                                         ArrayRef<bool> active,
                                         function_ref<SmallVector<Value>(ValueRange)> seeds,
                                         SmallVectorImpl<Value> &outputs,
                                         SmallVectorImpl<Value> &grads) {
  if (!fn.getBody().hasOneBlock())
    return fn.emitOpError("autodiff needs a function of one block");
  Block &body = fn.getBody().front();

  // Forward: clone the body; track the float values that depend on an active
  // argument ("varied"): only they carry cotangents.
  IRMapping map;
  llvm::DenseSet<Value> varied;
  for (auto [i, arg] : llvm::enumerate(body.getArguments())) {
    map.map(arg, args[i]);
    if (active[i] && isFloatTensor(args[i]))
      varied.insert(args[i]);
  }
  SmallVector<Operation *> forward;
  for (Operation &op : body.without_terminator()) {
    Operation *clone = b.clone(op, map);
    forward.push_back(clone);
    if (llvm::any_of(clone->getOperands(), [&](Value v) { return varied.contains(v); }))
      for (Value r : clone->getResults())
        if (isFloatTensor(r))
          varied.insert(r);
  }
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  outputs.clear();
  for (Value v : ret.getOperands())
    outputs.push_back(map.lookupOrDefault(v));

  // Backward: seed the outputs, then visit ops in reverse.
  Cotangents cts(b);
  SmallVector<Value> seedValues = seeds(outputs);
  for (auto [out, seed] : llvm::zip(outputs, seedValues))
    if (varied.contains(out))
      cts.add(out, seed, fn.getLoc());

  for (Operation *op : llvm::reverse(forward)) {
    SmallVector<Value> resultCts;
    bool any = false;
    for (Value r : op->getResults()) {
      resultCts.push_back(cts.lookup(r));
      any |= resultCts.back() != nullptr;
    }
    if (!any)
      continue;
    SmallVector<bool> needed;
    for (Value v : op->getOperands())
      needed.push_back(varied.contains(v));
    if (llvm::none_of(needed, [](bool n) { return n; }))
      continue;

    SmallVector<Value> operandCts;
    if (auto call = dyn_cast<func::CallOp>(op)) {
      auto callee = symbols.lookup<func::FuncOp>(call.getCallee());
      if (!callee)
        return call.emitOpError("calls an unknown function");
      // Only results that carry a cotangent seed the callee's backward pass.
      SmallVector<bool> seeded;
      SmallVector<Value> operands(call.getOperands());
      for (auto [r, ct] : llvm::zip(call.getResults(), resultCts)) {
        seeded.push_back(ct != nullptr);
        if (ct)
          operands.push_back(ct);
      }
      FailureOr<func::FuncOp> vjp = vjpFunction(callee, needed, seeded, call.getLoc());
      if (failed(vjp))
        return failure();
      auto vjpCall = func::CallOp::create(b, call.getLoc(), *vjp, operands);
      unsigned next = 0;
      for (bool n : needed)
        operandCts.push_back(n ? vjpCall.getResult(next++) : Value());
    } else if (auto differentiable = dyn_cast<DifferentiableOpInterface>(op)) {
      if (failed(differentiable.buildVJP(b, resultCts, needed, operandCts)))
        return failure();
    } else {
      return op->emitOpError("has no VJP, but it is on the path from a trained parameter to "
                             "the differentiated result");
    }
    for (auto [operand, ct] : llvm::zip(op->getOperands(), operandCts))
      if (ct && varied.contains(operand))
        cts.add(operand, ct, op->getLoc());
  }

  grads.clear();
  for (Value a : args)
    grads.push_back(cts.lookup(a));
  return success();
}

FailureOr<func::FuncOp> ReverseMode::vjpFunction(func::FuncOp callee, ArrayRef<bool> mask,
                                                 ArrayRef<bool> seeded, Location loc) {
  std::string name = (callee.getSymName() + "_vjp_").str();
  for (bool m : mask)
    name += m ? '1' : '0';
  name += '_';
  for (bool s : seeded)
    name += s ? '1' : '0';
  if (func::FuncOp found = memo.lookup(name))
    return found;

  // @<callee>_vjp_<mask>_<seeded>(args..., cotangents of seeded results...)
  //     -> cotangents of masked args
  FunctionType type = callee.getFunctionType();
  SmallVector<Type> inputs(type.getInputs()), results;
  for (auto [t, s] : llvm::zip(type.getResults(), seeded))
    if (s)
      inputs.push_back(t);
  for (auto [t, m] : llvm::zip(type.getInputs(), mask))
    if (m)
      results.push_back(t);

  OpBuilder b(module.getContext());
  b.setInsertionPointAfter(callee);
  auto fn = func::FuncOp::create(b, callee.getLoc(), name, b.getFunctionType(inputs, results));
  fn.setPrivate();
  symbols.insert(fn);
  memo[name] = fn;
  b.setInsertionPointToStart(fn.addEntryBlock());

  unsigned numArgs = type.getNumInputs();
  ValueRange args = fn.getArguments().take_front(numArgs);
  ValueRange seedArgs = fn.getArguments().drop_front(numArgs);
  SmallVector<Value> outputs, grads;
  auto seeds = [&](ValueRange outs) {
    SmallVector<Value> s;
    unsigned next = 0;
    for (bool isSeeded : seeded)
      s.push_back(isSeeded ? seedArgs[next++] : Value());
    return s;
  };
  if (failed(differentiate(b, callee, args, mask, seeds, outputs, grads)))
    return failure();
  SmallVector<Value> returned;
  for (auto [i, m] : llvm::enumerate(mask)) {
    if (!m)
      continue;
    returned.push_back(grads[i] ? grads[i] : zerosLike(b, loc, args[i]));
  }
  func::ReturnOp::create(b, callee.getLoc(), returned);
  return fn;
}
