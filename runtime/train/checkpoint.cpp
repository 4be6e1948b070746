#include "runtime/train/checkpoint.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <system_error>

#include "runtime/bundle/sha256.h"
#include "runtime/io/byte_sink.h"
#include "runtime/io/read_file.h"

namespace loom::rt {
namespace {

namespace fs = std::filesystem;

constexpr char kStepPrefix[] = "step-";

Status IoError(const std::string& path, const std::string& what, int err) {
  return MakeStatus(StatusCode::kIoError, path, ": ", what, ": ", std::strerror(err));
}

// Writes `bytes` to `path` through a FileSink: fsync'ed and renamed into place.
Status WriteFileSynced(const std::string& path, const std::string& bytes) {
  LOOM_ASSIGN_OR_RETURN(std::unique_ptr<FileSink> sink, FileSink::Create(path));
  LOOM_RETURN_IF_ERROR(sink->Write(bytes));
  return sink->Commit();
}

// fsync of a folder: makes the names created or renamed in it durable.
Status SyncFolder(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError(path, "cannot open the folder to fsync it", errno);
  int result = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (result != 0) return IoError(path, "fsync failed", err);
  return OkStatus();
}

// The step of a folder named step-<digits>, or nullopt.
std::optional<int64_t> StepOfName(const std::string& name) {
  const size_t prefix = sizeof(kStepPrefix) - 1;
  if (name.size() <= prefix || name.compare(0, prefix, kStepPrefix) != 0 || name.size() > prefix + 18)
    return std::nullopt;
  int64_t step = 0;
  for (size_t i = prefix; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9') return std::nullopt;
    step = step * 10 + (name[i] - '0');
  }
  return step;
}

std::string CompleteMarker(int64_t step, const std::string& manifest_sha256) {
  return "loom checkpoint\nstep " + std::to_string(step) + "\nMANIFEST sha256 " +
         manifest_sha256 + "\n";
}

Status RemoveAll(const std::string& path) {
  std::error_code error;
  fs::remove_all(path, error);
  if (error) return MakeStatus(StatusCode::kIoError, path, ": cannot remove: ", error.message());
  return OkStatus();
}

}  // namespace

std::string CheckpointName(int64_t step) {
  char name[32];
  std::snprintf(name, sizeof(name), "%s%08lld", kStepPrefix, static_cast<long long>(step));
  return name;
}

Result<std::string> WriteCheckpoint(const std::string& root, int64_t step,
                                    const std::map<std::string, std::string>& files) {
  for (const char* required :
       {kCheckpointModelFile, kCheckpointOptimizerFile, kCheckpointStateFile}) {
    if (files.count(required) == 0) {
      return MakeStatus(StatusCode::kInternal, "a checkpoint needs ", required);
    }
  }
  std::error_code error;
  fs::create_directories(root, error);
  if (error) {
    return MakeStatus(StatusCode::kIoError, root, ": cannot create the checkpoint folder: ",
                      error.message());
  }
  const std::string name = CheckpointName(step);
  const std::string final_path = root + "/" + name;
  const std::string temp = root + "/." + name + ".tmp";
  LOOM_RETURN_IF_ERROR(RemoveAll(temp));
  if (!fs::create_directory(temp, error) || error) {
    return MakeStatus(StatusCode::kIoError, temp, ": cannot create: ", error.message());
  }
  std::string manifest;
  for (const auto& [file, bytes] : files) {  // std::map: sorted by name
    LOOM_RETURN_IF_ERROR(WriteFileSynced(temp + "/" + file, bytes));
    manifest += Sha256HexOfBytes(bytes) + "  " + file + "\n";
  }
  LOOM_RETURN_IF_ERROR(WriteFileSynced(temp + "/" + kCheckpointManifestFile, manifest));
  LOOM_RETURN_IF_ERROR(WriteFileSynced(temp + "/" + kCheckpointCompleteFile,
                                       CompleteMarker(step, Sha256HexOfBytes(manifest))));
  LOOM_RETURN_IF_ERROR(SyncFolder(temp));
  // A folder cannot be renamed over a non-empty one: move an older checkpoint of this step
  // (one that a resume from an earlier step is now rewriting) aside first.
  const std::string old = root + "/." + name + ".old";
  const bool replacing = fs::exists(final_path, error);
  if (replacing) {
    LOOM_RETURN_IF_ERROR(RemoveAll(old));
    if (std::rename(final_path.c_str(), old.c_str()) != 0) {
      return IoError(final_path, "cannot move the old checkpoint aside", errno);
    }
  }
  if (std::rename(temp.c_str(), final_path.c_str()) != 0) {
    return IoError(temp, "cannot rename to " + final_path, errno);
  }
  LOOM_RETURN_IF_ERROR(SyncFolder(root));
  if (replacing) LOOM_RETURN_IF_ERROR(RemoveAll(old));
  return final_path;
}

Status VerifyCheckpoint(const std::string& dir) {
  const std::optional<int64_t> step = StepOfName(fs::path(dir).filename().string());
  if (!step) return MakeStatus(StatusCode::kInvalidArgument, dir, ": not a step-N folder");
  Result<std::string> marker = ReadFileToString(dir + "/" + kCheckpointCompleteFile);
  if (!marker.ok()) {
    return MakeStatus(StatusCode::kInvalidFormat,
                      "no COMPLETE marker (the checkpoint was not finished)");
  }
  Result<std::string> manifest = ReadFileToString(dir + "/" + kCheckpointManifestFile);
  if (!manifest.ok()) return MakeStatus(StatusCode::kInvalidFormat, "MANIFEST is missing");
  if (*marker != CompleteMarker(*step, Sha256HexOfBytes(*manifest))) {
    return MakeStatus(StatusCode::kInvalidFormat,
                      "MANIFEST does not match the COMPLETE marker (corrupted)");
  }
  std::istringstream lines(*manifest);
  std::string line;
  std::vector<std::string> listed;
  while (std::getline(lines, line)) {
    // "<64 hex>  <file>": the marker's hash already vouches for the form of every line.
    if (line.size() < 67 || line.compare(64, 2, "  ") != 0) {
      return MakeStatus(StatusCode::kInvalidFormat, "MANIFEST: malformed line '", line, "'");
    }
    const std::string expected = line.substr(0, 64), file = line.substr(66);
    if (file.find('/') != std::string::npos || file == "." || file == "..") {
      return MakeStatus(StatusCode::kInvalidFormat, "MANIFEST: bad file name '", file, "'");
    }
    const std::string path = dir + "/" + file;
    Result<std::string> actual = Sha256HexOfFile(path);
    if (!actual.ok()) return MakeStatus(StatusCode::kInvalidFormat, file, " is missing or unreadable");
    if (*actual != expected) {
      std::error_code error;
      const uintmax_t size = fs::file_size(path, error);
      return MakeStatus(StatusCode::kInvalidFormat, file,
                        ": SHA-256 mismatch (the file is truncated or corrupted; ",
                        error ? 0 : size, " bytes on disk)");
    }
    listed.push_back(file);
  }
  for (const char* required :
       {kCheckpointModelFile, kCheckpointOptimizerFile, kCheckpointStateFile}) {
    if (std::find(listed.begin(), listed.end(), required) == listed.end()) {
      return MakeStatus(StatusCode::kInvalidFormat, "MANIFEST does not list ", required);
    }
  }
  return OkStatus();
}

Result<std::vector<CheckpointDir>> ListCheckpoints(const std::string& root) {
  std::vector<CheckpointDir> out;
  std::error_code error;
  if (!fs::exists(root, error)) return out;
  fs::directory_iterator it(root, error);
  for (; !error && it != fs::directory_iterator(); it.increment(error)) {
    std::optional<int64_t> step = StepOfName(it->path().filename().string());
    if (step && it->is_directory(error)) out.push_back({it->path().string(), *step});
  }
  if (error) {
    return MakeStatus(StatusCode::kIoError, root, ": cannot list the checkpoint folder: ",
                      error.message());
  }
  std::sort(out.begin(), out.end(),
            [](const CheckpointDir& a, const CheckpointDir& b) { return a.step > b.step; });
  return out;
}

Result<std::optional<CheckpointDir>> FindNewestCheckpoint(const std::string& root,
                                                          std::vector<SkippedCheckpoint>* skipped) {
  LOOM_ASSIGN_OR_RETURN(std::vector<CheckpointDir> all, ListCheckpoints(root));
  for (const CheckpointDir& checkpoint : all) {
    Status status = VerifyCheckpoint(checkpoint.path);
    if (status.ok()) return std::optional<CheckpointDir>(checkpoint);
    if (skipped != nullptr) skipped->push_back({checkpoint.path, status.message()});
  }
  return std::optional<CheckpointDir>();
}

Result<std::string> SetAsideDamagedCheckpoint(const std::string& dir) {
  const fs::path path(dir);
  const std::string aside = (path.parent_path() / ("damaged-" + path.filename().string())).string();
  LOOM_RETURN_IF_ERROR(RemoveAll(aside));
  if (std::rename(dir.c_str(), aside.c_str()) != 0) {
    return IoError(dir, "cannot rename to " + aside, errno);
  }
  return aside;
}

Status RetainNewestCheckpoints(const std::string& root, int keep,
                               std::vector<std::string>* removed) {
  if (keep <= 0) return OkStatus();
  LOOM_ASSIGN_OR_RETURN(std::vector<CheckpointDir> all, ListCheckpoints(root));
  for (size_t i = static_cast<size_t>(keep); i < all.size(); ++i) {
    LOOM_RETURN_IF_ERROR(RemoveAll(all[i].path));
    if (removed != nullptr) removed->push_back(all[i].path);
  }
  return OkStatus();
}

Status RemoveCheckpointTemporaries(const std::string& root) {
  std::error_code error;
  if (!fs::exists(root, error)) return OkStatus();
  std::vector<std::string> stale;
  fs::directory_iterator it(root, error);
  for (; !error && it != fs::directory_iterator(); it.increment(error)) {
    const std::string name = it->path().filename().string();
    const bool hidden_step = name.rfind(std::string(".") + kStepPrefix, 0) == 0;
    const bool temporary = name.size() > 4 && (name.compare(name.size() - 4, 4, ".tmp") == 0 ||
                                               name.compare(name.size() - 4, 4, ".old") == 0);
    if (hidden_step && temporary) stale.push_back(it->path().string());
  }
  if (error) return MakeStatus(StatusCode::kIoError, root, ": cannot list: ", error.message());
  for (const std::string& path : stale) LOOM_RETURN_IF_ERROR(RemoveAll(path));
  return OkStatus();
}

Result<CheckpointLock> CheckpointLock::Acquire(const std::string& root) {
  std::error_code error;
  fs::create_directories(root, error);
  if (error) {
    return MakeStatus(StatusCode::kIoError, root, ": cannot create the checkpoint folder: ",
                      error.message());
  }
  const std::string path = root + "/LOCK";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return IoError(path, "cannot open", errno);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return MakeStatus(StatusCode::kInvalidArgument, root,
                        ": another loom-run train is writing this checkpoint folder (", path,
                        " is locked)");
    }
    return IoError(path, "cannot lock", err);
  }
  return CheckpointLock(fd);
}

CheckpointLock& CheckpointLock::operator=(CheckpointLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

CheckpointLock::~CheckpointLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace loom::rt
