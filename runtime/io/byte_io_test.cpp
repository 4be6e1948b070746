// ByteSource and ByteSink: bounds, error messages, and the atomic file write.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "runtime/io/byte_sink.h"
#include "runtime/io/byte_source.h"
#include "runtime/io/test_util.h"

namespace loom::rt {
namespace {

bool Exists(const std::string& path) { return std::ifstream(path).good(); }

TEST(MemorySourceTest, ReadsInsideAndRefusesPastTheEnd) {
  const char data[] = "abcdef";
  MemorySource source("buf", data, 6);
  EXPECT_EQ(source.size(), 6u);
  char out[4] = {};
  ASSERT_TRUE(source.ReadAt(2, out, 4).ok());
  EXPECT_EQ(std::string(out, 4), "cdef");
  EXPECT_TRUE(source.ReadAt(6, out, 0).ok());
  Status past = source.ReadAt(3, out, 4);
  EXPECT_EQ(past.code(), StatusCode::kInvalidFormat);
  EXPECT_EQ(past.message(),
            "buf: read of 4 bytes at offset 3 runs past the end of the data (6 bytes)");
  // Offsets near 2^64 must not wrap around the bounds check.
  EXPECT_FALSE(source.ReadAt(~uint64_t{0}, out, 2).ok());
  EXPECT_FALSE(source.ReadAt(7, out, 0).ok());
}

TEST(FileSourceTest, ReadsAFile) {
  std::string path = testing::TempPath("src");
  testing::WriteFileBytes(path, "0123456789");
  std::unique_ptr<FileSource> source = FileSource::Open(path).value();
  EXPECT_EQ(source->name(), path);
  EXPECT_EQ(source->size(), 10u);
  char out[3];
  ASSERT_TRUE(source->ReadAt(7, out, 3).ok());
  EXPECT_EQ(std::string(out, 3), "789");
  EXPECT_EQ(source->ReadAt(8, out, 3).code(), StatusCode::kInvalidFormat);
  std::remove(path.c_str());
}

TEST(FileSourceTest, OpenErrorsNameThePath) {
  Result<std::unique_ptr<FileSource>> missing = FileSource::Open("/nonexistent/x.npy");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message().rfind("/nonexistent/x.npy: cannot open", 0), 0u);
  EXPECT_EQ(FileSource::Open("/").status().code(), StatusCode::kInvalidArgument);
}

TEST(StringSinkTest, Appends) {
  StringSink sink;
  ASSERT_TRUE(sink.Write("ab", 2).ok());
  ASSERT_TRUE(sink.Write(std::string("cd")).ok());
  EXPECT_EQ(sink.bytes(), "abcd");
  EXPECT_EQ(sink.Take(), "abcd");
}

TEST(FileSinkTest, FileAppearsOnlyOnCommit) {
  std::string path = testing::TempPath("out");
  {
    std::unique_ptr<FileSink> sink = FileSink::Create(path).value();
    ASSERT_TRUE(sink->Write("hello", 5).ok());
    EXPECT_FALSE(Exists(path));
    ASSERT_TRUE(sink->Commit().ok());
    EXPECT_EQ(sink->Write("x", 1).code(), StatusCode::kInternal);
    EXPECT_EQ(sink->Commit().code(), StatusCode::kInternal);
  }
  EXPECT_EQ(testing::ReadFileBytes(path), "hello");
  std::remove(path.c_str());
}

TEST(FileSinkTest, AbandonedWriteLeavesNothingAndKeepsTheOldFile) {
  std::string path = testing::TempPath("keep");
  testing::WriteFileBytes(path, "old");
  {
    std::unique_ptr<FileSink> sink = FileSink::Create(path).value();
    ASSERT_TRUE(sink->Write("new", 3).ok());
  }  // destroyed without Commit()
  EXPECT_EQ(testing::ReadFileBytes(path), "old");
  EXPECT_FALSE(Exists(path + ".tmp." + std::to_string(::getpid())));
  std::remove(path.c_str());
}

TEST(FileSinkTest, CreateFailsInAMissingDirectory) {
  Result<std::unique_ptr<FileSink>> sink = FileSink::Create("/nonexistent/dir/f.npy");
  EXPECT_EQ(sink.status().code(), StatusCode::kIoError);
  EXPECT_EQ(sink.status().message().rfind("/nonexistent/dir/f.npy: cannot create", 0), 0u);
}

}  // namespace
}  // namespace loom::rt
