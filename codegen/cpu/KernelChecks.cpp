//===- KernelChecks.cpp - what a kernel module may hold, and its clone -----===//
//
// checkKernelModule and prepareKernels of KernelAbi.h: the ABI's promises
// (static dense buffers, read-only inputs, one buffer per output) are either
// checked up front, with a diagnostic at the offending op, or made true in
// the clone before it is lowered.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/KernelAbi.h"

#include "codegen/tiling/WorkgroupTiling.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/CallInterfaces.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::loom::codegen {
namespace {

/// The attribute with which the lowering writes a result into an argument
/// (passes/Lowering: arena updates in place).
constexpr llvm::StringLiteral kArenaAttr = "loom.arena";

/// The runtime resolves kernels with dlsym and the bundle stores the symbol
/// as "a C identifier" (bundle.proto Kernel.symbol).
bool isCIdentifier(StringRef name) {
  auto head = [](char c) { return c == '_' || llvm::isAlpha(c); };
  return !name.empty() && head(name.front()) &&
         llvm::all_of(name, [&](char c) { return head(c) || llvm::isDigit(c); });
}

/// Buffers are dense arrays of bytes-sized elements (i1 stored as a byte);
/// index has no fixed width in a bundle, complex and exotic floats no
/// lowering.
bool isBufferType(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape() || tensor.getEncoding())
    return false;
  Type element = tensor.getElementType();
  if (auto integer = dyn_cast<IntegerType>(element))
    return integer.isSignless() && llvm::is_contained({1u, 8u, 16u, 32u, 64u}, integer.getWidth());
  return element.isF16() || element.isBF16() || element.isF32() || element.isF64();
}

LogicalResult checkSignature(func::FuncOp fn) {
  auto check = [&](TypeRange types, StringRef what) -> LogicalResult {
    for (auto [index, type] : llvm::enumerate(types))
      if (!isBufferType(type))
        return fn.emitError() << "kernel @" << fn.getSymName() << ": " << what << " #" << index
                              << " has type " << type
                              << "; kernel buffers are statically shaped tensors of f64, f32, "
                                 "bf16, f16 or i64/i32/i16/i8/i1";
    return success();
  };
  if (failed(check(fn.getArgumentTypes(), "argument")) ||
      failed(check(fn.getResultTypes(), "result")))
    return failure();
  auto arena = [&](StringRef what, unsigned index) {
    return fn.emitError() << "kernel @" << fn.getSymName() << ": " << what << " #" << index
                          << " is an in-place arena (" << kArenaAttr
                          << "); the kernel ABI has outputs that never alias inputs";
  };
  for (unsigned i = 0; i < fn.getNumArguments(); ++i)
    if (fn.getArgAttr(i, kArenaAttr))
      return arena("argument", i);
  for (unsigned i = 0; i < fn.getNumResults(); ++i)
    if (fn.getResultAttr(i, kArenaAttr))
      return arena("result", i);
  return success();
}

LogicalResult checkKernel(func::FuncOp fn) {
  if (fn.isExternal())
    return fn.emitError() << "kernel @" << fn.getSymName() << " has no body";
  if (!fn.isPublic())
    return fn.emitError() << "kernel @" << fn.getSymName()
                          << " is not public; every kernel becomes an exported symbol";
  if (!isCIdentifier(fn.getSymName()))
    return fn.emitError() << "kernel name '" << fn.getSymName()
                          << "' is not a C identifier, which the exported symbol must be";
  if (failed(checkSignature(fn)))
    return failure();
  WalkResult calls = fn.walk([](CallOpInterface call) {
    call->emitError() << "kernels cannot call functions; inline the callee before codegen";
    return WalkResult::interrupt();
  });
  return failure(calls.wasInterrupted());
}

/// buffer-results-to-out-params hoists a returned allocation into the out
/// param it is returned through and erases it, so a value returned twice
/// would leave the second result dangling. A copy gives it its own buffer.
void copyRepeatedResults(func::FuncOp fn) {
  fn.walk([](func::ReturnOp ret) {
    OpBuilder b(ret);
    llvm::SmallPtrSet<Value, 4> seen;
    for (OpOperand &operand : ret->getOpOperands()) {
      if (seen.insert(operand.get()).second)
        continue;
      auto type = cast<RankedTensorType>(operand.get().getType());
      Value empty = tensor::EmptyOp::create(b, ret.getLoc(), type.getShape(), type.getElementType());
      operand.set(linalg::CopyOp::create(b, ret.getLoc(), operand.get(), empty).getResult(0));
    }
  });
}

} // namespace

LogicalResult checkKernelModule(ModuleOp kernels) {
  bool ok = true;
  for (Operation &op : kernels.getBody()->getOperations()) {
    auto fn = dyn_cast<func::FuncOp>(op);
    if (!fn) {
      op.emitError() << "a kernel module holds only func.func kernels, not '" << op.getName()
                     << "'";
      ok = false;
    } else if (failed(checkKernel(fn))) {
      ok = false;
    }
  }
  return success(ok);
}

SmallVector<KernelSignature> prepareKernels(ModuleOp module) {
  MLIRContext *context = module.getContext();
  context->getOrLoadDialect<linalg::LinalgDialect>();
  context->getOrLoadDialect<tensor::TensorDialect>();
  auto readOnly = BoolAttr::get(context, false);

  llvm::StringSet<> taken;
  for (auto fn : module.getOps<func::FuncOp>())
    taken.insert(fn.getSymName());
  SmallVector<KernelSignature> kernels;
  for (auto fn : module.getOps<func::FuncOp>()) {
    KernelSignature kernel{fn.getSymName().str(), fn.getSymName().str() + "__impl", fn.getLoc(),
                           fn.getNumArguments(), {}};
    while (!taken.insert(kernel.implName).second)
      kernel.implName += "_";
    kernel.workgroupArgument = hasWorkgroupArgument(fn);
    unsigned firstInput = kernel.workgroupArgument ? 1 : 0;
    kernel.numInputs = fn.getNumArguments() - firstInput;
    for (Type type : llvm::concat<const Type>(fn.getArgumentTypes().drop_front(firstInput),
                                              fn.getResultTypes()))
      kernel.buffers.push_back(cast<RankedTensorType>(type));
    // Kernels never call one another (checked), so the rename has no uses
    // to update; the entry point takes the name back after lowering.
    fn.setSymName(kernel.implName);
    // Function arguments are writable by default in One-Shot Bufferize; an
    // input is a value other kernels may still read, so never in place.
    for (unsigned i = firstInput; i < fn.getNumArguments(); ++i)
      fn.setArgAttr(i, bufferization::BufferizationDialect::kWritableAttrName, readOnly);
    copyRepeatedResults(fn);
    kernels.push_back(std::move(kernel));
  }
  return kernels;
}

} // namespace mlir::loom::codegen
