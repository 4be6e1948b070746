//===- PtxasCheck.h - ptxas -v on a PTX module, per kernel -----------------===//
//
// DESIGN.md §8: PTX is ptxas-checked on any machine. runPtxas assembles a PTX
// file for an architecture with `ptxas -arch=<arch> -v` and reads, for every
// entry, what ptxas reports:
//
//   ptxas info    : Compiling entry function 'k0' for 'sm_90'
//   ptxas info    : Function properties for k0
//       0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
//   ptxas info    : Used 16 registers, used 1 barriers, 1024 bytes smem, 368 bytes cmem[0]
//
// "Local memory" is the stack frame (older ptxas also printed "N bytes lmem"
// on the Used line; the larger of the two is kept). Only LLVM Support is
// used: no MLIR, no CUDA library.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_CODEGEN_CUDA_PTXASCHECK_H
#define LOOM_CODEGEN_CUDA_PTXASCHECK_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::loom::codegen {

struct PtxasKernelStats {
  std::string name;
  int64_t registers = -1; // -1: no "Used N registers" line
  int64_t spillStoreBytes = 0;
  int64_t spillLoadBytes = 0;
  int64_t localBytes = 0; // stack frame (local memory), or lmem
  int64_t sharedBytes = 0;
  int64_t barriers = 0;
};

struct PtxasReport {
  bool accepted = false; // ptxas exited with 0
  std::string log;       // everything it printed
  std::vector<PtxasKernelStats> kernels; // in the order ptxas compiled them
  /// The stats of `name`, or nullptr.
  const PtxasKernelStats *find(llvm::StringRef name) const;
};

/// ptxas to use: $LOOM_PTXAS, else <toolkit>/bin/ptxas for $CUDA_HOME and the
/// configure-time toolkit, else the one on $PATH; "" when there is none.
std::string findPtxas();

/// Reads the per-entry figures out of `ptxas -v` output.
std::vector<PtxasKernelStats> parsePtxasVerbose(llvm::StringRef log);

/// Runs `ptxas -arch=<arch> -v <ptxPath> -o <cubin>`, the cubin a temporary
/// file unless `cubinPath` names where to keep it (a cuda bundle's
/// kernels.cubin). An llvm::Error only when ptxas could not be run at all; a
/// PTX file ptxas refuses gives a report with accepted = false and its log.
llvm::Expected<PtxasReport> runPtxas(llvm::StringRef ptxas, llvm::StringRef ptxPath,
                                     llvm::StringRef arch = "sm_90",
                                     llvm::StringRef cubinPath = "");

} // namespace mlir::loom::codegen

#endif // LOOM_CODEGEN_CUDA_PTXASCHECK_H
