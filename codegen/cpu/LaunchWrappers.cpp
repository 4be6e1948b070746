//===- LaunchWrappers.cpp - the exported entry points of the launch ABI ----===//
//
// buildLaunchWrappers of KernelAbi.h. After lowering, a kernel's body is an
// llvm.func taking every memref as an exploded descriptor (allocated and
// aligned pointer, offset, sizes, strides). Its entry point is
//
//   llvm.func @<name>(%workgroup_id: !llvm.ptr, %buffers: !llvm.ptr, %scalars: !llvm.ptr)
//
// which loads buffers[i] and passes it with the static shape and row-major
// strides of buffer i; a tiled kernel (WorkgroupTiling.h) first gets
// workgroup_id[0]. The descriptor convention (rather than bare pointers)
// lets any helper the lowering adds keep dynamic memrefs; once LLVM inlines
// the internal body, the constant descriptors fold away.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/KernelAbi.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::loom::codegen {
namespace {

SmallVector<int64_t> rowMajorStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

/// The entry point takes the kernel's name. Constants and helpers of the
/// lowering are internal and can move aside; an external function that the
/// code calls (malloc, free, expf, ...) cannot.
LogicalResult freeName(SymbolTable &symbols, const KernelSignature &kernel) {
  Operation *taken = symbols.lookup(kernel.name);
  if (!taken)
    return success();
  auto fn = dyn_cast<LLVM::LLVMFuncOp>(taken);
  if (fn && fn.isExternal())
    return emitError(kernel.loc) << "kernel name '" << kernel.name
                                 << "' is also an external function that the compiled "
                                    "kernels call; rename the kernel";
  return success(succeeded(symbols.renameToUnique(taken, {})));
}

/// The body's parameters under the descriptor convention: the workgroup id
/// (an index, so i64) when tiled, then one descriptor per buffer.
SmallVector<Type> descriptorParams(MLIRContext *context, const KernelSignature &kernel) {
  auto ptr = LLVM::LLVMPointerType::get(context);
  auto i64 = IntegerType::get(context, 64);
  SmallVector<Type> params;
  if (kernel.workgroupArgument)
    params.push_back(i64);
  for (RankedTensorType type : kernel.buffers) {
    params.append({ptr, ptr, i64});
    params.append(2 * type.getRank(), i64);
  }
  return params;
}

LogicalResult buildWrapper(ModuleOp module, SymbolTable &symbols, const KernelSignature &kernel) {
  MLIRContext *context = module.getContext();
  auto impl = symbols.lookup<LLVM::LLVMFuncOp>(kernel.implName);
  if (!impl || impl.isExternal())
    return emitError(kernel.loc) << "kernel @" << kernel.name
                                 << ": its lowered body @" << kernel.implName << " is missing";
  SmallVector<Type> params = descriptorParams(context, kernel);
  if (impl.getFunctionType().getParams() != ArrayRef<Type>(params) ||
      !isa<LLVM::LLVMVoidType>(impl.getFunctionType().getReturnType()))
    return emitError(kernel.loc) << "kernel @" << kernel.name << ": lowered body has type "
                                 << impl.getFunctionType()
                                 << ", not "
                                 << (kernel.workgroupArgument ? "the workgroup id and " : "")
                                 << "one memref descriptor per buffer and no results";
  if (failed(freeName(symbols, kernel)))
    return failure();
  // Internal, so that LLVM inlines the one call and drops the body.
  impl.setLinkage(LLVM::Linkage::Internal);

  Location loc = kernel.loc;
  auto ptr = LLVM::LLVMPointerType::get(context);
  auto i64 = IntegerType::get(context, 64);
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  auto type = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(context), {ptr, ptr, ptr});
  auto wrapper = LLVM::LLVMFuncOp::create(b, loc, kernel.name, type);
  symbols.insert(wrapper);
  Block *entry = wrapper.addEntryBlock(b);
  b.setInsertionPointToStart(entry);
  Value buffers = entry->getArgument(1);
  auto constant = [&](int64_t value) -> Value {
    return LLVM::ConstantOp::create(b, loc, i64, value);
  };
  SmallVector<Value> args;
  if (kernel.workgroupArgument) // workgroup_id[0]
    args.push_back(LLVM::LoadOp::create(b, loc, i64, entry->getArgument(0)));
  for (auto [index, tensor] : llvm::enumerate(kernel.buffers)) {
    Value slot = LLVM::GEPOp::create(b, loc, ptr, ptr, buffers,
                                     ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(index)});
    Value base = LLVM::LoadOp::create(b, loc, ptr, slot);
    // Buffers never overlap an output (the ABI), which lets LLVM vectorize
    // without run-time alias checks. The aligned pointer is the one accessed.
    impl.setArgAttr(args.size() + 1, LLVM::LLVMDialect::getNoAliasAttrName(),
                    UnitAttr::get(context));
    args.append({base, base, constant(0)});
    for (int64_t size : tensor.getShape())
      args.push_back(constant(size));
    for (int64_t stride : rowMajorStrides(tensor.getShape()))
      args.push_back(constant(stride));
  }
  LLVM::CallOp::create(b, loc, impl, args);
  LLVM::ReturnOp::create(b, loc, ValueRange{});
  return success();
}

} // namespace

LogicalResult buildLaunchWrappers(ModuleOp module, ArrayRef<KernelSignature> kernels) {
  SymbolTable symbols(module);
  for (const KernelSignature &kernel : kernels)
    if (failed(buildWrapper(module, symbols, kernel)))
      return failure();
  return success();
}

} // namespace mlir::loom::codegen
