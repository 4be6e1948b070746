#include "runtime/data/corpus_path.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "runtime/io/read_file.h"

namespace loom::rt {
namespace {

namespace fs = std::filesystem;

// The non-hidden regular files under `root`, by relative path in byte order.
Result<std::vector<std::string>> ListFiles(const std::string& root) {
  std::vector<std::pair<std::string, std::string>> found;  // (relative, full)
  std::error_code error;
  fs::recursive_directory_iterator it(root, fs::directory_options::follow_directory_symlink,
                                      error);
  for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory(error)) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(error)) continue;  // folders are descended, the rest skipped
    found.emplace_back(it->path().lexically_relative(root).generic_string(), it->path().string());
  }
  if (error) {
    return MakeStatus(StatusCode::kIoError, root, ": cannot list the folder: ", error.message());
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> files;
  for (auto& [relative, full] : found) files.push_back(std::move(full));
  return files;
}

}  // namespace

Result<std::string> ReadCorpusBytes(const std::string& path, std::vector<std::string>* files) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (!fs::exists(status)) {
    return MakeStatus(StatusCode::kNotFound, path, ": no such file or folder (--data)");
  }
  std::vector<std::string> paths;
  if (fs::is_directory(status)) {
    LOOM_ASSIGN_OR_RETURN(paths, ListFiles(path));
  } else if (fs::is_regular_file(status)) {
    paths.push_back(path);
  } else {
    return MakeStatus(StatusCode::kInvalidArgument, path, ": not a regular file or a folder");
  }
  std::string bytes;
  for (const std::string& file : paths) {
    LOOM_ASSIGN_OR_RETURN(std::string contents, ReadFileToString(file));
    if (contents.empty()) continue;
    if (!bytes.empty()) bytes += kCorpusFileSeparator;
    bytes += contents;
  }
  if (bytes.empty()) {
    return MakeStatus(StatusCode::kInvalidArgument, path,
                      paths.empty() ? ": the folder holds no files (hidden ones are skipped)"
                      : paths.size() == 1 && paths[0] == path ? ": the file is empty"
                                                              : ": every file in the folder is empty");
  }
  if (files != nullptr) *files = std::move(paths);
  return bytes;
}

Result<ByteCorpus> LoadByteCorpusPath(const std::string& path, std::vector<std::string>* files) {
  LOOM_ASSIGN_OR_RETURN(std::string bytes, ReadCorpusBytes(path, files));
  return ByteCorpus::FromBytes(std::move(bytes), path);
}

}  // namespace loom::rt
