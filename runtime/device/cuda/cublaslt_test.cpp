// The row-major GEMM of bundle.proto on cuBLASLt's column-major API (cublaslt.h): every
// transpose combination, padded leading dimensions, beta, the bias epilogue and operands at
// offsets that are not 256-byte aligned, against a double-precision row-major reference. The
// stand-in cuBLASLt (testing/mock_cublaslt.cpp) computes what cuBLASLt's documentation says its
// descriptors mean, so a wrong operand swap, transpose or leading dimension here gives a wrong
// product; the real library is exercised by tools/gpu/check.sh.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <vector>

#include "runtime/device/cuda/cublaslt.h"
#include "runtime/device/cuda/cuda_driver.h"

namespace loom::rt::cuda {
namespace {

struct Case {
  bool trans_a, trans_b, bias;
  int64_t m, n, k, pad;  // pad: extra columns in every leading dimension
  float alpha, beta;
};

TEST(CublasLt, RowMajorGemmOnTheColumnMajorApi) {
  setenv("LOOM_CUDA_DRIVER", LOOM_MOCK_LIBCUDA, 1);
  setenv("LOOM_CUBLASLT", LOOM_MOCK_CUBLASLT, 1);
  auto driver = CudaDriver::Open();
  ASSERT_TRUE(driver.ok()) << driver.status().message();
  auto lt = CublasLt::Open();
  ASSERT_TRUE(lt.ok()) << lt.status().message();
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> uniform(-1, 1);
  const Case cases[] = {
      {false, false, false, 5, 7, 3, 0, 1.0f, 0.0f}, {true, false, false, 5, 7, 3, 2, 1.0f, 0.0f},
      {false, true, false, 4, 6, 9, 1, 0.5f, 1.0f},  {true, true, true, 3, 8, 5, 3, 1.0f, 0.0f},
      {false, false, true, 6, 2, 4, 0, 2.0f, 0.5f},  {false, true, true, 1, 5, 7, 0, 1.0f, 1.0f},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::Message() << "trans_a " << c.trans_a << " trans_b " << c.trans_b
                                      << " bias " << c.bias << " m " << c.m << " n " << c.n
                                      << " k " << c.k << " pad " << c.pad);
    loom::bundle::LibraryCall call;
    call.set_routine(loom::bundle::LibraryCall::GEMM_F32);
    call.set_m(c.m);
    call.set_n(c.n);
    call.set_k(c.k);
    call.set_trans_a(c.trans_a);
    call.set_trans_b(c.trans_b);
    call.set_alpha(c.alpha);
    call.set_beta(c.beta);
    call.set_bias(c.bias);
    const int64_t a_rows = c.trans_a ? c.k : c.m, a_cols = c.trans_a ? c.m : c.k;
    const int64_t b_rows = c.trans_b ? c.n : c.k, b_cols = c.trans_b ? c.k : c.n;
    call.set_lda(a_cols + c.pad);
    call.set_ldb(b_cols + c.pad);
    call.set_ldc(c.n + c.pad);
    std::vector<float> a(a_rows * call.lda()), b(b_rows * call.ldb()), cm(c.m * call.ldc()),
        bias(c.n);
    for (auto* v : {&a, &b, &cm, &bias})
      for (float& x : *v) x = uniform(rng);
    // One allocation, operands at 4-byte offsets (a GEMM over one batch of a tensor).
    const size_t bytes = 4 * (a.size() + b.size() + cm.size() + bias.size() + 4);
    auto base = (*driver)->Alloc(bytes, "gemm");
    ASSERT_TRUE(base.ok());
    const CUdeviceptr pa = *base + 4, pb = pa + 4 * a.size(), pc = pb + 4 * b.size(),
                      pbias = pc + 4 * cm.size();
    ASSERT_TRUE((*driver)->CopyToDevice(pa, a.data(), 4 * a.size(), "a").ok());
    ASSERT_TRUE((*driver)->CopyToDevice(pb, b.data(), 4 * b.size(), "b").ok());
    ASSERT_TRUE((*driver)->CopyToDevice(pc, cm.data(), 4 * cm.size(), "c").ok());
    ASSERT_TRUE((*driver)->CopyToDevice(pbias, bias.data(), 4 * bias.size(), "bias").ok());
    auto plan = (*lt)->Plan(call, 0, pa, pb, pc, c.bias ? pbias : 0, "test");
    ASSERT_TRUE(plan.ok()) << plan.status().message();
    ASSERT_TRUE((*lt)->Run(**plan, pa, pb, pc, 0, 0, nullptr).ok());
    std::vector<float> got(cm.size());
    ASSERT_TRUE((*driver)->CopyToHost(got.data(), pc, 4 * got.size(), "c").ok());
    for (int64_t i = 0; i < c.m; ++i) {
      for (int64_t j = 0; j < c.n; ++j) {
        double sum = 0;
        for (int64_t p = 0; p < c.k; ++p) {
          const double av = c.trans_a ? a[p * call.lda() + i] : a[i * call.lda() + p];
          const double bv = c.trans_b ? b[j * call.ldb() + p] : b[p * call.ldb() + j];
          sum += av * bv;
        }
        double want = c.alpha * sum + c.beta * cm[i * call.ldc() + j] + (c.bias ? bias[j] : 0.0);
        EXPECT_NEAR(got[i * call.ldc() + j], want, 1e-5) << "C[" << i << "][" << j << "]";
      }
      // Padding columns are never written.
      for (int64_t j = c.n; j < call.ldc(); ++j) EXPECT_EQ(got[i * call.ldc() + j], cm[i * call.ldc() + j]);
    }
    (*driver)->Free(*base);
  }
}

TEST(CublasLt, KZeroIsRefusedClearly) {
  setenv("LOOM_CUBLASLT", LOOM_MOCK_CUBLASLT, 1);
  auto lt = CublasLt::Open();
  ASSERT_TRUE(lt.ok());
  loom::bundle::LibraryCall call;
  call.set_m(2);
  call.set_n(2);
  call.set_k(0);
  call.set_lda(1);
  call.set_ldb(2);
  call.set_ldc(2);
  auto plan = (*lt)->Plan(call, 0, 0, 0, 0, 0, "forward plan[4]");
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("forward plan[4]: a GEMM with k = 0"), std::string::npos);
}

TEST(CublasLt, MissingLibraryNamesItself) {
  setenv("LOOM_CUBLASLT", "/nonexistent/libcublasLt.so.13", 1);
  auto lt = CublasLt::Open();
  setenv("LOOM_CUBLASLT", LOOM_MOCK_CUBLASLT, 1);
  ASSERT_FALSE(lt.ok());
  EXPECT_EQ(lt.status().code(), StatusCode::kNotFound);
  EXPECT_NE(lt.status().message().find("libcublasLt.so.13"), std::string::npos);
}

}  // namespace
}  // namespace loom::rt::cuda
