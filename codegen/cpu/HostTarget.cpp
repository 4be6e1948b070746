//===- HostTarget.cpp - LLVM code generation for the host CPU --------------===//

#include "codegen/cpu/HostTarget.h"

#include "mlir/ExecutionEngine/OptUtils.h"

#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <mutex>

namespace mlir::loom::codegen {
namespace {

/// x86-64-v2 (SSE4.2, POPCNT, CX16) runs on every x86-64 CPU since 2009;
/// the check keeps an older host able to run what it built.
std::string baselineCpu(const llvm::Triple &triple) {
  if (triple.getArch() != llvm::Triple::x86_64)
    return "generic";
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  for (const char *feature : {"sse4.2", "sse4.1", "ssse3", "popcnt", "cx16", "sahf"})
    if (!features.lookup(feature))
      return "x86-64";
  return "x86-64-v2";
}

} // namespace

llvm::Expected<std::unique_ptr<llvm::TargetMachine>> createHostTargetMachine() {
  static std::once_flag initialized;
  std::call_once(initialized, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
  llvm::Triple triple(llvm::sys::getProcessTriple());
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return llvm::createStringError("no LLVM target for the host triple " + triple.str() + ": " +
                                   error);
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, baselineCpu(triple), /*Features=*/"", llvm::TargetOptions(), llvm::Reloc::PIC_,
      llvm::CodeModel::Small, llvm::CodeGenOptLevel::Default));
  if (!machine)
    return llvm::createStringError("cannot create an LLVM target machine for " + triple.str());
  return machine;
}

llvm::Error emitOptimizedObject(llvm::Module &module, llvm::TargetMachine &target,
                                llvm::SmallVectorImpl<char> &object) {
  module.setTargetTriple(target.getTargetTriple());
  module.setDataLayout(target.createDataLayout());
  if (llvm::Error error = makeOptimizingTransformer(/*optLevel=*/2, /*sizeLevel=*/0, &target)(&module))
    return error;
  llvm::raw_svector_ostream stream(object);
  llvm::legacy::PassManager codegen;
  if (target.addPassesToEmitFile(codegen, stream, nullptr, llvm::CodeGenFileType::ObjectFile))
    return llvm::createStringError("the host target cannot emit object files");
  codegen.run(module);
  return llvm::Error::success();
}

} // namespace mlir::loom::codegen
