// --data PATH: one file, a folder of files (recursive, sorted, hidden entries skipped, one '\n'
// between files), and the errors that name the path.
#include "runtime/data/corpus_path.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace loom::rt {
namespace {

namespace fs = std::filesystem;

std::string FreshDir(const std::string& name) {
  const std::string dir = ::testing::TempDir() + "/corpus_path_" + std::to_string(::getpid()) +
                          "_" + name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void Write(const std::string& path, const std::string& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

TEST(CorpusPath, OneFileIsReadAsItIs) {
  const std::string dir = FreshDir("file");
  Write(dir + "/a.txt", "hello\nworld");
  std::vector<std::string> files;
  Result<std::string> bytes = ReadCorpusBytes(dir + "/a.txt", &files);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(*bytes, "hello\nworld");
  EXPECT_EQ(files, std::vector<std::string>{dir + "/a.txt"});
  Result<ByteCorpus> corpus = LoadByteCorpusPath(dir + "/a.txt");
  ASSERT_TRUE(corpus.ok());
  EXPECT_EQ(corpus->size(), 11u);
  EXPECT_EQ(corpus->name(), dir + "/a.txt");
}

TEST(CorpusPath, FolderFilesAreSortedJoinedAndHiddenOnesSkipped) {
  const std::string dir = FreshDir("folder");
  Write(dir + "/b.txt", "B");
  Write(dir + "/a/z.txt", "AZ\n");  // "a/z.txt" sorts before "b.txt"
  Write(dir + "/c.txt", "");        // empty: contributes nothing, not even a separator
  Write(dir + "/d.txt", "D");
  Write(dir + "/.hidden", "H");
  Write(dir + "/.git/objects/x", "G");
  std::vector<std::string> files;
  Result<std::string> bytes = ReadCorpusBytes(dir, &files);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(*bytes, std::string("AZ\n") + kCorpusFileSeparator + "B" + kCorpusFileSeparator + "D");
  ASSERT_EQ(files.size(), 4u);
  EXPECT_EQ(fs::path(files[0]).filename(), "z.txt");
  EXPECT_EQ(fs::path(files[3]).filename(), "d.txt");
}

TEST(CorpusPath, ErrorsNameThePath) {
  const std::string dir = FreshDir("errors");
  struct Case {
    std::string path, message;
    StatusCode code;
  };
  Write(dir + "/empty.txt", "");
  Write(dir + "/empties/a", "");
  Write(dir + "/empties/b", "");
  fs::create_directories(dir + "/nothing");
  Write(dir + "/only-hidden/.x", "x");
  const Case cases[] = {
      {dir + "/missing.txt", "missing.txt: no such file or folder", StatusCode::kNotFound},
      {dir + "/empty.txt", "empty.txt: the file is empty", StatusCode::kInvalidArgument},
      {dir + "/empties", "empties: every file in the folder is empty",
       StatusCode::kInvalidArgument},
      {dir + "/nothing", "nothing: the folder holds no files", StatusCode::kInvalidArgument},
      {dir + "/only-hidden", "only-hidden: the folder holds no files",
       StatusCode::kInvalidArgument},
      {"/dev/null", "/dev/null: not a regular file or a folder", StatusCode::kInvalidArgument},
  };
  for (const Case& c : cases) {
    Result<ByteCorpus> corpus = LoadByteCorpusPath(c.path);
    ASSERT_FALSE(corpus.ok()) << c.path;
    EXPECT_EQ(corpus.status().code(), c.code) << c.path;
    EXPECT_NE(corpus.status().message().find(c.message), std::string::npos)
        << corpus.status().message() << "\nexpected: " << c.message;
  }
}

}  // namespace
}  // namespace loom::rt
