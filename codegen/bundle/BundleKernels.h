//===- BundleKernels.h - a bundle's kernel files, per target ---------------===//
//
// Internal to codegen/bundle: the step of the bundle writer that compiles
// the nested @kernels module into the bundle's kernel files and fills the
// manifest's kernel table, library fields and checksums. One function per
// target:
//   cpu:  kernels.so (CpuKernelCompiler.h);
//   cuda: kernels.cubin (the PTX assembled by ptxas for sm_90), kernels.ptx
//         (CudaKernelCompiler.h), kernels.so (the same kernels for the host,
//         so that a cuda bundle also runs on a CPU) and kernels_cuda.json
//         (the launch table tools/gpu/ptx_check reads).
// Everything is written into the bundle's temporary directory; the writer
// renames it into place once the manifest is written too.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_CODEGEN_BUNDLE_BUNDLEKERNELS_H
#define LOOM_CODEGEN_BUNDLE_BUNDLEKERNELS_H

#include "runtime/schemas/bundle.pb.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringMap.h"

#include <array>
#include <cstdint>

namespace mlir::loom::codegen {

/// What the plan's transcription needs of the kernel table.
struct BundleKernelTable {
  /// Kernel name -> index in Manifest.kernels (launches refer to it).
  llvm::StringMap<uint32_t> index;
  /// cuda: the grid each kernel was compiled for (its blocks compute the rows
  /// of the CPU's workgroups, CudaKernelCompiler.h); every launch of it must
  /// use that grid. Empty for cpu, whose kernels take the grid as given.
  llvm::StringMap<std::array<int64_t, 3>> grids;
};

/// cpu: `kernels` into DIR/kernels.so; sets kernel_library and its checksum.
LogicalResult writeCpuBundleKernels(ModuleOp kernels, StringRef dir,
                                    ::loom::bundle::Manifest &manifest, BundleKernelTable &table);

/// cuda: `kernels` into DIR/kernels.{cubin,ptx,so} and DIR/kernels_cuda.json;
/// sets kernel_library, cuda_ptx, host_kernel_library, each kernel's block,
/// and the three libraries' checksums. Fails before compiling anything when
/// there is no ptxas to assemble the cubin.
LogicalResult writeCudaBundleKernels(ModuleOp kernels, StringRef dir,
                                     ::loom::bundle::Manifest &manifest, BundleKernelTable &table);

/// Adds DIR/`file`'s SHA-256 to the manifest's checksums; an error at `loc`
/// when it cannot be read.
LogicalResult addBundleChecksum(StringRef dir, StringRef file, ::loom::bundle::Manifest &manifest,
                                Location loc);

} // namespace mlir::loom::codegen

#endif // LOOM_CODEGEN_BUNDLE_BUNDLEKERNELS_H
