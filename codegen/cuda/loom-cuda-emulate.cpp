//===- loom-cuda-emulate.cpp - the CUDA lowering, run on the host ----------===//
//
//   loom-cuda-emulate IN.mlir -o KERNELS.so [--print-ir-after-each-step]
//
// A test tool: compiles the kernels of IN.mlir (its nested module @kernels,
// or IN.mlir itself when it holds only kernels, e.g. loomc --compile-to=fusion
// output) with compileCudaKernelsForHostEmulation (CudaKernelCompiler.h):
// the CUDA lowering down to block-level code, each block's threads run one
// after another between barriers, as a kernels .so with the CPU launch ABI.
// tools/gpu/test_ptx_check.sh runs it through ptx_check's stand-in libcuda.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/CudaKernelCompiler.h"
#include "dialects/loom/IR/LoomDialect.h"
#include "dialects/loomrt/IR/LoomrtDialect.h"
#include "passes/Plan/PlanClassify.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

static llvm::cl::opt<std::string> inputFile(llvm::cl::Positional, llvm::cl::desc("<input.mlir>"),
                                            llvm::cl::Required);
static llvm::cl::opt<std::string> outputFile("o", llvm::cl::desc("The kernels .so to write"),
                                             llvm::cl::Required);
static llvm::cl::opt<bool> printIr("print-ir-after-each-step",
                                   llvm::cl::desc("Print the IR after each step to stderr"));

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  llvm::cl::ParseCommandLineOptions(argc, argv, "CUDA kernels emulated on the host\n");
  DialectRegistry registry;
  registry.insert<func::FuncDialect, loom::LoomDialect, loomrt::LoomrtDialect>();
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> buffer = openInputFile(inputFile, &error);
  if (!buffer) {
    llvm::errs() << "loom-cuda-emulate: " << error << "\n";
    return 1;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1;
  ModuleOp kernels = *module;
  for (auto nested : module->getOps<ModuleOp>())
    if (nested.getSymName() == loom::kKernelModuleName)
      kernels = nested;
  loom::codegen::CudaCompileOptions options;
  if (printIr)
    options.irDump = &llvm::errs();
  return failed(loom::codegen::compileCudaKernelsForHostEmulation(kernels, outputFile, options))
             ? 1
             : 0;
}
