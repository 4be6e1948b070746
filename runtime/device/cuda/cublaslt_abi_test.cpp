// Every value cublaslt_abi.h writes out equals the CUDA toolkit header's (built only where
// the toolkit's cublasLt.h is installed; the runtime itself never includes it).
#include <cublasLt.h>

#include <cstddef>

#include "runtime/device/cuda/cublaslt_abi.h"

namespace abi = loom::rt::cuda::cublaslt_abi;

static_assert(abi::kStatusSuccess == CUBLAS_STATUS_SUCCESS);
static_assert(abi::kStatusNotSupported == CUBLAS_STATUS_NOT_SUPPORTED);
static_assert(abi::kCompute32F == CUBLAS_COMPUTE_32F);
static_assert(abi::kR32F == CUDA_R_32F);
static_assert(abi::kOpN == CUBLAS_OP_N && abi::kOpT == CUBLAS_OP_T);
static_assert(abi::kDescTransA == CUBLASLT_MATMUL_DESC_TRANSA);
static_assert(abi::kDescTransB == CUBLASLT_MATMUL_DESC_TRANSB);
static_assert(abi::kDescEpilogue == CUBLASLT_MATMUL_DESC_EPILOGUE);
static_assert(abi::kDescBiasPointer == CUBLASLT_MATMUL_DESC_BIAS_POINTER);
static_assert(abi::kDescBiasDataType == CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE);
static_assert(abi::kEpilogueDefault == CUBLASLT_EPILOGUE_DEFAULT);
static_assert(abi::kEpilogueBias == CUBLASLT_EPILOGUE_BIAS);
static_assert(abi::kPrefMaxWorkspaceBytes == CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES);
static_assert(abi::kPrefMinAlignmentA == CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES);
static_assert(abi::kPrefMinAlignmentB == CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES);
static_assert(abi::kPrefMinAlignmentC == CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES);
static_assert(abi::kPrefMinAlignmentD == CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES);
static_assert(sizeof(abi::HeuristicResult) == sizeof(cublasLtMatmulHeuristicResult_t));
static_assert(offsetof(abi::HeuristicResult, workspace_size) ==
              offsetof(cublasLtMatmulHeuristicResult_t, workspaceSize));
static_assert(offsetof(abi::HeuristicResult, state) == offsetof(cublasLtMatmulHeuristicResult_t, state));

int main() { return 0; }
