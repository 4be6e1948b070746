//===- CpuKernelCompiler.cpp - kernel functions to a kernels .so -----------===//

#include "codegen/cpu/CpuKernelCompiler.h"

#include "codegen/cpu/CpuPipeline.h"
#include "codegen/cpu/HostTarget.h"
#include "codegen/cpu/KernelAbi.h"
#include "codegen/cpu/SharedObjectLinker.h"
#include "codegen/tiling/WorkgroupTiling.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

namespace mlir::loom::codegen {
namespace {

/// Only the entry points leave the .so: everything else becomes internal
/// before optimization, so LLVM inlines each body into its entry point and
/// no helper or constant can clash with a symbol of the host process.
void internalizeAllBut(llvm::Module &module, ArrayRef<KernelSignature> kernels) {
  llvm::StringSet<> exported;
  for (const KernelSignature &kernel : kernels)
    exported.insert(kernel.name);
  for (llvm::GlobalValue &value : module.global_values()) {
    // Appending globals (llvm.global_ctors) keep their linkage by definition.
    if (value.isDeclaration() || value.hasAppendingLinkage() || exported.contains(value.getName()))
      continue;
    value.setLinkage(llvm::GlobalValue::InternalLinkage);
    value.setVisibility(llvm::GlobalValue::DefaultVisibility);
  }
}

/// The lowered module as an optimized host object.
LogicalResult emitObject(ModuleOp module, ArrayRef<KernelSignature> kernels,
                         SmallVectorImpl<char> &object) {
  Location loc = module.getLoc();
  llvm::Expected<std::unique_ptr<llvm::TargetMachine>> target = createHostTargetMachine();
  if (!target)
    return emitError(loc) << "CPU code generation: " << llvm::toString(target.takeError());
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, "loom_kernels");
  if (!llvmModule)
    return emitError(loc) << "CPU code generation: translation to LLVM IR failed";
  internalizeAllBut(*llvmModule, kernels);
  if (llvm::Error error = emitOptimizedObject(*llvmModule, **target, object))
    return emitError(loc) << "CPU code generation: " << llvm::toString(std::move(error));
  return success();
}

/// Workgroups of a tiled kernel run at once: each must write only its rows
/// of the output buffers, in place (WorkgroupTiling.h). The self-copies
/// that in-place tiles leave go first.
LogicalResult checkTiledKernelsInPlace(ModuleOp module, ArrayRef<KernelSignature> kernels) {
  eraseSelfCopies(module);
  for (const KernelSignature &kernel : kernels) {
    auto fn = module.lookupSymbol<func::FuncOp>(kernel.implName);
    if (kernel.workgroupArgument &&
        failed(checkOutputsWrittenInPlace(fn, kernel.buffers.size() - kernel.numInputs)))
      return failure();
  }
  return success();
}

} // namespace

LogicalResult compileCpuKernels(ModuleOp kernels, StringRef soPath,
                                SmallVectorImpl<CpuKernelSymbol> &symbols) {
  symbols.clear();
  if (failed(checkKernelModule(kernels)))
    return failure();
  OwningOpRef<ModuleOp> module(cast<ModuleOp>(kernels->clone()));
  if (failed(tileWorkgroups(*module)))
    return failure();
  SmallVector<KernelSignature> signatures = prepareKernels(*module);
  CpuLoweringOptions options;
  options.resultsAsOutParams = true;
  if (failed(lowerLoomToLinalg(*module)) || failed(fuseElementwiseOps(*module)) ||
      failed(bufferizeKernels(*module, options)) ||
      failed(checkTiledKernelsInPlace(*module, signatures)) ||
      failed(lowerBuffersToLLVM(*module)) || failed(buildLaunchWrappers(*module, signatures)))
    return failure();
  SmallVector<char, 0> object;
  if (failed(emitObject(*module, signatures, object)) ||
      failed(linkSharedObject(object, soPath, kernels.getLoc())))
    return failure();
  for (const KernelSignature &kernel : signatures)
    symbols.push_back({kernel.name, kernel.name,
                       static_cast<unsigned>(kernel.buffers.size()), /*numScalarArgs=*/0});
  return success();
}

} // namespace mlir::loom::codegen
