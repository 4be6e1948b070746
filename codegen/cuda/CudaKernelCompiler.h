//===- CudaKernelCompiler.h - kernel functions to PTX for sm_90 ------------===//
//
// The CUDA backend (DESIGN.md §2, "CUDA: kernels -> NVVM -> PTX"). It takes
// the same module of kernels as the CPU backend (CpuKernelCompiler.h: public
// func.func ops over static tensors, with loom-kernel-strategy's
// `loom.strategy`, `loom.workgroups` and `loom.tile_rows`) and the same
// workgroup tiling (codegen/tiling/WorkgroupTiling.h), and writes one PTX
// module with one `.entry` per kernel, under the kernel's name:
//
//   .entry k(.param .u64 buf0, ..., .param .u64 bufN)   // inputs, then results
//
// launched as grid = loom.workgroups (or 1x1x1), block = kCudaBlockSize
// (512) threads (CudaKernelInfo records both). Workgroup x of the CPU ABI is
// blockIdx.x: block x computes exactly the rows that CPU workgroup x computes.
//
// Inside a block (GpuKernelLowering.h has the rules):
// - every linalg op of the lowered kernel becomes one loop nest whose parallel
//   dims (moved outermost) are flattened and spread over the block's threads
//   by a block-strided loop, and whose reduction dims run in order inside the
//   thread. So an elementwise op is thread-strided over the tile's elements
//   (coalesced), a short row reduction gives one thread per row of the tile,
//   a long one over a contiguous dim is first split into partials over
//   consecutive elements (CooperativeReductions.h: many threads a row,
//   coalesced), and "serial" kernels (transpose, concat, gathers...) are
//   thread-strided too;
// - an op with no parallel dim (a full reduction to a scalar, a rank-0 store)
//   runs on thread 0 alone;
// - a gpu.barrier separates two ops when the second reads or writes a buffer
//   the first wrote, or writes one it read;
// - elementwise producers are fused into their consumers before
//   bufferization (linalg elementwise fusion), so chains of elementwise ops
//   keep their values in registers; what still needs a temporary buffer (the
//   per-row statistics of a norm, a softmax's max and sum...) lives in shared
//   memory (gpu.func workgroup attributions), never in local memory. More
//   than kCudaMaxSharedBytes of temporaries in one kernel is an error.
//
// Lowering: loom-lower-to-linalg, elementwise fusion, the split of long
// reductions (CooperativeReductions.h), the CPU pipeline's
// bufferization with results as out-params (CpuPipeline.h), the in-place
// check of tiled kernels, bf16/f16 computed in f32 (as on the CPU), linalg to
// loops, the thread distribution above, sin/cos as arithmetic and IEEE square
// roots (GpuKernelLowering.h: libdevice's sin/cos would need local memory,
// its sqrtf is approximate here), then convert-gpu-to-nvvm with bare
// pointers, and the LLVM NVPTX backend through MLIR's NVVM target
// (nvptx64-nvidia-cuda, sm_90, PTX ISA 8.0, O3, libdevice linked for exp,
// log, pow...) into PTX. Every kernel pointer parameter is marked noalias and
// every input readonly (the ABI: outputs never overlap another buffer, inputs
// are never written), so inputs load through the read-only cache.
//
// Reduction order: a reduction that is not split is done by one thread per
// output element, over the reduction dims in their order, as the CPU kernel
// does; with the same scalar ops (no FMA contraction, IEEE division and
// square root) only libdevice's exp/log/pow (within 2 ulp of the CPU's libm)
// make those results differ. A split one is reassociated (partials, then
// their combine): it differs from the CPU's in-order sum by rounding, and is
// the more accurate of the two (CooperativeReductionsTest: 131904 squares,
// 1e-6 of the exact sum against the in-order f32 sum's 4e-5).
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_CODEGEN_CUDA_CUDAKERNELCOMPILER_H
#define LOOM_CODEGEN_CUDA_CUDAKERNELCOMPILER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace mlir::loom::codegen {

/// Threads of every block. The grids are the CPU's (few, large workgroups),
/// so a block needs many threads to keep enough loads in flight; 512 leaves
/// ptxas 128 registers per thread (the kernels use about 40).
inline constexpr int64_t kCudaBlockSize = 512;
/// The static shared memory a block may have without opting in (48 KiB).
inline constexpr int64_t kCudaMaxSharedBytes = 48 * 1024;

/// One buffer of a kernel, as the launch ABI passes it (dense, row-major).
struct CudaBufferInfo {
  std::string dtype;          // "f32", "f64", "bf16", "f16", "i64", "i32", "i16", "i8", "i1"
  std::vector<int64_t> shape; // static
  int64_t bytes = 0;          // i1 one byte per element
};

/// One kernel of the PTX module.
struct CudaKernelInfo {
  std::string name;     // the kernel's func name = the PTX .entry name
  std::string strategy; // loom.strategy, or "" when the kernel has none
  std::array<int64_t, 3> grid{1, 1, 1};
  std::array<int64_t, 3> block{kCudaBlockSize, 1, 1};
  int64_t tileRows = 0;   // loom.tile_rows, 0 when absent
  int64_t sharedBytes = 0; // static shared memory (temporaries)
  unsigned numInputs = 0;
  std::vector<CudaBufferInfo> buffers; // inputs, then results
};

struct CudaCompileOptions {
  std::string chip = "sm_90";
  std::string features = "+ptx80"; // PTX ISA 8.0: ptxas 12.0 and later, CUDA 13 included
  int optLevel = 3;
  /// The CUDA toolkit whose nvvm/libdevice/libdevice.10.bc is linked. Empty:
  /// $LOOM_CUDA_TOOLKIT, $CUDA_HOME, $CUDA_PATH, $CUDA_ROOT, then the toolkit
  /// found at configure time (/usr/local/cuda by default).
  std::string toolkitPath;
  /// When set, the IR after each step is printed there (debugging).
  llvm::raw_ostream *irDump = nullptr;
};

/// The libdevice the compile links (CudaCompileOptions::toolkitPath), or ""
/// when that toolkit has none (then every compile to PTX fails, saying so).
std::string findLibdevice(const CudaCompileOptions &options = {});

/// Compiles `kernels` (left unchanged) into PTX text and fills `infos`, one
/// per kernel in module order. Errors are MLIR diagnostics at the offending
/// kernel or op; then `ptx` and `infos` are left empty.
LogicalResult compileCudaKernelsToPtx(ModuleOp kernels, std::string &ptx,
                                      SmallVectorImpl<CudaKernelInfo> &infos,
                                      const CudaCompileOptions &options = {});

/// As above, writing the PTX to `ptxPath` (nothing is written on failure).
LogicalResult compileCudaKernels(ModuleOp kernels, StringRef ptxPath,
                                 SmallVectorImpl<CudaKernelInfo> &infos,
                                 const CudaCompileOptions &options = {});

/// For testing without a GPU: the same lowering up to block-level code, then
/// each block's threads run one after another between barriers on the host
/// (GpuKernelLowering.h, emulateThreadsOnHost), compiled into a kernels .so
/// with the CPU launch ABI (CpuKernelCompiler.h; workgroup id = block id).
/// tools/gpu's stand-in libcuda runs it in place of the PTX, so ptx_check
/// compares the GPU lowering (fusion, distribution, barriers, tiling, shared
/// temporaries, sin/cos) with the CPU kernels here; only NVVM and the NVPTX
/// backend are left to the device check.
LogicalResult compileCudaKernelsForHostEmulation(ModuleOp kernels, StringRef soPath,
                                                const CudaCompileOptions &options = {});

/// Writes the kernel table beside the PTX (loomc --ptx: DIR/kernels_cuda.json):
///   {"version": 1, "ptx": "kernels.ptx", "chip": "sm_90",
///    "kernels": [{"name", "strategy", "grid": [x,y,z], "block": [x,y,z],
///                 "tile_rows", "shared_bytes", "num_buffers", "num_inputs",
///                 "buffers": [{"dtype", "shape", "bytes"}...]}...]}
/// An error at `loc` when the file cannot be written.
LogicalResult writeCudaKernelTable(StringRef jsonPath, StringRef ptxFileName,
                                   ArrayRef<CudaKernelInfo> infos, Location loc,
                                   StringRef chip = "sm_90");

} // namespace mlir::loom::codegen

#endif // LOOM_CODEGEN_CUDA_CUDAKERNELCOMPILER_H
