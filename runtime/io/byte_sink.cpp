#include "runtime/io/byte_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace loom::rt {

Status StringSink::Write(const void* data, size_t n) {
  bytes_.append(static_cast<const char*>(data), n);
  return OkStatus();
}

Result<std::unique_ptr<FileSink>> FileSink::Create(const std::string& path) {
  std::string temp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return MakeStatus(StatusCode::kIoError, path, ": cannot create ", temp, ": ",
                      std::strerror(errno));
  }
  return std::unique_ptr<FileSink>(new FileSink(path, std::move(temp), fd));
}

FileSink::~FileSink() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_path_.c_str());
}

Status FileSink::Write(const void* data, size_t n) {
  if (fd_ < 0) return MakeStatus(StatusCode::kInternal, name(), ": write after Commit()");
  auto* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t put = ::write(fd_, p, n);
    if (put < 0) {
      if (errno == EINTR) continue;
      return MakeStatus(StatusCode::kIoError, name(), ": write failed: ", std::strerror(errno));
    }
    p += put;
    n -= static_cast<size_t>(put);
  }
  return OkStatus();
}

Status FileSink::Commit() {
  if (fd_ < 0) return MakeStatus(StatusCode::kInternal, name(), ": Commit() called twice");
  int fd = fd_;
  fd_ = -1;
  // fsync before rename: otherwise a power loss can leave the new name on an empty file.
  if (::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    return MakeStatus(StatusCode::kIoError, name(), ": fsync failed: ", std::strerror(err));
  }
  if (::close(fd) != 0) {
    return MakeStatus(StatusCode::kIoError, name(), ": close failed: ", std::strerror(errno));
  }
  if (std::rename(temp_path_.c_str(), name().c_str()) != 0) {
    return MakeStatus(StatusCode::kIoError, name(), ": cannot rename ", temp_path_,
                      " into place: ", std::strerror(errno));
  }
  committed_ = true;
  return OkStatus();
}

}  // namespace loom::rt
