// NCCL through dlopen: a clear error when it is absent; its version where it is installed
// (the CUDA toolkit of these machines ships libnccl.so.2 under /usr/local/cuda/lib64).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "runtime/device/cuda/nccl_library.h"

namespace loom::rt::cuda {
namespace {

TEST(NcclLibrary, AbsentIsAClearError) {
  setenv("LOOM_NCCL", "/nonexistent/libnccl.so.2", 1);
  auto nccl = NcclLibrary::Open();
  unsetenv("LOOM_NCCL");
  ASSERT_FALSE(nccl.ok());
  EXPECT_EQ(nccl.status().code(), StatusCode::kNotFound);
  EXPECT_NE(nccl.status().message().find("collectives between GPUs need NCCL"), std::string::npos);
}

TEST(NcclLibrary, NotNcclIsRefused) {
  setenv("LOOM_NCCL", LOOM_MOCK_CUBLASLT, 1);  // a shared object without ncclGetVersion
  auto nccl = NcclLibrary::Open();
  unsetenv("LOOM_NCCL");
  ASSERT_FALSE(nccl.ok());
  EXPECT_NE(nccl.status().message().find("lacks ncclGetVersion"), std::string::npos);
}

TEST(NcclLibrary, TheToolkitsNcclReportsItsVersion) {
  const char* path = "/usr/local/cuda/lib64/libnccl.so.2";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is not installed here";
  setenv("LOOM_NCCL", path, 1);
  auto nccl = NcclLibrary::Open();
  unsetenv("LOOM_NCCL");
  ASSERT_TRUE(nccl.ok()) << nccl.status().message();
  EXPECT_EQ(nccl.value()->version().rfind("2.", 0), 0u) << nccl.value()->version();
}

}  // namespace
}  // namespace loom::rt::cuda
