#include "runtime/device/cuda/cublaslt.h"

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "runtime/device/cuda/cublaslt_abi.h"

namespace loom::rt::cuda {

using namespace cublaslt_abi;  // NOLINT: the enum values of cublasLt.h

struct CublasLt::Api {
  int (*cublasLtCreate)(void**);
  int (*cublasLtDestroy)(void*);
  size_t (*cublasLtGetVersion)();
  int (*cublasLtMatmulDescCreate)(void**, int, int);
  int (*cublasLtMatmulDescDestroy)(void*);
  int (*cublasLtMatmulDescSetAttribute)(void*, int, const void*, size_t);
  int (*cublasLtMatrixLayoutCreate)(void**, int, uint64_t, uint64_t, int64_t);
  int (*cublasLtMatrixLayoutDestroy)(void*);
  int (*cublasLtMatmulPreferenceCreate)(void**);
  int (*cublasLtMatmulPreferenceDestroy)(void*);
  int (*cublasLtMatmulPreferenceSetAttribute)(void*, int, const void*, size_t);
  int (*cublasLtMatmulAlgoGetHeuristic)(void*, void*, void*, void*, void*, void*, void*, int,
                                        HeuristicResult*, int*);
  int (*cublasLtMatmul)(void*, void*, const void*, const void*, void*, const void*, void*,
                        const void*, const void*, void*, void*, void*, const void*, void*, size_t,
                        CUstream);
};

Result<std::unique_ptr<CublasLt>> CublasLt::Open() {
  std::vector<std::string> candidates;
  if (const char* path = std::getenv("LOOM_CUBLASLT"); path != nullptr && *path) {
    candidates.push_back(path);
  } else {
    candidates = {"libcublasLt.so.13", "libcublasLt.so.12"};
  }
  void* library = nullptr;
  std::string tried, why;
  for (const std::string& name : candidates) {
    library = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (library != nullptr) {
      tried = name;
      break;
    }
    const char* error = dlerror();
    why += std::string(why.empty() ? "" : "; ") + (error ? error : name + ": unknown error");
  }
  if (library == nullptr) {
    return MakeStatus(StatusCode::kNotFound,
                      "cuBLASLt not found: GEMMs on the GPU need libcublasLt.so.13 (or .so.12) "
                      "from the CUDA toolkit on the library path (dlopen: ",
                      why, ")");
  }
  std::unique_ptr<CublasLt> lt(new CublasLt());
  lt->handle_library_ = library;
  lt->library_ = tried;
  lt->api_ = std::make_unique<Api>();
  Api& api = *lt->api_;
  std::string missing;
  auto resolve = [&](auto& fn, const char* name) {
    if (void* symbol = dlsym(library, name)) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(symbol);
    } else {
      missing += std::string(missing.empty() ? "" : ", ") + name;
    }
  };
  resolve(api.cublasLtCreate, "cublasLtCreate");
  resolve(api.cublasLtDestroy, "cublasLtDestroy");
  resolve(api.cublasLtGetVersion, "cublasLtGetVersion");
  resolve(api.cublasLtMatmulDescCreate, "cublasLtMatmulDescCreate");
  resolve(api.cublasLtMatmulDescDestroy, "cublasLtMatmulDescDestroy");
  resolve(api.cublasLtMatmulDescSetAttribute, "cublasLtMatmulDescSetAttribute");
  resolve(api.cublasLtMatrixLayoutCreate, "cublasLtMatrixLayoutCreate");
  resolve(api.cublasLtMatrixLayoutDestroy, "cublasLtMatrixLayoutDestroy");
  resolve(api.cublasLtMatmulPreferenceCreate, "cublasLtMatmulPreferenceCreate");
  resolve(api.cublasLtMatmulPreferenceDestroy, "cublasLtMatmulPreferenceDestroy");
  resolve(api.cublasLtMatmulPreferenceSetAttribute, "cublasLtMatmulPreferenceSetAttribute");
  resolve(api.cublasLtMatmulAlgoGetHeuristic, "cublasLtMatmulAlgoGetHeuristic");
  resolve(api.cublasLtMatmul, "cublasLtMatmul");
  if (!missing.empty()) {
    return MakeStatus(StatusCode::kUnsupported, tried, " lacks ", missing);
  }
  lt->version_ = api.cublasLtGetVersion();
  if (Status created = lt->Check(api.cublasLtCreate(&lt->handle_), "cublasLtCreate");
      !created.ok()) {
    // Typically no GPU or driver: the library itself loaded.
    return Status(created.code(), tried + " (version " + std::to_string(lt->version_) +
                                      ") loads, but " + created.message() +
                                      " (it needs a GPU and the NVIDIA driver)");
  }
  return lt;
}

CublasLt::~CublasLt() {
  if (api_ && handle_ != nullptr) api_->cublasLtDestroy(handle_);
}

Status CublasLt::Check(int status, const std::string& call) const {
  if (status == kStatusSuccess) return OkStatus();
  return MakeStatus(StatusCode::kInternal, call, " failed: ", StatusName(status), " (", status,
                    ")");
}

GemmPlan::~GemmPlan() {
  if (api_ == nullptr) return;
  if (layout_a_ != nullptr) api_->cublasLtMatrixLayoutDestroy(layout_a_);
  if (layout_b_ != nullptr) api_->cublasLtMatrixLayoutDestroy(layout_b_);
  if (layout_c_ != nullptr) api_->cublasLtMatrixLayoutDestroy(layout_c_);
  if (desc_ != nullptr) api_->cublasLtMatmulDescDestroy(desc_);
}

Result<std::unique_ptr<GemmPlan>> CublasLt::Plan(const loom::bundle::LibraryCall& call,
                                                 size_t workspace_bytes, CUdeviceptr a,
                                                 CUdeviceptr b, CUdeviceptr c, CUdeviceptr bias,
                                                 const std::string& where) {
  std::unique_ptr<GemmPlan> plan(new GemmPlan());
  plan->api_ = api_.get();
  plan->alpha_ = call.alpha();
  plan->beta_ = call.beta();
  plan->where_ = where;
  const int64_t m = call.m(), n = call.n(), k = call.k();
  if (m == 0 || n == 0) {
    plan->empty_ = true;
    return plan;
  }
  if (k == 0) {
    return MakeStatus(StatusCode::kUnsupported, where,
                      ": a GEMM with k = 0 (C = beta C) is not run by cuBLASLt, and the CUDA "
                      "executor has no kernel for it");
  }
  const Api& api = *api_;
  auto check = [&](int status, const char* call_name) {
    return Check(status, std::string(call_name) + " (" + where + ")");
  };
  LOOM_RETURN_IF_ERROR(check(api.cublasLtMatmulDescCreate(&plan->desc_, kCompute32F, kR32F),
                             "cublasLtMatmulDescCreate"));
  // Swapped operands (the header's comment): cuBLASLt's A is our B, its B is our A.
  const int32_t op_a = call.trans_b() ? kOpT : kOpN;
  const int32_t op_b = call.trans_a() ? kOpT : kOpN;
  LOOM_RETURN_IF_ERROR(check(
      api.cublasLtMatmulDescSetAttribute(plan->desc_, kDescTransA, &op_a, sizeof(op_a)),
      "cublasLtMatmulDescSetAttribute(TRANSA)"));
  LOOM_RETURN_IF_ERROR(check(
      api.cublasLtMatmulDescSetAttribute(plan->desc_, kDescTransB, &op_b, sizeof(op_b)),
      "cublasLtMatmulDescSetAttribute(TRANSB)"));
  const uint32_t epilogue = call.bias() ? kEpilogueBias : kEpilogueDefault;
  LOOM_RETURN_IF_ERROR(check(
      api.cublasLtMatmulDescSetAttribute(plan->desc_, kDescEpilogue, &epilogue, sizeof(epilogue)),
      "cublasLtMatmulDescSetAttribute(EPILOGUE)"));
  if (call.bias()) {
    const int32_t bias_type = kR32F;
    LOOM_RETURN_IF_ERROR(check(api.cublasLtMatmulDescSetAttribute(plan->desc_, kDescBiasDataType,
                                                                  &bias_type, sizeof(bias_type)),
                               "cublasLtMatmulDescSetAttribute(BIAS_DATA_TYPE)"));
    void* bias_pointer = reinterpret_cast<void*>(bias);
    LOOM_RETURN_IF_ERROR(check(api.cublasLtMatmulDescSetAttribute(plan->desc_, kDescBiasPointer,
                                                                  &bias_pointer,
                                                                  sizeof(bias_pointer)),
                               "cublasLtMatmulDescSetAttribute(BIAS_POINTER)"));
  }
  // Column-major layouts of the same bytes: stored rows x cols (row-major) is cols x rows.
  // Our B is k x n (n x k stored when trans_b): as cuBLASLt's A it is stored-cols x stored-rows.
  const uint64_t b_rows = call.trans_b() ? k : n, b_cols = call.trans_b() ? n : k;
  const uint64_t a_rows = call.trans_a() ? m : k, a_cols = call.trans_a() ? k : m;
  LOOM_RETURN_IF_ERROR(check(
      api.cublasLtMatrixLayoutCreate(&plan->layout_a_, kR32F, b_rows, b_cols, call.ldb()),
      "cublasLtMatrixLayoutCreate(B)"));
  LOOM_RETURN_IF_ERROR(check(
      api.cublasLtMatrixLayoutCreate(&plan->layout_b_, kR32F, a_rows, a_cols, call.lda()),
      "cublasLtMatrixLayoutCreate(A)"));
  LOOM_RETURN_IF_ERROR(check(api.cublasLtMatrixLayoutCreate(&plan->layout_c_, kR32F, n, m, call.ldc()),
                             "cublasLtMatrixLayoutCreate(C)"));
  void* preference = nullptr;
  LOOM_RETURN_IF_ERROR(
      check(api.cublasLtMatmulPreferenceCreate(&preference), "cublasLtMatmulPreferenceCreate"));
  const uint64_t max_workspace = workspace_bytes;
  Status status = check(api.cublasLtMatmulPreferenceSetAttribute(
                            preference, kPrefMaxWorkspaceBytes, &max_workspace,
                            sizeof(max_workspace)),
                        "cublasLtMatmulPreferenceSetAttribute(MAX_WORKSPACE_BYTES)");
  // The largest power of two (<= 256) dividing each address; cuBLASLt's A is our B.
  auto alignment = [](CUdeviceptr p) {
    uint32_t align = 256;
    while (align > 4 && p % align != 0) align /= 2;
    return align;
  };
  const struct {
    int attribute;
    uint32_t bytes;
  } alignments[] = {{kPrefMinAlignmentA, alignment(b)},
                    {kPrefMinAlignmentB, alignment(a)},
                    {kPrefMinAlignmentC, alignment(c)},
                    {kPrefMinAlignmentD, alignment(c)}};
  for (const auto& [attribute, bytes] : alignments) {
    if (!status.ok()) break;
    status = check(api.cublasLtMatmulPreferenceSetAttribute(preference, attribute, &bytes,
                                                            sizeof(bytes)),
                   "cublasLtMatmulPreferenceSetAttribute(MIN_ALIGNMENT)");
  }
  HeuristicResult result{};
  int found = 0;
  int heuristic_status = kStatusSuccess;
  if (status.ok()) {
    heuristic_status = api.cublasLtMatmulAlgoGetHeuristic(handle_, plan->desc_, plan->layout_a_,
                                                          plan->layout_b_, plan->layout_c_,
                                                          plan->layout_c_, preference, 1, &result,
                                                          &found);
    status = check(heuristic_status, "cublasLtMatmulAlgoGetHeuristic");
  }
  api.cublasLtMatmulPreferenceDestroy(preference);
  // The heuristic answers CUBLAS_STATUS_NOT_SUPPORTED when it has nothing for this GEMM: the
  // same case as no result.
  const bool no_algorithm = status.ok() ? found < 1 || result.state != kStatusSuccess
                                        : heuristic_status == kStatusNotSupported;
  if (!status.ok() && !no_algorithm) return status;
  if (no_algorithm) {
    return MakeStatus(StatusCode::kUnsupported, where, ": cuBLASLt has no algorithm for this f32 "
                      "GEMM (m=", m, " n=", n, " k=", k, ", lda=", call.lda(), " ldb=", call.ldb(),
                      " ldc=", call.ldc(), call.bias() ? ", bias epilogue" : "", ")");
  }
  static_assert(sizeof(result.algo) == sizeof(plan->algo_), "cublasLtMatmulAlgo_t is 64 bytes");
  std::memcpy(plan->algo_, result.algo, sizeof(plan->algo_));
  plan->workspace_needed_ = result.workspace_size;
  return plan;
}

Status CublasLt::Run(const GemmPlan& plan, CUdeviceptr a, CUdeviceptr b, CUdeviceptr c,
                     CUdeviceptr workspace, size_t workspace_bytes, CUstream stream) {
  if (plan.empty_) return OkStatus();
  if (workspace_bytes < plan.workspace_needed_) {
    return MakeStatus(StatusCode::kInternal, plan.where_, ": the GEMM needs ",
                      plan.workspace_needed_, " bytes of workspace, ", workspace_bytes, " given");
  }
  auto ptr = [](CUdeviceptr p) { return reinterpret_cast<void*>(p); };
  return Check(api_->cublasLtMatmul(handle_, plan.desc_, &plan.alpha_, ptr(b), plan.layout_a_,
                                    ptr(a), plan.layout_b_, &plan.beta_, ptr(c), plan.layout_c_,
                                    ptr(c), plan.layout_c_, plan.algo_, ptr(workspace),
                                    workspace_bytes, stream),
               "cublasLtMatmul (" + plan.where_ + ")");
}

}  // namespace loom::rt::cuda
