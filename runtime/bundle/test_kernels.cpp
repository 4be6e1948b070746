// Hand-written CPU kernels with the launch ABI of kernel_abi_version 1 (bundle.proto, Kernel):
// the kernel library of the test bundle, built as a shared object like a compiled bundle's.
// Each workgroup handles one row, so its work is fixed whatever thread runs it.
#include <cmath>
#include <cstdint>

extern "C" {

// out[r, j] = a[r, j] + bias[j]; buffers (a, bias, out), scalars (cols), grid [rows, 1, 1].
__attribute__((visibility("default"))) void loom_test_add_rows(const int64_t workgroup_id[3],
                                                               void* const* buffers,
                                                               const int64_t* scalars) {
  const int64_t cols = scalars[0];
  const int64_t row = workgroup_id[0];
  const float* a = static_cast<const float*>(buffers[0]) + row * cols;
  const float* bias = static_cast<const float*>(buffers[1]);
  float* out = static_cast<float*>(buffers[2]) + row * cols;
  for (int64_t j = 0; j < cols; ++j) out[j] = a[j] + bias[j];
}

// out[r, :] = softmax(in[r, :]) with the row max subtracted; buffers (in, out), scalars (cols),
// grid [rows, 1, 1].
__attribute__((visibility("default"))) void loom_test_softmax_rows(const int64_t workgroup_id[3],
                                                                   void* const* buffers,
                                                                   const int64_t* scalars) {
  const int64_t cols = scalars[0];
  const int64_t row = workgroup_id[0];
  const float* in = static_cast<const float*>(buffers[0]) + row * cols;
  float* out = static_cast<float*>(buffers[1]) + row * cols;
  float max = in[0];
  for (int64_t j = 1; j < cols; ++j) max = std::fmax(max, in[j]);
  float sum = 0;
  for (int64_t j = 0; j < cols; ++j) {
    out[j] = std::exp(in[j] - max);
    sum += out[j];
  }
  for (int64_t j = 0; j < cols; ++j) out[j] /= sum;
}

}  // extern "C"
