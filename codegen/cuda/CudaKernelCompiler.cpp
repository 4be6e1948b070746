//===- CudaKernelCompiler.cpp - kernel functions to PTX for sm_90 ----------===//

#include "codegen/cuda/CudaKernelCompiler.h"

#include "codegen/cpu/CpuPipeline.h"
#include "codegen/cpu/HostTarget.h"
#include "codegen/cpu/KernelAbi.h"
#include "codegen/cpu/LowPrecisionFloats.h"
#include "codegen/cpu/SharedObjectLinker.h"
#include "codegen/cuda/CooperativeReductions.h"
#include "codegen/cuda/GpuKernelLowering.h"
#include "codegen/tiling/WorkgroupTiling.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/NVVMToLLVM/NVVMToLLVM.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/CompilationInterfaces.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/ToolOutputFile.h"

#ifndef LOOM_CUDA_TOOLKIT_DIR
#define LOOM_CUDA_TOOLKIT_DIR "/usr/local/cuda"
#endif

namespace mlir::loom::codegen {
namespace {

constexpr llvm::StringLiteral kStrategyAttr = "loom.strategy";
constexpr llvm::StringLiteral kWorkgroupsAttr = "loom.workgroups";
constexpr llvm::StringLiteral kTileRowsAttr = "loom.tile_rows";
constexpr llvm::StringLiteral kGpuModuleName = "loom_kernels";

void registerCudaCodegenDialects(DialectRegistry &registry) {
  registerCpuCodegenDialects(registry);
  registry.insert<affine::AffineDialect, gpu::GPUDialect, NVVM::NVVMDialect>();
  // The conversions convert-gpu-to-nvvm draws on, as loom-opt has them.
  arith::registerConvertArithToLLVMInterface(registry);
  cf::registerConvertControlFlowToLLVMInterface(registry);
  registerConvertFuncToLLVMInterface(registry);
  index::registerConvertIndexToLLVMInterface(registry);
  registerConvertMathToLLVMInterface(registry);
  registerConvertMemRefToLLVMInterface(registry);
  registerConvertNVVMToLLVMInterface(registry);
  ub::registerConvertUBToLLVMInterface(registry);
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  registerGPUDialectTranslation(registry);
  registerNVVMDialectTranslation(registry);
}

/// Runs `pm`; a failure with no error of its own gets one naming `phase`.
LogicalResult runPhase(PassManager &pm, Operation *op, StringRef phase) {
  bool reported = false;
  ScopedDiagnosticHandler watch(op->getContext(), [&](Diagnostic &diagnostic) {
    reported |= diagnostic.getSeverity() == DiagnosticSeverity::Error;
    return failure();
  });
  if (succeeded(pm.run(op)))
    return success();
  if (!reported)
    op->emitError() << "CUDA code generation: " << phase << " failed";
  return failure();
}

void dump(const CudaCompileOptions &options, StringRef step, Operation *op) {
  if (!options.irDump)
    return;
  *options.irDump << "// ----- CUDA codegen: after " << step << " -----\n";
  op->print(*options.irDump);
  *options.irDump << "\n";
}

std::string dtypeName(Type type) {
  if (type.isF32())
    return "f32";
  if (type.isF64())
    return "f64";
  if (type.isBF16())
    return "bf16";
  if (type.isF16())
    return "f16";
  if (auto integer = dyn_cast<IntegerType>(type))
    return "i" + std::to_string(integer.getWidth());
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return text;
}

CudaBufferInfo bufferInfo(RankedTensorType type) {
  CudaBufferInfo info;
  info.dtype = dtypeName(type.getElementType());
  info.shape.assign(type.getShape().begin(), type.getShape().end());
  int64_t bits = type.getElementType().getIntOrFloatBitWidth();
  info.bytes = type.getNumElements() * std::max<int64_t>(1, (bits + 7) / 8);
  return info;
}

/// What the launch needs to know, from the kernel as loom-kernel-strategy
/// left it.
CudaKernelInfo kernelInfo(func::FuncOp fn) {
  CudaKernelInfo info;
  info.name = fn.getSymName().str();
  if (auto strategy = fn->getAttrOfType<StringAttr>(kStrategyAttr))
    info.strategy = strategy.str();
  if (auto grid = fn->getAttrOfType<DenseI64ArrayAttr>(kWorkgroupsAttr))
    for (auto [i, g] : llvm::enumerate(grid.asArrayRef().take_front(3)))
      info.grid[i] = g;
  if (auto rows = fn->getAttrOfType<IntegerAttr>(kTileRowsAttr))
    info.tileRows = rows.getInt();
  info.numInputs = fn.getNumArguments();
  for (Type type : llvm::concat<const Type>(fn.getArgumentTypes(), fn.getResultTypes()))
    info.buffers.push_back(bufferInfo(cast<RankedTensorType>(type)));
  return info;
}

std::string toolkitPath(const CudaCompileOptions &options) {
  if (!options.toolkitPath.empty())
    return options.toolkitPath;
  for (const char *name : {"LOOM_CUDA_TOOLKIT", "CUDA_HOME", "CUDA_PATH", "CUDA_ROOT"})
    if (std::optional<std::string> value = llvm::sys::Process::GetEnv(name))
      if (!value->empty())
        return *value;
  return LOOM_CUDA_TOOLKIT_DIR;
}

/// The lowering up to block-level code, each kernel still a func.func
/// (CudaKernelCompiler.h, GpuKernelLowering.h steps 1-3).
LogicalResult lowerKernelsToThreads(ModuleOp module, ArrayRef<KernelSignature> signatures,
                                    const CudaCompileOptions &options) {
  if (failed(lowerLoomToLinalg(module)))
    return failure();
  dump(options, "loom-lower-to-linalg", module);
  if (failed(fuseElementwiseOps(module)))
    return failure();
  dump(options, "elementwise fusion", module);
  for (auto fn : module.getOps<func::FuncOp>())
    splitRowReductions(fn, kCudaBlockSize);
  dump(options, "cooperative reductions", module);
  CpuLoweringOptions bufferization;
  bufferization.resultsAsOutParams = true;
  if (failed(bufferizeKernels(module, bufferization)))
    return failure();
  // Blocks of a tiled kernel run at once: each must write only its rows.
  eraseSelfCopies(module);
  for (const KernelSignature &kernel : signatures) {
    auto fn = module.lookupSymbol<func::FuncOp>(kernel.implName);
    if (kernel.workgroupArgument &&
        failed(checkOutputsWrittenInPlace(fn, kernel.buffers.size() - kernel.numInputs)))
      return failure();
  }
  // Copies between buffers are loops like any other op.
  module.walk([](memref::CopyOp copy) {
    OpBuilder b(copy);
    linalg::CopyOp::create(b, copy.getLoc(), copy.getSource(), copy.getTarget());
    copy->erase();
  });
  // Buffers carried through loops (what bufferization makes of a tensor
  // updated in an scf.for) fold away: every one is the buffer it started as.
  PassManager cleanup(module.getContext());
  cleanup.addPass(createCanonicalizerPass());
  cleanup.addPass(createCSEPass());
  if (failed(runPhase(cleanup, module, "canonicalization")) ||
      failed(computeLowPrecisionFloatsInF32(module)))
    return failure();
  dump(options, "bufferization", module);
  for (const KernelSignature &kernel : signatures) {
    auto fn = module.lookupSymbol<func::FuncOp>(kernel.implName);
    elideCopiesIntoOutputs(fn, kernel.buffers.size() - kernel.numInputs);
    if (failed(hoistTemporaries(fn)) || failed(prepareLoopNests(fn)) ||
        failed(distributeOverThreads(fn, kCudaBlockSize)))
      return failure();
    expandSinCos(fn);
  }
  dump(options, "thread distribution", module);
  return success();
}

/// Moves the kernels into `gpuModule` as gpu.func kernels.
LogicalResult outlineKernels(ModuleOp module, gpu::GPUModuleOp gpuModule,
                             ArrayRef<KernelSignature> signatures,
                             SmallVectorImpl<CudaKernelInfo> &infos) {
  for (auto [kernel, info] : llvm::zip(signatures, infos)) {
    auto fn = module.lookupSymbol<func::FuncOp>(kernel.implName);
    FailureOr<gpu::GPUFuncOp> outlined = outlineToGpuFunc(
        fn, gpuModule, kernel.name, kernel.workgroupArgument, kCudaBlockSize, info.sharedBytes);
    if (failed(outlined))
      return failure();
    if (info.sharedBytes > kCudaMaxSharedBytes)
      return outlined->emitError()
             << "CUDA code generation: kernel @" << kernel.name << " needs " << info.sharedBytes
             << " bytes of temporaries in shared memory, more than " << kCudaMaxSharedBytes;
  }
  useIeeeSquareRoots(gpuModule);
  truncWithLlvmIntrinsic(gpuModule);
  // Constants (memref.global) move with the kernels that read them.
  for (auto global : llvm::make_early_inc_range(module.getOps<memref::GlobalOp>()))
    global->moveBefore(gpuModule.getBody(), gpuModule.getBody()->end());
  return success();
}

void registerAndLoad(MLIRContext *context) {
  DialectRegistry registry;
  registerCudaCodegenDialects(registry);
  context->appendDialectRegistry(registry);
  // The steps create ops directly (not through passes that would load
  // their dialects).
  context->loadDialect<affine::AffineDialect, arith::ArithDialect, gpu::GPUDialect,
                       linalg::LinalgDialect, math::MathDialect, memref::MemRefDialect,
                       NVVM::NVVMDialect, scf::SCFDialect>();
}

/// A tiled, prepared clone of the checked `kernels` (KernelAbi.h), lowered to
/// block-level code; `signatures` describe its kernels in module order.
FailureOr<OwningOpRef<ModuleOp>> lowerCloneToThreads(ModuleOp kernels,
                                                     SmallVectorImpl<KernelSignature> &signatures,
                                                     const CudaCompileOptions &options) {
  registerAndLoad(kernels.getContext());
  if (failed(checkKernelModule(kernels)))
    return failure();
  OwningOpRef<ModuleOp> module(cast<ModuleOp>(kernels->clone()));
  if (failed(tileWorkgroups(*module)))
    return failure();
  signatures.assign(prepareKernels(*module));
  if (failed(lowerKernelsToThreads(*module, signatures, options)))
    return failure();
  return module;
}

/// After linking libdevice, before optimization: the ABI's promises as LLVM
/// attributes (each buffer is its own allocation, inputs are never written),
/// and libdevice's choices (NVVMReflect) made for results close to the CPU's:
/// no flushing of denormals, and IEEE square roots where NVVMReflect reads
/// the flag (LLVM 22's does not: useIeeeSquareRoots calls sqrt.rn directly).
void markKernelParameters(llvm::Module &module, ArrayRef<CudaKernelInfo> infos) {
  module.setModuleFlag(llvm::Module::Override, "nvvm-reflect-prec-sqrt", uint32_t{1});
  module.setModuleFlag(llvm::Module::Override, "nvvm-reflect-ftz", uint32_t{0});
  for (const CudaKernelInfo &info : infos) {
    llvm::Function *fn = module.getFunction(info.name);
    if (!fn || fn->isDeclaration())
      continue;
    for (llvm::Argument &arg : fn->args()) {
      if (!arg.getType()->isPointerTy())
        continue;
      arg.addAttr(llvm::Attribute::NoAlias);
      if (arg.getArgNo() < info.numInputs)
        arg.addAttr(llvm::Attribute::ReadOnly);
    }
  }
}

} // namespace

std::string findLibdevice(const CudaCompileOptions &options) {
  SmallString<256> libdevice(toolkitPath(options));
  llvm::sys::path::append(libdevice, "nvvm", "libdevice", "libdevice.10.bc");
  return llvm::sys::fs::is_regular_file(libdevice) ? std::string(libdevice) : std::string();
}

LogicalResult compileCudaKernelsToPtx(ModuleOp kernels, std::string &ptx,
                                      SmallVectorImpl<CudaKernelInfo> &infos,
                                      const CudaCompileOptions &options) {
  ptx.clear();
  infos.clear();
  MLIRContext *context = kernels.getContext();
  SmallVector<KernelSignature> signatures;
  FailureOr<OwningOpRef<ModuleOp>> module = lowerCloneToThreads(kernels, signatures, options);
  if (failed(module))
    return failure();
  SmallVector<CudaKernelInfo> collected;
  for (auto fn : kernels.getOps<func::FuncOp>())
    collected.push_back(kernelInfo(fn));

  // The gpu.module the kernels move to, in a container module.
  OpBuilder top(context);
  OwningOpRef<ModuleOp> container = ModuleOp::create(kernels.getLoc());
  (*container)->setAttr(gpu::GPUDialect::getContainerModuleAttrName(), top.getUnitAttr());
  auto target = NVVM::NVVMTargetAttr::get(context, options.optLevel, "nvptx64-nvidia-cuda",
                                          options.chip, options.features);
  top.setInsertionPointToEnd(container->getBody());
  auto gpuModule = gpu::GPUModuleOp::create(top, kernels.getLoc(), kGpuModuleName,
                                            top.getArrayAttr({target}));
  if (failed(outlineKernels(**module, gpuModule, signatures, collected)))
    return failure();
  dump(options, "outlining", *container);

  PassManager pm(context);
  OpPassManager &gpu = pm.nest<gpu::GPUModuleOp>();
  gpu.addPass(createSCFToControlFlowPass());
  gpu.addPass(memref::createExpandStridedMetadataPass());
  gpu.addPass(createLowerAffinePass());
  ConvertGpuOpsToNVVMOpsOptions nvvm;
  nvvm.useBarePtrCallConv = true;
  gpu.addPass(createConvertGpuOpsToNVVMOps(nvvm));
  gpu.addPass(createCanonicalizerPass());
  gpu.addPass(createCSEPass());
  gpu.addPass(createReconcileUnrealizedCastsPass());
  if (failed(runPhase(pm, *container, "lowering to NVVM")))
    return failure();
  dump(options, "NVVM", *container);

  // The NVPTX backend (through the NVVM target: libdevice linked, O3).
  std::string toolkit = toolkitPath(options);
  if (findLibdevice(options).empty())
    return kernels.emitError() << "CUDA code generation: no libdevice in the CUDA toolkit at "
                               << toolkit << " (set LOOM_CUDA_TOOLKIT or CUDA_HOME to one)";
  auto markParameters = [&](llvm::Module &llvmModule) {
    markKernelParameters(llvmModule, collected);
  };
  gpu::TargetOptions targetOptions(toolkit, /*librariesToLink=*/{}, /*cmdOptions=*/"",
                                   /*elfSection=*/"", gpu::CompilationTarget::Assembly,
                                   /*getSymbolTableCallback=*/{},
                                   /*initialLlvmIRCallback=*/{}, markParameters);
  bool reported = false;
  std::optional<SmallVector<char, 0>> object;
  {
    ScopedDiagnosticHandler watch(context, [&](Diagnostic &diagnostic) {
      reported |= diagnostic.getSeverity() == DiagnosticSeverity::Error;
      return failure();
    });
    object = cast<gpu::TargetAttrInterface>(target).serializeToObject(gpuModule, targetOptions);
  }
  if (!object) {
    if (!reported)
      kernels.emitError() << "CUDA code generation: the NVPTX backend produced no PTX";
    return failure();
  }
  ptx.assign(object->begin(), object->end());
  infos.assign(collected.begin(), collected.end());
  return success();
}

LogicalResult compileCudaKernels(ModuleOp kernels, StringRef ptxPath,
                                 SmallVectorImpl<CudaKernelInfo> &infos,
                                 const CudaCompileOptions &options) {
  std::string ptx;
  if (failed(compileCudaKernelsToPtx(kernels, ptx, infos, options)))
    return failure();
  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> out = openOutputFile(ptxPath, &error);
  if (!out) {
    infos.clear();
    return kernels.emitError() << "CUDA code generation: " << error;
  }
  out->os() << ptx;
  out->keep();
  return success();
}

LogicalResult compileCudaKernelsForHostEmulation(ModuleOp kernels, StringRef soPath,
                                                const CudaCompileOptions &options) {
  SmallVector<KernelSignature> signatures;
  FailureOr<OwningOpRef<ModuleOp>> lowered = lowerCloneToThreads(kernels, signatures, options);
  if (failed(lowered))
    return failure();
  OwningOpRef<ModuleOp> module = std::move(*lowered);
  for (const KernelSignature &kernel : signatures)
    if (failed(emulateThreadsOnHost(module->lookupSymbol<func::FuncOp>(kernel.implName),
                                    kCudaBlockSize)))
      return failure();
  dump(options, "host emulation", *module);
  if (failed(lowerBuffersToLLVM(*module)) || failed(buildLaunchWrappers(*module, signatures)))
    return failure();
  llvm::Expected<std::unique_ptr<llvm::TargetMachine>> target = createHostTargetMachine();
  if (!target)
    return kernels.emitError() << "host emulation: " << llvm::toString(target.takeError());
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(*module, llvmContext, "loom_cuda_emulation");
  if (!llvmModule)
    return kernels.emitError() << "host emulation: translation to LLVM IR failed";
  llvm::StringSet<> exported;
  for (const KernelSignature &kernel : signatures)
    exported.insert(kernel.name);
  for (llvm::GlobalValue &value : llvmModule->global_values())
    if (!value.isDeclaration() && !value.hasAppendingLinkage() &&
        !exported.contains(value.getName()))
      value.setLinkage(llvm::GlobalValue::InternalLinkage);
  SmallVector<char, 0> object;
  if (llvm::Error error = emitOptimizedObject(*llvmModule, **target, object))
    return kernels.emitError() << "host emulation: " << llvm::toString(std::move(error));
  return linkSharedObject(object, soPath, kernels.getLoc());
}

LogicalResult writeCudaKernelTable(StringRef jsonPath, StringRef ptxFileName,
                                   ArrayRef<CudaKernelInfo> infos, Location loc,
                                   StringRef chip) {
  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> out = openOutputFile(jsonPath, &error);
  if (!out)
    return emitError(loc) << "CUDA kernel table: " << error;
  llvm::json::OStream json(out->os(), /*IndentSize=*/1);
  auto triple = [&](const std::array<int64_t, 3> &v) {
    json.array([&] {
      for (int64_t x : v)
        json.value(x);
    });
  };
  json.object([&] {
    json.attribute("version", 1);
    json.attribute("ptx", ptxFileName);
    json.attribute("chip", chip);
    json.attributeArray("kernels", [&] {
      for (const CudaKernelInfo &info : infos) {
        json.object([&] {
          json.attribute("name", info.name);
          json.attribute("strategy", info.strategy);
          json.attributeBegin("grid");
          triple(info.grid);
          json.attributeEnd();
          json.attributeBegin("block");
          triple(info.block);
          json.attributeEnd();
          json.attribute("tile_rows", info.tileRows);
          json.attribute("shared_bytes", info.sharedBytes);
          json.attribute("num_buffers", static_cast<int64_t>(info.buffers.size()));
          json.attribute("num_inputs", static_cast<int64_t>(info.numInputs));
          json.attributeArray("buffers", [&] {
            for (const CudaBufferInfo &buffer : info.buffers)
              json.object([&] {
                json.attribute("dtype", buffer.dtype);
                json.attributeArray("shape", [&] {
                  for (int64_t d : buffer.shape)
                    json.value(d);
                });
                json.attribute("bytes", buffer.bytes);
              });
          });
        });
      }
    });
  });
  out->os() << "\n";
  out->keep();
  return success();
}

} // namespace mlir::loom::codegen
