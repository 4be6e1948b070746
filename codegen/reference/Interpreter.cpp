//===- Interpreter.cpp - functions, calls and the op dispatch --------------===//

#include "codegen/reference/Interpreter.h"

#include "codegen/reference/Kernels.h"
#include "codegen/reference/Numerics.h"

#include "dialects/loom/IR/FusionOps.h"
#include "dialects/loom/IR/LoomDialect.h"
#include "dialects/loomrt/IR/LoomrtDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::loom;

namespace loom::reference {

void registerDialects(DialectRegistry &registry) {
  registry.insert<LoomDialect, loomrt::LoomrtDialect, func::FuncDialect, arith::ArithDialect,
                  tensor::TensorDialect>();
}

namespace detail {
namespace {

/// Runs one loom op's kernel.
LogicalResult dispatch(Operation *op, OpEnv &env) {
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](UnaryOp o) { return runUnary(o, env); })
      .Case([&](BinaryOp o) { return runBinary(o, env); })
      .Case([&](FloorModOp o) { return runFloorMod(o, env); })
      .Case([&](CompareOp o) { return runCompare(o, env); })
      .Case([&](SelectOp o) { return runSelect(o, env); })
      .Case([&](CastOp o) { return runCast(o, env); })
      .Case([&](BroadcastOp o) { return runBroadcast(o, env); })
      .Case([&](MatmulOp o) { return runMatmul(o, env); })
      .Case([&](LinearOp o) { return runLinear(o, env); })
      .Case([&](ReduceOp o) { return runReduce(o, env); })
      .Case([&](ArgmaxOp o) { return runArgmax(o, env); })
      .Case([&](CumsumOp o) { return runCumsum(o, env); })
      .Case([&](TopKOp o) { return runTopK(o, env); })
      .Case([&](SortOp o) { return runSort(o, env); })
      .Case([&](SoftmaxOp o) { return runSoftmax(o, env); })
      .Case([&](LogSoftmaxOp o) { return runLogSoftmax(o, env); })
      .Case([&](CrossEntropyOp o) { return runCrossEntropy(o, env); })
      .Case([&](GatherOp o) { return runGather(o, env); })
      .Case([&](ScatterAddOp o) { return runScatterAdd(o, env); })
      .Case([&](ReshapeOp o) { return runReshape(o, env); })
      .Case([&](TransposeOp o) { return runTranspose(o, env); })
      .Case([&](SliceOp o) { return runSlice(o, env); })
      .Case([&](ConcatOp o) { return runConcat(o, env); })
      .Case([&](IotaOp o) { return runIota(o, env); })
      .Case([&](mlir::loom::ConstantOp o) { return runConstant(o, o.getValue(), env); })
      .Case([&](RandomFoldInOp o) { return runRandomFoldIn(o, env); })
      .Case([&](RandomUniformOp o) { return runRandomUniform(o, env); })
      .Case([&](RandomNormalOp o) { return runRandomNormal(o, env); })
      .Case([&](RmsNormOp o) { return runRmsNorm(o, env); })
      .Case([&](LayerNormOp o) { return runLayerNorm(o, env); })
      .Case([&](RmsNormGradOp o) { return runRmsNormGrad(o, env); })
      .Case([&](LayerNormGradOp o) { return runLayerNormGrad(o, env); })
      .Case([&](RopeOp o) { return runRope(o, env); })
      .Case([&](AttentionOp o) { return runAttention(o, env); })
      .Case([&](AttentionGradOp o) { return runAttentionGrad(o, env); })
      .Case([&](arith::ConstantOp o) { return runConstant(o, o.getValue(), env); })
      .Default([&](Operation *other) {
        bool handled = true;
        LogicalResult r = runScalarOp(other, env, handled);
        if (!handled)
          return env.fail("is not supported by the reference interpreter");
        return r;
      });
}

/// Rounds float results to their element type (Precision::F32) and wraps
/// integers to their width: the op boundary of the header's contract.
void roundAtBoundary(Tensor &t, Precision precision) {
  if (t.isFloat()) {
    if (precision == Precision::F32 && !t.elementType.isF64())
      for (double &x : t.f)
        x = roundToNearest(x, t.elementType);
    return;
  }
  unsigned bits = bitWidth(t.elementType);
  if (bits < 64)
    for (int64_t &x : t.i)
      x = wrapToBits(static_cast<uint64_t>(x), bits);
}

/// Refuses result types whose bounded element count exceeds the limit before
/// any kernel allocates them.
LogicalResult checkResultSizes(Operation *op, const Options &options, std::string &error) {
  for (auto [n, type] : llvm::enumerate(op->getResultTypes())) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor)
      continue;
    std::optional<int64_t> count = checkedCount(boundedShape(tensor));
    if (!count || *count > options.maxElements) {
      error = opMessage(op, "result #" + llvm::Twine(n) + " (" + llvm::Twine(count.value_or(-1)) +
                                " elements at its bound) exceeds the interpreter's limit of " +
                                llvm::Twine(options.maxElements) + " elements");
      return failure();
    }
  }
  return success();
}

class Runner {
public:
  Runner(ModuleOp module, const Options &options, std::string &error)
      : module_(module), options_(options), error_(error) {}

  FailureOr<std::vector<Tensor>> callFunction(func::FuncOp fn, std::vector<Tensor> args,
                                              unsigned depth);

private:
  LogicalResult runOp(Operation *op, Frame &frame);
  /// Runs `callee` on the operands of `call` (a func.call or a kernel
  /// dispatch) and binds its results.
  LogicalResult runCall(Operation *call, func::FuncOp callee, Frame &frame, unsigned depth);
  LogicalResult runFusion(mlir::loom::FusionOp fusion, Frame &frame);

  ModuleOp module_;
  const Options &options_;
  std::string &error_;
};

FailureOr<std::vector<Tensor>> Runner::callFunction(func::FuncOp fn, std::vector<Tensor> args,
                                                    unsigned depth) {
  if (fn.isExternal()) {
    error_ = opMessage(fn, "@" + fn.getSymName() + " has no body to interpret");
    return failure();
  }
  if (!fn.getBody().hasOneBlock()) {
    error_ = opMessage(fn, "@" + fn.getSymName() +
                               " has several blocks; the interpreter runs single-block functions");
    return failure();
  }
  Block &body = fn.getBody().front();
  Frame frame;
  for (auto [arg, value] : llvm::zip_equal(body.getArguments(), args))
    frame[arg] = std::move(value);
  for (Operation &op : body) {
    for (Value operand : op.getOperands())
      if (!frame.count(operand)) {
        error_ = opMessage(&op, "reads a value the interpreter has not computed");
        return failure();
      }
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      std::vector<Tensor> results;
      for (Value v : ret.getOperands())
        results.push_back(frame[v]);
      return results;
    }
    if (auto c = dyn_cast<func::CallOp>(op)) {
      auto callee = module_.lookupSymbol<func::FuncOp>(c.getCalleeAttr());
      if (!callee) {
        error_ = opMessage(c, "calls @" + c.getCallee() + ", which is not a func.func here");
        return failure();
      }
      if (failed(runCall(c, callee, frame, depth)))
        return failure();
      continue;
    }
    // A fusion region computes its body on its inputs (a kernel's worth of
    // ops; the pass that forms them is validated by translation).
    if (auto fusion = dyn_cast<mlir::loom::FusionOp>(op)) {
      if (failed(runFusion(fusion, frame)))
        return failure();
      continue;
    }
    // A kernel dispatch (loom-form-dispatches) runs its kernel like a call,
    // so that kernel formation can be validated by translation.
    if (auto d = dyn_cast<loomrt::DispatchOp>(op)) {
      func::FuncOp kernel = d.lookupKernel();
      if (!kernel) {
        error_ = opMessage(d, "dispatches a kernel that is not a func.func here");
        return failure();
      }
      if (failed(runCall(d, kernel, frame, depth)))
        return failure();
      continue;
    }
    if (failed(runOp(&op, frame)))
      return failure();
  }
  error_ = opMessage(fn, "@" + fn.getSymName() + " ends without func.return");
  return failure();
}

LogicalResult Runner::runCall(Operation *call, func::FuncOp callee, Frame &frame,
                              unsigned depth) {
  if (depth + 1 > options_.maxCallDepth) {
    error_ = opMessage(call, "nests calls deeper than " + llvm::Twine(options_.maxCallDepth) +
                                 " (recursion?)");
    return failure();
  }
  std::vector<Tensor> args;
  for (Value v : call->getOperands())
    args.push_back(frame[v]);
  FailureOr<std::vector<Tensor>> results = callFunction(callee, std::move(args), depth + 1);
  if (failed(results)) {
    // The callee's op names the failure; the call chain says how it was reached.
    std::string where;
    llvm::raw_string_ostream os(where);
    os << "\n  in @" << callee.getSymName() << ", " << opMessage(call, "called it");
    error_ += where;
    return failure();
  }
  for (auto [value, result] : llvm::zip_equal(call->getResults(), *results))
    frame[value] = std::move(result);
  return success();
}

LogicalResult Runner::runFusion(mlir::loom::FusionOp fusion, Frame &frame) {
  Block &body = fusion.getBody().front();
  // Copies first: inserting into the frame may move its entries.
  for (auto [arg, input] : llvm::zip_equal(body.getArguments(), fusion.getInputs())) {
    Tensor value = frame[input];
    frame[arg] = std::move(value);
  }
  for (Operation &inner : body) {
    for (Value operand : inner.getOperands())
      if (!frame.count(operand)) {
        error_ = opMessage(&inner, "reads a value from outside its fusion region");
        return failure();
      }
    if (auto yield = dyn_cast<mlir::loom::YieldOp>(inner)) {
      for (auto [result, value] : llvm::zip_equal(fusion.getResults(), yield.getValues())) {
        Tensor copy = frame[value];
        frame[result] = std::move(copy);
      }
      return success();
    }
    if (failed(runOp(&inner, frame)))
      return failure();
  }
  error_ = opMessage(fusion, "has no loom.yield");
  return failure();
}

LogicalResult Runner::runOp(Operation *op, Frame &frame) {
  if (op->getNumRegions() != 0) {
    error_ = opMessage(op, "has regions; the reference interpreter runs region-free ops only");
    return failure();
  }
  if (failed(checkResultSizes(op, options_, error_)))
    return failure();
  OpEnv env(op, frame, options_, error_);
  if (failed(dispatch(op, env)))
    return failure();
  for (auto [n, value] : llvm::enumerate(op->getResults())) {
    Tensor &t = env.results()[n];
    if (!t.elementType) {
      error_ = opMessage(op, "left result #" + llvm::Twine(n) + " unset (an interpreter bug)");
      return failure();
    }
    roundAtBoundary(t, options_.precision);
    if (std::optional<std::string> why = mismatch(t, value.getType())) {
      error_ = opMessage(op, "result #" + llvm::Twine(n) + " " + *why);
      return failure();
    }
    frame[value] = std::move(t);
  }
  return success();
}

} // namespace
} // namespace detail

Interpreter::Interpreter(ModuleOp module, Options options)
    : module_(module), options_(options) {}

Interpreter::~Interpreter() = default;

FailureOr<std::vector<Tensor>> Interpreter::run(llvm::StringRef function,
                                                llvm::ArrayRef<Tensor> inputs,
                                                std::string &error) {
  if (!verifyError_) {
    // Kernels rely on the verifier's guarantees (ranks, attribute ranges).
    std::string diagnostics;
    {
      ScopedDiagnosticHandler handler(module_.getContext(), [&](Diagnostic &d) {
        llvm::raw_string_ostream os(diagnostics);
        os << d.getLocation() << ": " << d << "\n";
        return success();
      });
      if (failed(mlir::verify(module_)) && diagnostics.empty())
        diagnostics = "the module does not verify\n";
    }
    verifyError_ = diagnostics;
  }
  if (!verifyError_->empty()) {
    error = "invalid IR: " + *verifyError_;
    return failure();
  }
  auto fn = module_.lookupSymbol<func::FuncOp>(function);
  if (!fn) {
    error = "no func.func @" + function.str() + " in the module";
    return failure();
  }
  FunctionType type = fn.getFunctionType();
  if (inputs.size() != type.getNumInputs()) {
    error = "@" + function.str() + " takes " + std::to_string(type.getNumInputs()) +
            " arguments, got " + std::to_string(inputs.size());
    return failure();
  }
  std::vector<Tensor> args;
  for (auto [n, value] : llvm::enumerate(inputs)) {
    if (std::optional<std::string> why = mismatch(value, type.getInput(n))) {
      error = "argument #" + std::to_string(n) + " of @" + function.str() + " " + *why;
      return failure();
    }
    args.push_back(value);
    detail::roundAtBoundary(args.back(), options_.precision);
  }
  detail::Runner runner(module_, options_, error);
  FailureOr<std::vector<Tensor>> results = runner.callFunction(fn, std::move(args), 0);
  if (failed(results) || !options_.padResultsToBounds)
    return results;
  for (auto [value, t] : llvm::zip_equal(type.getResults(), *results))
    if (auto tensor = dyn_cast<RankedTensorType>(value))
      t = padToBound(t, tensor);
  return results;
}

} // namespace loom::reference
