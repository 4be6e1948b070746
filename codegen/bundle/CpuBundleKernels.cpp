//===- CpuBundleKernels.cpp - a cpu bundle's kernels.so --------------------===//

#include "codegen/bundle/BundleKernels.h"

#include "codegen/cpu/CpuKernelCompiler.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::loom::codegen;
namespace pb = ::loom::bundle;

namespace {
constexpr const char kKernelLibrary[] = "kernels.so";
} // namespace

LogicalResult mlir::loom::codegen::writeCpuBundleKernels(ModuleOp kernels, StringRef dir,
                                                         pb::Manifest &manifest,
                                                         BundleKernelTable &table) {
  SmallString<256> so(dir);
  llvm::sys::path::append(so, kKernelLibrary);
  SmallVector<CpuKernelSymbol> symbols;
  if (failed(compileCpuKernels(kernels, so, symbols)))
    return failure();
  for (const CpuKernelSymbol &s : symbols) {
    table.index[s.name] = manifest.kernels_size();
    pb::Kernel *k = manifest.add_kernels();
    k->set_name(s.name);
    k->set_symbol(s.symbol);
    k->set_num_buffer_args(s.numBufferArgs);
    k->set_num_scalar_args(s.numScalarArgs);
  }
  manifest.set_kernel_library(kKernelLibrary);
  return addBundleChecksum(dir, kKernelLibrary, manifest, kernels.getLoc());
}
