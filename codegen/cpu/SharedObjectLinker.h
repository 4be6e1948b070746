//===- SharedObjectLinker.h - an object file into a kernels .so ------------===//
//
// Links with ld.lld-22 (on PATH, or /usr/lib/llvm-22/bin/ld.lld, or
// /usr/bin/ld.lld-22) against the very libm, libc and libgcc_s this process
// runs with (the code calls expf, malloc, and for f16 __extendhfsf2), found
// through the dynamic loader. `-z defs` turns any other undefined symbol into
// a link error here rather than a dlopen error in the runtime.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_CODEGEN_CPU_SHAREDOBJECTLINKER_H
#define LOOM_CODEGEN_CPU_SHAREDOBJECTLINKER_H

#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"

namespace mlir::loom::codegen {

/// Links the ELF relocatable `object` into the shared library `soPath`: into
/// a temporary file beside it, renamed over soPath on success, so that no
/// reader ever sees a partial library. Errors are diagnostics at `loc`, and
/// leave soPath as it was.
LogicalResult linkSharedObject(ArrayRef<char> object, StringRef soPath, Location loc);

} // namespace mlir::loom::codegen

#endif // LOOM_CODEGEN_CPU_SHAREDOBJECTLINKER_H
