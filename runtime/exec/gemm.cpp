#include "runtime/exec/gemm.h"

#include <cblas.h>

#include <algorithm>
#include <mutex>

extern "C" void openblas_set_num_threads(int num_threads);

namespace loom::rt {

void RunGemmF32(const loom::bundle::LibraryCall& call, const float* a, const float* b, float* c,
                const float* bias, ThreadPool& pool) {
  static std::once_flag single_threaded;
  std::call_once(single_threaded, [] { openblas_set_num_threads(1); });
  const int64_t m = call.m(), n = call.n(), k = call.k();
  if (m == 0 || n == 0) return;
  const int64_t blocks = (m + kGemmRowBlock - 1) / kGemmRowBlock;
  pool.ParallelFor(blocks, [&](int64_t block) {
    const int64_t row = block * kGemmRowBlock;
    const int64_t rows = std::min(kGemmRowBlock, m - row);
    // Rows [row, row + rows) of op(A): row offsets in A's storage depend on the transpose.
    const float* a_rows = call.trans_a() ? a + row : a + row * call.lda();
    cblas_sgemm(CblasRowMajor, call.trans_a() ? CblasTrans : CblasNoTrans,
                call.trans_b() ? CblasTrans : CblasNoTrans, static_cast<int>(rows),
                static_cast<int>(n), static_cast<int>(k), call.alpha(), a_rows,
                static_cast<int>(call.lda()), b, static_cast<int>(call.ldb()), call.beta(),
                c + row * call.ldc(), static_cast<int>(call.ldc()));
    // The bias epilogue, in the same block: each row's sum rounds once more, as cuBLASLt's
    // epilogue does (a bias added after the product, not folded into beta * C).
    if (call.bias()) {
      for (int64_t r = row; r < row + rows; ++r) {
        float* c_row = c + r * call.ldc();
        for (int64_t j = 0; j < n; ++j) c_row[j] += bias[j];
      }
    }
  });
}

}  // namespace loom::rt
