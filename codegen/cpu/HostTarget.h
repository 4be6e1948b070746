//===- HostTarget.h - LLVM code generation for the host CPU ----------------===//
//
// The target of CPU kernels: the host's triple with a baseline CPU rather
// than -mcpu=native (x86-64-v2 where the host has it, else x86-64; "generic"
// elsewhere), so that a kernels .so also runs on a different machine of the
// same kind. PIC and the small code model, as a shared object needs (the JIT's
// default large model leaves text relocations, build-recipe P10).
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_CODEGEN_CPU_HOSTTARGET_H
#define LOOM_CODEGEN_CPU_HOSTTARGET_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>

namespace llvm {
class Module;
} // namespace llvm

namespace mlir::loom::codegen {

/// A TargetMachine for the host (initializes the native target once).
llvm::Expected<std::unique_ptr<llvm::TargetMachine>> createHostTargetMachine();

/// Gives `module` the target's triple and data layout, optimizes it at O2
/// and emits it into `object` as an ELF relocatable.
llvm::Error emitOptimizedObject(llvm::Module &module, llvm::TargetMachine &target,
                                llvm::SmallVectorImpl<char> &object);

} // namespace mlir::loom::codegen

#endif // LOOM_CODEGEN_CPU_HOSTTARGET_H
