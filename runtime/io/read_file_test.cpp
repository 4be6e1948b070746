#include "runtime/io/read_file.h"

#include <gtest/gtest.h>

#include "runtime/io/test_util.h"

namespace loom::rt {
namespace {

TEST(ReadFileToString, WholeFileAndErrors) {
  const std::string path = testing::TempPath("whole");
  const std::string bytes("a\0b\nc", 5);
  testing::WriteFileBytes(path, bytes);
  Result<std::string> read = ReadFileToString(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, bytes);

  testing::WriteFileBytes(path, "");
  EXPECT_EQ(ReadFileToString(path).value(), "");

  Result<std::string> missing = ReadFileToString(path + ".missing");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find(".missing: cannot open"), std::string::npos);
  EXPECT_EQ(ReadFileToString(::testing::TempDir()).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace loom::rt
