// LoadBundle on real directories: the test bundle loads; a changed, missing or garbled file is
// refused with a message naming the file.
#include "runtime/bundle/bundle.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "runtime/bundle/sha256.h"
#include "runtime/bundle/test_manifest.h"

namespace loom::rt {
namespace {

std::string WriteValid(const std::string& name) {
  std::string dir = testing::MakeTempDir(name);
  Status status = testing::WriteTestBundle(dir, testing::TestManifest(), LOOM_TEST_KERNELS_SO);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return dir;
}

TEST(Sha256Test, KnownVector) {
  EXPECT_EQ(Sha256HexOfBytes("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(LoadBundleTest, LoadsTheTestBundle) {
  std::string dir = WriteValid("valid");
  Result<Bundle> bundle = LoadBundle(dir);
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_EQ(bundle->kernel_library_path, dir + "/kernels.so");
  EXPECT_EQ(bundle->manifest.entry_points(0).name(), "forward");
}

TEST(LoadBundleTest, MissingDirectory) {
  Result<Bundle> bundle = LoadBundle("/nonexistent/bundle");
  ASSERT_FALSE(bundle.ok());
  EXPECT_EQ(bundle.status().code(), StatusCode::kNotFound);
  EXPECT_NE(bundle.status().message().find("/nonexistent/bundle/manifest.pb"), std::string::npos);
}

TEST(LoadBundleTest, GarbageManifest) {
  std::string dir = WriteValid("garbage");
  std::ofstream(dir + "/manifest.pb", std::ios::trunc) << "\xff\xff\xff garbage";
  Result<Bundle> bundle = LoadBundle(dir);
  ASSERT_FALSE(bundle.ok());
  EXPECT_NE(bundle.status().message().find("protobuf parse failed"), std::string::npos)
      << bundle.status().message();
}

TEST(LoadBundleTest, ChangedKernelLibrary) {
  std::string dir = WriteValid("changed");
  std::ofstream(dir + "/kernels.so", std::ios::app) << "x";
  Result<Bundle> bundle = LoadBundle(dir);
  ASSERT_FALSE(bundle.ok());
  EXPECT_NE(bundle.status().message().find("checksums[0] 'kernels.so': SHA-256 is"),
            std::string::npos)
      << bundle.status().message();
}

TEST(LoadBundleTest, MissingListedFile) {
  std::string dir = WriteValid("missing");
  std::filesystem::remove(dir + "/kernels.so");
  Result<Bundle> bundle = LoadBundle(dir);
  ASSERT_FALSE(bundle.ok());
  EXPECT_EQ(bundle.status().code(), StatusCode::kNotFound);
  EXPECT_NE(bundle.status().message().find("checksums[0]: " + dir + "/kernels.so"),
            std::string::npos)
      << bundle.status().message();
}

}  // namespace
}  // namespace loom::rt
