//===- TargetCapabilities.cpp - the capability table -----------------------===//

#include "passes/Fusion/TargetCapabilities.h"

using namespace mlir::loom;

namespace {

// cpu: kernels are functions in kernels.so (any number of buffer arguments;
// 64 keeps the argument array small); GEMMs are OpenBLAS sgemm calls, whose
// only "epilogue" is C = alpha·AB + beta·C.
constexpr TargetCapabilities kCpu{"cpu", "OpenBLAS sgemm", /*gemmBiasEpilogue=*/false,
                                  /*maxKernelBuffers=*/64, /*maxFusedOps=*/64};

// cuda (sm_90): kernel parameters live in 4 KiB of constant bank (CUDA 12.1+
// allows 32 KiB; 4 KiB is the portable bound): 128 pointers with room to
// spare; 32 ops per kernel keeps register pressure of the generated code in
// check. cuBLASLt applies a bias row as an epilogue
// (CUBLASLT_EPILOGUE_BIAS).
constexpr TargetCapabilities kCuda{"cuda", "cuBLASLt", /*gemmBiasEpilogue=*/true,
                                   /*maxKernelBuffers=*/128, /*maxFusedOps=*/32};

} // namespace

const TargetCapabilities *mlir::loom::capabilitiesFor(llvm::StringRef target) {
  if (target == "cpu")
    return &kCpu;
  if (target == "cuda")
    return &kCuda;
  return nullptr;
}
