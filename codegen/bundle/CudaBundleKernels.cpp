//===- CudaBundleKernels.cpp - a cuda bundle's cubin, PTX and host .so -----===//
//
// The kernels of a cuda bundle are compiled twice from the one @kernels
// module: for sm_90 (PTX by CudaKernelCompiler, assembled into a cubin by
// ptxas, the PTX kept for the driver's JIT on other GPUs) and for the host
// (CpuKernelCompiler, the CPU launch ABI), so the bundle runs where there is
// no GPU. Both compilers tile the same loom.workgroups, so a launch means
// the same rows on either side: workgroup x of the CPU is block x of the
// GPU. The kernel table is checked to agree between the two before it is
// written: same kernels in the same order, same names, and the GPU entry's
// parameters (buffer pointers, then scalars: bundle.proto Kernel.block) the
// host kernel's buffers and scalars.
//
//===----------------------------------------------------------------------===//

#include "codegen/bundle/BundleKernels.h"

#include "codegen/cpu/CpuKernelCompiler.h"
#include "codegen/cuda/CudaKernelCompiler.h"
#include "codegen/cuda/PtxasCheck.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::loom::codegen;
namespace pb = ::loom::bundle;

namespace {

constexpr const char kCubin[] = "kernels.cubin";
constexpr const char kPtx[] = "kernels.ptx";
constexpr const char kHostLibrary[] = "kernels.so";
constexpr const char kLaunchTable[] = "kernels_cuda.json";
/// bundle.proto Kernel.block: the threads of a block.
constexpr int64_t kMaxBlockThreads = 1024;

std::string pathIn(StringRef dir, StringRef file) {
  SmallString<256> path(dir);
  llvm::sys::path::append(path, file);
  return std::string(path);
}

/// The ptxas that assembles the cubin (PtxasCheck.h's search), or an error
/// that says how to provide one. Asked first: without it nothing else is
/// worth compiling.
FailureOr<std::string> requirePtxas(Location loc) {
  std::string ptxas = findPtxas();
  if (ptxas.empty())
    return emitError(loc) << "bundle writer: a cuda bundle's kernels.cubin is assembled by "
                             "ptxas, and there is none (not in $LOOM_PTXAS, the CUDA toolkit "
                             "at $CUDA_HOME or the configured one, nor on $PATH): install the "
                             "CUDA toolkit or set LOOM_PTXAS";
  if (!llvm::sys::fs::can_execute(ptxas))
    return emitError(loc) << "bundle writer: ptxas '" << ptxas
                          << "' cannot be run (check LOOM_PTXAS or CUDA_HOME)";
  return ptxas;
}

/// DIR/kernels.ptx into DIR/kernels.cubin for `chip`.
LogicalResult assembleCubin(StringRef ptxas, StringRef dir, StringRef chip, Location loc) {
  llvm::Expected<PtxasReport> report =
      runPtxas(ptxas, pathIn(dir, kPtx), chip, pathIn(dir, kCubin));
  if (!report)
    return emitError(loc) << "bundle writer: cannot assemble " << kCubin << ": "
                          << llvm::toString(report.takeError());
  if (!report->accepted)
    return emitError(loc) << "bundle writer: ptxas refused " << kPtx << " for " << chip << ":\n"
                          << StringRef(report->log).rtrim();
  return success();
}

/// The location of kernel `name`, for errors about it.
Location kernelLoc(ModuleOp kernels, StringRef name) {
  if (auto fn = kernels.lookupSymbol<func::FuncOp>(name))
    return fn.getLoc();
  return kernels.getLoc();
}

/// One manifest kernel per kernel, from both compilers' views of it.
LogicalResult addKernels(ModuleOp kernels, ArrayRef<CpuKernelSymbol> host,
                         ArrayRef<CudaKernelInfo> gpu, pb::Manifest &manifest,
                         BundleKernelTable &table) {
  if (host.size() != gpu.size())
    return emitError(kernels.getLoc())
           << "bundle writer: the host compiler made " << host.size()
           << " kernels and the CUDA compiler " << gpu.size() << " of one @kernels module";
  for (auto [s, info] : llvm::zip(host, gpu)) {
    Location loc = kernelLoc(kernels, s.name);
    // Kernel.symbol names the kernel in both libraries.
    if (s.name != info.name || s.symbol != info.name)
      return emitError(loc) << "bundle writer: the host kernel @" << s.name << " (symbol "
                            << s.symbol << ") is the PTX entry " << info.name
                            << ": one symbol must name it in both libraries";
    // The GPU entry takes the buffers' device pointers, then the scalars;
    // CudaKernelCompiler emits pointer parameters only.
    if (info.buffers.size() != s.numBufferArgs || s.numScalarArgs != 0)
      return emitError(loc) << "bundle writer: the PTX entry " << info.name << " takes "
                            << info.buffers.size()
                            << " buffer pointers and no scalars, the host kernel "
                            << s.numBufferArgs << " buffers and " << s.numScalarArgs << " scalars";
    int64_t threads = 1;
    for (int64_t b : info.block)
      threads = b < 1 ? 0 : threads * b;
    if (threads < 1 || threads > kMaxBlockThreads)
      return emitError(loc) << "bundle writer: kernel " << info.name << "'s block ["
                            << info.block[0] << ", " << info.block[1] << ", " << info.block[2]
                            << "] is not 1 to " << kMaxBlockThreads << " threads";
    table.index[s.name] = manifest.kernels_size();
    table.grids[s.name] = info.grid;
    pb::Kernel *k = manifest.add_kernels();
    k->set_name(s.name);
    k->set_symbol(s.symbol);
    k->set_num_buffer_args(s.numBufferArgs);
    k->set_num_scalar_args(s.numScalarArgs);
    for (int64_t b : info.block)
      k->add_block(b);
  }
  return success();
}

} // namespace

LogicalResult mlir::loom::codegen::writeCudaBundleKernels(ModuleOp kernels, StringRef dir,
                                                          pb::Manifest &manifest,
                                                          BundleKernelTable &table) {
  Location loc = kernels.getLoc();
  FailureOr<std::string> ptxas = requirePtxas(loc);
  if (failed(ptxas))
    return failure();
  SmallVector<CpuKernelSymbol> host;
  if (failed(compileCpuKernels(kernels, pathIn(dir, kHostLibrary), host)))
    return failure();
  CudaCompileOptions options;
  SmallVector<CudaKernelInfo> gpu;
  if (failed(compileCudaKernels(kernels, pathIn(dir, kPtx), gpu, options)) ||
      failed(assembleCubin(*ptxas, dir, options.chip, loc)) ||
      failed(writeCudaKernelTable(pathIn(dir, kLaunchTable), kPtx, gpu, loc, options.chip)) ||
      failed(addKernels(kernels, host, gpu, manifest, table)))
    return failure();
  manifest.set_kernel_library(kCubin);
  manifest.set_cuda_ptx(kPtx);
  manifest.set_host_kernel_library(kHostLibrary);
  for (const char *file : {kCubin, kPtx, kHostLibrary})
    if (failed(addBundleChecksum(dir, file, manifest, loc)))
      return failure();
  return success();
}
