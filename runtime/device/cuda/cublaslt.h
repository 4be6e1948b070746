// CublasLt: the runtime's f32 GEMM on the GPU (bundle.proto, LibraryCall GEMM_F32, bias
// epilogue included), through cuBLASLt resolved with dlopen (libcublasLt.so.13, then .so.12;
// DESIGN.md §3). Declarations are this file's own, from cublasLt.h's documented C API; the
// enum values are checked against the toolkit's header where one is installed
// (cublaslt_abi_test.cpp).
//
// Row-major to column-major: cuBLASLt is column-major, and a row-major m x n matrix is the
// column-major n x m matrix of the same bytes. So C = op(A) op(B) (row-major) is computed as
// C^T = op(B)^T op(A)^T (column-major) with the operands swapped and their transposes kept:
// cuBLASLt's "A" is our B and its "B" is our A. Its BIAS epilogue adds a vector over the rows
// of its D, which are our columns: exactly our bias row of n floats added to every row of C.
#ifndef LOOM_RUNTIME_DEVICE_CUDA_CUBLASLT_H_
#define LOOM_RUNTIME_DEVICE_CUDA_CUBLASLT_H_

#include <cstdint>
#include <memory>
#include <string>

#include "runtime/base/status.h"
#include "runtime/device/cuda/cuda_driver.h"
#include "runtime/schemas/bundle.pb.h"

namespace loom::rt::cuda {

// One planned GEMM: descriptors and the algorithm chosen once (at load), so that running it
// is a single enqueue, capturable in a CUDA graph.
class GemmPlan;

class CublasLt {
 public:
  // dlopens cuBLASLt (LOOM_CUBLASLT names another library, which tests use for a stand-in) and
  // creates a handle. kNotFound naming the library when it is absent.
  static Result<std::unique_ptr<CublasLt>> Open();
  ~CublasLt();
  CublasLt(const CublasLt&) = delete;
  CublasLt& operator=(const CublasLt&) = delete;

  const std::string& library() const { return library_; }
  size_t version() const { return version_; }

  // Plans `call` (a validated GEMM_F32) for `workspace_bytes` of workspace, its operands at
  // device addresses `a`, `b`, `c` and `bias` (0 without one). The algorithm is chosen for
  // their alignment: cuBLASLt otherwise assumes 256-byte aligned operands, a GEMM over one batch
  // of a tensor starts anywhere 4-byte aligned, and the heuristic reads the alignment of the
  // bias pointer set on the descriptor, which is therefore set here, once. `where` names the
  // command in errors (e.g. "forward plan[3]").
  Result<std::unique_ptr<GemmPlan>> Plan(const loom::bundle::LibraryCall& call,
                                         size_t workspace_bytes, CUdeviceptr a, CUdeviceptr b,
                                         CUdeviceptr c, CUdeviceptr bias, const std::string& where);
  // Enqueues C = alpha op(A) op(B) + beta C (+ the planned bias) on `stream`.
  Status Run(const GemmPlan& plan, CUdeviceptr a, CUdeviceptr b, CUdeviceptr c,
             CUdeviceptr workspace, size_t workspace_bytes, CUstream stream);

 private:
  CublasLt() = default;
  Status Check(int status, const std::string& call) const;

  struct Api;
  std::unique_ptr<Api> api_;
  void* handle_library_ = nullptr;
  void* handle_ = nullptr;  // cublasLtHandle_t
  std::string library_;
  size_t version_ = 0;
  friend class GemmPlan;
};

class GemmPlan {
 public:
  ~GemmPlan();
  GemmPlan(const GemmPlan&) = delete;
  GemmPlan& operator=(const GemmPlan&) = delete;

 private:
  friend class CublasLt;
  GemmPlan() = default;
  const CublasLt::Api* api_ = nullptr;
  void* desc_ = nullptr;
  void* layout_a_ = nullptr;  // cuBLASLt's A: our B
  void* layout_b_ = nullptr;  // cuBLASLt's B: our A
  void* layout_c_ = nullptr;
  uint64_t algo_[8] = {};     // cublasLtMatmulAlgo_t
  size_t workspace_needed_ = 0;
  float alpha_ = 1, beta_ = 0;
  bool empty_ = false;        // m or n is 0: nothing to do
  std::string where_;
};

}  // namespace loom::rt::cuda

#endif  // LOOM_RUNTIME_DEVICE_CUDA_CUBLASLT_H_
