// The few cublasLt.h enum values and structs the runtime passes through dlopen'ed cuBLASLt
// (cublaslt.cpp), written out so that the runtime builds without the CUDA toolkit's headers.
// cublaslt_abi_test.cpp checks every one against the header where the toolkit is installed.
#ifndef LOOM_RUNTIME_DEVICE_CUDA_CUBLASLT_ABI_H_
#define LOOM_RUNTIME_DEVICE_CUDA_CUBLASLT_ABI_H_

#include <cstddef>
#include <cstdint>

namespace loom::rt::cuda::cublaslt_abi {

constexpr int kStatusSuccess = 0;      // CUBLAS_STATUS_SUCCESS
constexpr int kStatusNotSupported = 15; // CUBLAS_STATUS_NOT_SUPPORTED
constexpr int kCompute32F = 68;        // CUBLAS_COMPUTE_32F: f32 math, no TF32 rounding
constexpr int kR32F = 0;               // CUDA_R_32F
constexpr int32_t kOpN = 0;            // CUBLAS_OP_N
constexpr int32_t kOpT = 1;            // CUBLAS_OP_T
constexpr int kDescTransA = 3;         // CUBLASLT_MATMUL_DESC_TRANSA (int32)
constexpr int kDescTransB = 4;         // CUBLASLT_MATMUL_DESC_TRANSB (int32)
constexpr int kDescEpilogue = 7;       // CUBLASLT_MATMUL_DESC_EPILOGUE (uint32)
constexpr int kDescBiasPointer = 8;    // CUBLASLT_MATMUL_DESC_BIAS_POINTER (void*)
constexpr int kDescBiasDataType = 26;  // CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE (int32)
constexpr uint32_t kEpilogueDefault = 1;  // CUBLASLT_EPILOGUE_DEFAULT
constexpr uint32_t kEpilogueBias = 4;     // CUBLASLT_EPILOGUE_BIAS
constexpr int kPrefMaxWorkspaceBytes = 1;  // CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES (uint64)
// CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_{A,B,C,D}_BYTES (uint32; cuBLASLt assumes 256 otherwise)
constexpr int kPrefMinAlignmentA = 5;
constexpr int kPrefMinAlignmentB = 6;
constexpr int kPrefMinAlignmentC = 7;
constexpr int kPrefMinAlignmentD = 8;

// cublasLtMatmulHeuristicResult_t
struct HeuristicResult {
  uint64_t algo[8];  // cublasLtMatmulAlgo_t
  size_t workspace_size;
  int state;         // cublasStatus_t
  float waves_count;
  int reserved[4];
};

// The name of a cublasStatus_t, for error messages.
inline const char* StatusName(int status) {
  switch (status) {
    case 0: return "CUBLAS_STATUS_SUCCESS";
    case 1: return "CUBLAS_STATUS_NOT_INITIALIZED";
    case 3: return "CUBLAS_STATUS_ALLOC_FAILED";
    case 7: return "CUBLAS_STATUS_INVALID_VALUE";
    case 8: return "CUBLAS_STATUS_ARCH_MISMATCH";
    case 11: return "CUBLAS_STATUS_MAPPING_ERROR";
    case 13: return "CUBLAS_STATUS_EXECUTION_FAILED";
    case 14: return "CUBLAS_STATUS_INTERNAL_ERROR";
    case 15: return "CUBLAS_STATUS_NOT_SUPPORTED";
    case 16: return "CUBLAS_STATUS_LICENSE_ERROR";
    default: return "CUBLAS_STATUS_UNKNOWN";
  }
}

}  // namespace loom::rt::cuda::cublaslt_abi

#endif  // LOOM_RUNTIME_DEVICE_CUDA_CUBLASLT_ABI_H_
