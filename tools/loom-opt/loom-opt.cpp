//===- loom-opt.cpp - the loom dialect with every upstream dialect and pass -===//
//
// MlirOptMain with loom registered next to all upstream dialects, passes,
// extensions and LLVM/NVVM translations, so every standard flag works
// (--pass-pipeline, --mlir-print-ir-after-all, --mlir-timing, reproducers...).
//
//===----------------------------------------------------------------------===//

#include "dialects/loom/IR/LoomDialect.h"
#include "dialects/loomrt/IR/LoomrtDialect.h"
#include "passes/Pipelines.h"
#include "test/lib/TestPasses.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::loom::registerLoomPipelines();
  mlir::loom::registerLoomTestPasses();

  mlir::DialectRegistry registry;
  registry.insert<mlir::loom::LoomDialect, mlir::loomrt::LoomrtDialect>();
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllToLLVMIRTranslations(registry);
  mlir::NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Loom optimizer driver\n", registry));
}
