//===- CpuPipeline.cpp - loom kernels on tensors down to the LLVM dialect --===//

#include "codegen/cpu/CpuPipeline.h"

#include "codegen/cpu/LowPrecisionFloats.h"

#include "passes/Lowering/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/BufferDeallocationOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/ControlFlow/Transforms/BufferDeallocationOpInterfaceImpl.h"
#include "mlir/Dialect/ControlFlow/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/AllocationOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/BufferDeallocationOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"

namespace mlir::loom::codegen {
namespace {

/// Runs `pm`; a failure that reported no error of its own gets one naming
/// `phase`, so a refusal is never silent.
LogicalResult runPhase(PassManager &pm, ModuleOp module, StringRef phase) {
  bool reported = false;
  ScopedDiagnosticHandler watch(module.getContext(), [&](Diagnostic &diagnostic) {
    reported |= diagnostic.getSeverity() == DiagnosticSeverity::Error;
    return failure(); // not handled: the caller's handler gets it too
  });
  if (succeeded(pm.run(module)))
    return success();
  if (!reported)
    module.emitError() << "CPU code generation: " << phase << " failed";
  return failure();
}

void addRegistry(MLIRContext *context) {
  DialectRegistry registry;
  registerCpuCodegenDialects(registry);
  context->appendDialectRegistry(registry);
}

/// memref.copy lowers to a call of memrefCopy from mlir_c_runner_utils,
/// which a kernels .so would have to ship; linalg.copy lowers to loops.
void copiesToLinalg(ModuleOp module) {
  module.walk([](memref::CopyOp copy) {
    OpBuilder b(copy);
    linalg::CopyOp::create(b, copy.getLoc(), copy.getSource(), copy.getTarget());
    copy->erase();
  });
}

void addOneShotBufferization(PassManager &pm, const CpuLoweringOptions &options) {
  // Producers write straight into the slices of a concat or an arena.
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion = bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  if (options.resultsAsOutParams) {
    // hoist-static-allocs: a returned allocation becomes the out param, so
    // the result is computed in place; other results are copied into it.
    bufferization::BufferResultsToOutParamsPassOptions outParams;
    outParams.hoistStaticAllocs = true;
    outParams.modifyPublicFunctions = true;
    pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  }
}

/// Whether `v`, inside the loop whose iter_arg is `iterArg`, is that same
/// buffer: the iter_arg itself, or an scf.for / scf.if result that yields
/// it back on every path (what one-shot bufferization produces for a loop
/// that updates its carried tensor in place).
bool isSameBuffer(Value v, Value iterArg) {
  if (v == iterArg)
    return true;
  auto result = dyn_cast<OpResult>(v);
  if (!result)
    return false;
  unsigned i = result.getResultNumber();
  if (auto loop = dyn_cast<scf::ForOp>(result.getOwner())) {
    Value inner = loop.getRegionIterArgs()[i];
    return isSameBuffer(loop.getInitArgs()[i], iterArg) &&
           isSameBuffer(loop.getBody()->getTerminator()->getOperand(i), inner);
  }
  if (auto branch = dyn_cast<scf::IfOp>(result.getOwner()))
    return !branch.getElseRegion().empty() &&
           isSameBuffer(branch.thenYield().getOperand(i), iterArg) &&
           isSameBuffer(branch.elseYield().getOperand(i), iterArg);
  return false;
}

/// After results became out-params, a loop that updates an allocation in
/// place and is then copied into the out-param (`memref.copy %loop, %out`;
/// hoist-static-allocs only sees allocations returned directly) computes in
/// the out-param instead: the allocation is replaced by it and the copy
/// goes. Saves a full-size temporary (the scatter_add loop's) per launch.
void forwardLoopBuffersToOutParams(ModuleOp module) {
  module.walk([](memref::CopyOp copy) {
    auto out = dyn_cast<BlockArgument>(copy.getTarget());
    auto loop = copy.getSource().getDefiningOp<scf::ForOp>();
    if (!out || !loop || !isa<func::FuncOp>(out.getOwner()->getParentOp()))
      return;
    unsigned i = cast<OpResult>(copy.getSource()).getResultNumber();
    auto alloc = loop.getInitArgs()[i].getDefiningOp<memref::AllocOp>();
    if (!alloc || alloc.getType() != out.getType() ||
        !isSameBuffer(loop.getBody()->getTerminator()->getOperand(i),
                      loop.getRegionIterArgs()[i]))
      return;
    // Only the loop and ops before it may use the allocation (it is
    // initialized, then carried); the out-param is free until the copy.
    for (Operation *user : alloc->getUsers())
      if (user != loop &&
          (user->getBlock() != loop->getBlock() || !user->isBeforeInBlock(loop)))
        return;
    alloc.getResult().replaceAllUsesWith(out);
    alloc->erase();
    copy->erase();
  });
}

/// Fusing a producer with several readers duplicates its body into each; the
/// caps keep a diamond of such producers from growing a body exponentially.
constexpr unsigned kMaxDuplicatedProducerOps = 64;
constexpr unsigned kMaxFusedBodyOps = 512;

unsigned bodyOps(Operation *op) {
  auto generic = dyn_cast<linalg::GenericOp>(op);
  return generic ? static_cast<unsigned>(generic.getBody()->getOperations().size()) : 0;
}

/// Whether a generic's body computes something costlier than a few adds and
/// multiplies: a division, a remainder, or a transcendental math op.
bool hasCostlyOps(linalg::GenericOp generic) {
  return llvm::any_of(generic.getBody()->getOperations(), [](Operation &op) {
    if (isa<arith::DivFOp, arith::RemFOp, arith::DivSIOp, arith::DivUIOp, arith::RemSIOp,
            arith::RemUIOp, arith::CeilDivSIOp, arith::FloorDivSIOp>(op))
      return true;
    return isa<math::MathDialect>(op.getDialect()) &&
           !isa<math::AbsFOp, math::AbsIOp, math::CopySignOp, math::FmaOp, math::FloorOp,
                math::CeilOp, math::RoundOp, math::RoundEvenOp, math::TruncOp>(op);
  });
}

bool shouldFuse(OpOperand *operand) {
  Operation *producer = operand->get().getDefiningOp();
  Operation *consumer = operand->getOwner();
  if (!producer || !isa<linalg::GenericOp>(producer))
    return false;
  if (bodyOps(producer) + bodyOps(consumer) > kMaxFusedBodyOps)
    return false;
  // A producer that the consumer reads broadcast (over loops the producer
  // lacks) would be recomputed at each of those iterations: a norm's
  // 1 / sqrt(mean + eps) per element of its row instead of once per row, in
  // f64. When that is costly it stays a small temporary (the same values).
  auto generic = dyn_cast<linalg::GenericOp>(consumer);
  if (generic && generic.getMatchingIndexingMap(operand).getNumResults() < generic.getNumLoops() &&
      hasCostlyOps(cast<linalg::GenericOp>(producer)))
    return false;
  return producer->hasOneUse() || bodyOps(producer) <= kMaxDuplicatedProducerOps;
}

void addDeallocation(PassManager &pm) {
  // Ownership-based deallocation: every temporary is freed before return.
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());
}

void addLoweringToLLVM(PassManager &pm) {
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

} // namespace

void registerCpuCodegenDialects(DialectRegistry &registry) {
  registry.insert<arith::ArithDialect, bufferization::BufferizationDialect, cf::ControlFlowDialect,
                  func::FuncDialect, linalg::LinalgDialect, LLVM::LLVMDialect, math::MathDialect,
                  memref::MemRefDialect, scf::SCFDialect, tensor::TensorDialect>();
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  arith::registerBufferDeallocationOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(registry);
  cf::registerBufferizableOpInterfaceExternalModels(registry);
  cf::registerBufferDeallocationOpInterfaceExternalModels(registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  memref::registerAllocationOpInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  scf::registerBufferDeallocationOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
}

LogicalResult lowerLoomToLinalg(ModuleOp module) {
  addRegistry(module.getContext());
  PassManager pm(module.getContext());
  pm.addPass(createLoomLowerToLinalgPass());
  return runPhase(pm, module, "loom-lower-to-linalg");
}

LogicalResult bufferizeKernels(ModuleOp module, const CpuLoweringOptions &options) {
  addRegistry(module.getContext());
  PassManager bufferize(module.getContext());
  addOneShotBufferization(bufferize, options);
  if (failed(runPhase(bufferize, module, "bufferization")))
    return failure();
  if (options.resultsAsOutParams)
    forwardLoopBuffersToOutParams(module);
  return success();
}

LogicalResult lowerBuffersToLLVM(ModuleOp module) {
  MLIRContext *context = module.getContext();
  addRegistry(context);
  PassManager deallocate(context);
  addDeallocation(deallocate);
  if (failed(runPhase(deallocate, module, "deallocation")))
    return failure();
  copiesToLinalg(module);
  if (failed(computeLowPrecisionFloatsInF32(module)))
    return failure();
  PassManager toLLVM(context);
  addLoweringToLLVM(toLLVM);
  return runPhase(toLLVM, module, "lowering to the LLVM dialect");
}

LogicalResult fuseElementwiseOps(ModuleOp module) {
  MLIRContext *context = module.getContext();
  RewritePatternSet patterns(context);
  linalg::populateElementwiseOpsFusionPatterns(patterns, shouldFuse);
  linalg::GenericOp::getCanonicalizationPatterns(patterns, context);
  FrozenRewritePatternSet frozen(std::move(patterns));
  for (auto fn : module.getOps<func::FuncOp>())
    if (failed(applyPatternsGreedily(fn, frozen)))
      return fn.emitError() << "code generation: elementwise fusion did not converge";
  return success();
}

LogicalResult lowerLinalgToLLVM(ModuleOp module, const CpuLoweringOptions &options) {
  return failure(failed(bufferizeKernels(module, options)) || failed(lowerBuffersToLLVM(module)));
}

} // namespace mlir::loom::codegen
