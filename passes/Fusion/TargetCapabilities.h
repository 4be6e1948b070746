//===- TargetCapabilities.h - what a target's kernels and libraries can do -===//
//
// The capability table the fusion policy reads (DESIGN.md §3: fusion is
// decided after the target is chosen). One row per target; every number
// says where it comes from.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_PASSES_FUSION_TARGETCAPABILITIES_H
#define LOOM_PASSES_FUSION_TARGETCAPABILITIES_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>

namespace mlir::loom {

struct TargetCapabilities {
  llvm::StringRef name;
  /// The GEMM library, for the reasons the policy gives.
  llvm::StringRef gemmLibrary;
  /// The library adds a bias row in the GEMM call (cuBLASLt's BIAS epilogue;
  /// OpenBLAS sgemm has only alpha and beta).
  bool gemmBiasEpilogue = false;
  /// Buffers one kernel launch may take (inputs + outputs).
  unsigned maxKernelBuffers = 0;
  /// Ops one fused kernel may hold (compile time and, on GPUs, registers).
  unsigned maxFusedOps = 0;
};

/// The row of `target` ("cpu" or "cuda"), or null.
const TargetCapabilities *capabilitiesFor(llvm::StringRef target);

} // namespace mlir::loom

#endif // LOOM_PASSES_FUSION_TARGETCAPABILITIES_H
