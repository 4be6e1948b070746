// A stand-in for libcublasLt.so.13 with which the CUDA executor's GEMMs run on a machine
// without a GPU (loaded through LOOM_CUBLASLT). It implements cuBLASLt's documented column-major
// semantics from the descriptors it is given, naively and in double, so a wrong transpose,
// leading dimension, operand swap or bias epilogue in the runtime's row-major mapping
// (cublaslt.h) shows as a wrong result. Work goes through the stand-in driver's streams
// (loom_mock_cuda_enqueue), so it is captured into graphs like every other command.
#include <dlfcn.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "runtime/device/cuda/cublaslt_abi.h"

namespace {

using namespace loom::rt::cuda::cublaslt_abi;  // NOLINT

struct Desc {
  int32_t trans_a = kOpN, trans_b = kOpN;
  uint32_t epilogue = kEpilogueDefault;
  const float* bias = nullptr;
};
struct Layout {
  uint64_t rows = 0, cols = 0;
  int64_t ld = 0;
};
struct Matmul {
  Desc desc;
  Layout a, b, c;
  float alpha = 0, beta = 0;
  const float *pa = nullptr, *pb = nullptr;
  float* pd = nullptr;
};

void RunMatmul(void* context) {
  auto* m = static_cast<Matmul*>(context);
  // D (rows x cols of C) = alpha op(A) op(B) + beta C (+ bias over rows), column-major.
  const uint64_t rows = m->c.rows, cols = m->c.cols;
  const uint64_t inner = m->desc.trans_a == kOpN ? m->a.cols : m->a.rows;
  auto a_at = [&](uint64_t i, uint64_t p) {
    return m->desc.trans_a == kOpN ? m->pa[i + p * m->a.ld] : m->pa[p + i * m->a.ld];
  };
  auto b_at = [&](uint64_t p, uint64_t j) {
    return m->desc.trans_b == kOpN ? m->pb[p + j * m->b.ld] : m->pb[j + p * m->b.ld];
  };
  for (uint64_t j = 0; j < cols; ++j) {
    for (uint64_t i = 0; i < rows; ++i) {
      double sum = 0;
      for (uint64_t p = 0; p < inner; ++p) sum += static_cast<double>(a_at(i, p)) * b_at(p, j);
      float& d = m->pd[i + j * m->c.ld];
      float value = static_cast<float>(m->alpha * sum + (m->beta != 0 ? m->beta * d : 0.0));
      if (m->desc.epilogue == kEpilogueBias) value += m->desc.bias[i];
      d = value;
    }
  }
  delete m;
}

using Enqueue = int (*)(void*, void (*)(void*), void*);
Enqueue DriverEnqueue() {
  static Enqueue enqueue = [] {
    const char* driver = std::getenv("LOOM_CUDA_DRIVER");
    void* handle = driver ? dlopen(driver, RTLD_NOW | RTLD_NOLOAD) : nullptr;
    return handle ? reinterpret_cast<Enqueue>(dlsym(handle, "loom_mock_cuda_enqueue")) : nullptr;
  }();
  return enqueue;
}

}  // namespace

extern "C" {

int cublasLtCreate(void** handle) {
  static int token;
  *handle = &token;
  return kStatusSuccess;
}
int cublasLtDestroy(void*) { return kStatusSuccess; }
size_t cublasLtGetVersion() { return 130000; }

int cublasLtMatmulDescCreate(void** desc, int compute, int scale) {
  if (compute != kCompute32F || scale != kR32F) return 15;  // NOT_SUPPORTED
  *desc = new Desc;
  return kStatusSuccess;
}
int cublasLtMatmulDescDestroy(void* desc) {
  delete static_cast<Desc*>(desc);
  return kStatusSuccess;
}
int cublasLtMatmulDescSetAttribute(void* desc, int attribute, const void* buf, size_t size) {
  auto* d = static_cast<Desc*>(desc);
  switch (attribute) {
    case kDescTransA:
      if (size != 4) return 7;
      std::memcpy(&d->trans_a, buf, 4);
      return kStatusSuccess;
    case kDescTransB:
      if (size != 4) return 7;
      std::memcpy(&d->trans_b, buf, 4);
      return kStatusSuccess;
    case kDescEpilogue:
      if (size != 4) return 7;
      std::memcpy(&d->epilogue, buf, 4);
      return d->epilogue == kEpilogueDefault || d->epilogue == kEpilogueBias ? kStatusSuccess : 15;
    case kDescBiasPointer:
      if (size != sizeof(void*)) return 7;
      std::memcpy(&d->bias, buf, sizeof(void*));
      return kStatusSuccess;
    case kDescBiasDataType:
      return size == 4 && *static_cast<const int32_t*>(buf) == kR32F ? kStatusSuccess : 15;
    default:
      return 7;  // INVALID_VALUE
  }
}
int cublasLtMatrixLayoutCreate(void** layout, int type, uint64_t rows, uint64_t cols,
                               int64_t ld) {
  // cuBLASLt's rule: the leading dimension of a column-major layout is at least its rows.
  if (type != kR32F || ld < static_cast<int64_t>(rows) || ld < 1) return 7;
  *layout = new Layout{rows, cols, ld};
  return kStatusSuccess;
}
int cublasLtMatrixLayoutDestroy(void* layout) {
  delete static_cast<Layout*>(layout);
  return kStatusSuccess;
}
int cublasLtMatmulPreferenceCreate(void** preference) {
  static int token;
  *preference = &token;
  return kStatusSuccess;
}
int cublasLtMatmulPreferenceDestroy(void*) { return kStatusSuccess; }
int cublasLtMatmulPreferenceSetAttribute(void*, int attribute, const void*, size_t) {
  return attribute == kPrefMaxWorkspaceBytes || (attribute >= kPrefMinAlignmentA &&
                                                 attribute <= kPrefMinAlignmentD)
             ? kStatusSuccess
             : 7;
}
int cublasLtMatmulAlgoGetHeuristic(void*, void* desc, void* a, void* b, void* c, void* d, void*,
                                   int requested, HeuristicResult* results, int* found) {
  auto* la = static_cast<Layout*>(a);
  auto* lb = static_cast<Layout*>(b);
  auto* lc = static_cast<Layout*>(c);
  auto* dd = static_cast<Desc*>(desc);
  // The shapes must chain: op(A) is rows(C) x K, op(B) is K x cols(C); D is C.
  const uint64_t a_rows = dd->trans_a == kOpN ? la->rows : la->cols;
  const uint64_t a_inner = dd->trans_a == kOpN ? la->cols : la->rows;
  const uint64_t b_inner = dd->trans_b == kOpN ? lb->rows : lb->cols;
  const uint64_t b_cols = dd->trans_b == kOpN ? lb->cols : lb->rows;
  if (requested < 1 || c != d || a_rows != lc->rows || b_cols != lc->cols || a_inner != b_inner) {
    return 7;
  }
  std::memset(&results[0], 0, sizeof(HeuristicResult));
  results[0].state = kStatusSuccess;
  *found = 1;
  return kStatusSuccess;
}
int cublasLtMatmul(void*, void* desc, const void* alpha, const void* a, void* la, const void* b,
                   void* lb, const void* beta, const void* c, void* lc, void* d, void* ld,
                   const void*, void*, size_t, void* stream) {
  if (c != d || lc != ld) return 15;
  auto* m = new Matmul;
  m->desc = *static_cast<Desc*>(desc);
  if (m->desc.epilogue == kEpilogueBias && m->desc.bias == nullptr) {
    delete m;
    return 7;
  }
  m->a = *static_cast<Layout*>(la);
  m->b = *static_cast<Layout*>(lb);
  m->c = *static_cast<Layout*>(lc);
  m->alpha = *static_cast<const float*>(alpha);
  m->beta = *static_cast<const float*>(beta);
  m->pa = static_cast<const float*>(a);
  m->pb = static_cast<const float*>(b);
  m->pd = static_cast<float*>(d);
  if (Enqueue enqueue = DriverEnqueue()) {
    // A captured GEMM is replayed many times: each replay runs its own copy, and the call's
    // record lives as long as the library (graphs may replay it until then).
    static std::vector<std::unique_ptr<Matmul>> records;
    records.emplace_back(m);
    auto replay = [](void* context) { RunMatmul(new Matmul(*static_cast<Matmul*>(context))); };
    return enqueue(stream, replay, m) == 0 ? kStatusSuccess : 13;  // EXECUTION_FAILED
  }
  RunMatmul(m);
  return kStatusSuccess;
}

}  // extern "C"
