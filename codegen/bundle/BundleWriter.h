//===- BundleWriter.h - a planned module to a bundle directory -------------===//
//
// The last step of `loomc --target=cpu -o DIR` (DESIGN.md §5): a module after
// loom-plan-memory (loomrt arenas, parameters, entries; kernels in the nested
// @kernels module) becomes a bundle directory: kernels.so, manifest.pb
// (runtime/schemas/bundle.proto) and the checksums of the other files. The
// manifest is a transcription of the loomrt ops: every rule the runtime
// checks on load was verified on those ops already.
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

/// Writes the bundle of `module` into `dir`. Errors are diagnostics (at the
/// op that cannot be transcribed, or at the module for file errors).
LogicalResult writeCpuBundle(ModuleOp module, StringRef dir, BundleSummary &summary);

} // namespace mlir::loom::codegen

#endif // LOOM_CODEGEN_BUNDLE_BUNDLEWRITER_H
