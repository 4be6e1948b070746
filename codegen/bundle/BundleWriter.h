//===- BundleWriter.h - a planned module to a bundle directory -------------===//
//
// The last step of `loomc --target=cpu|cuda -o DIR` (DESIGN.md §5): a module
// after loom-plan-memory (loomrt arenas, parameters, entries; kernels in the
// nested @kernels module) becomes a bundle directory: manifest.pb
// (runtime/schemas/bundle.proto, with the checksums of the other files) and
// the kernel files of the target (BundleKernels.h):
//   cpu:  kernels.so;
//   cuda: kernels.cubin (sm_90), kernels.ptx, kernels.so (the same kernels
//         for the host) and kernels_cuda.json (tools/gpu/ptx_check's table).
// The manifest is a transcription of the loomrt ops: every rule the runtime
// checks on load was verified on those ops already; for cuda the writer also
// checks that every launch uses the grid its kernel was compiled for.
//
// The directory is written under a temporary name beside DIR and renamed
// into place, so an interrupted write never leaves a half bundle; an
// existing DIR is replaced only when it is a bundle (has manifest.pb) or
// empty.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_CODEGEN_BUNDLE_BUNDLEWRITER_H
#define LOOM_CODEGEN_BUNDLE_BUNDLEWRITER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <string>

namespace mlir::loom::codegen {

/// What was written, for loomc's summary line.
struct BundleSummary {
  int64_t kernels = 0, commands = 0, entryPoints = 0, parameters = 0;
  int64_t arenaBytes = 0; // all arenas together
};

/// Writes the bundle of `module` for `target` ("cpu" or "cuda") into `dir`.
/// The module must have been compiled for that target (its `loom.target`;
/// a module without one is taken as compiled for it). Errors are
/// diagnostics (at the op that cannot be transcribed, or at the module for
/// file errors); then `dir` is left as it was.
LogicalResult writeBundle(ModuleOp module, StringRef target, StringRef dir,
                          BundleSummary &summary);

/// writeBundle for "cpu".
LogicalResult writeCpuBundle(ModuleOp module, StringRef dir, BundleSummary &summary);

} // namespace mlir::loom::codegen

#endif // LOOM_CODEGEN_BUNDLE_BUNDLEWRITER_H
