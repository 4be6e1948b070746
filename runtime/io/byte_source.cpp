#include "runtime/io/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace loom::rt {

Status ByteSource::ReadAt(uint64_t offset, void* dst, size_t n) const {
  if (offset > size() || n > size() - offset) {
    return MakeStatus(StatusCode::kInvalidFormat, name(), ": read of ", n, " bytes at offset ",
                      offset, " runs past the end of the data (", size(), " bytes)");
  }
  if (n == 0) return OkStatus();
  return ReadInRange(offset, dst, n);
}

Status MemorySource::ReadInRange(uint64_t offset, void* dst, size_t n) const {
  std::memcpy(dst, data_ + offset, n);
  return OkStatus();
}

Result<std::unique_ptr<FileSource>> FileSource::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    return MakeStatus(err == ENOENT ? StatusCode::kNotFound : StatusCode::kIoError, path,
                      ": cannot open: ", std::strerror(err));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return MakeStatus(StatusCode::kIoError, path, ": cannot stat: ", std::strerror(err));
  }
  // A directory or a pipe has no meaningful size to validate offsets against.
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return MakeStatus(StatusCode::kInvalidArgument, path, ": not a regular file");
  }
  return std::unique_ptr<FileSource>(new FileSource(path, fd, static_cast<uint64_t>(st.st_size)));
}

FileSource::~FileSource() { ::close(fd_); }

Status FileSource::ReadInRange(uint64_t offset, void* dst, size_t n) const {
  auto* out = static_cast<char*>(dst);
  while (n > 0) {
    ssize_t got = ::pread(fd_, out, n, static_cast<off_t>(offset));
    if (got < 0) {
      if (errno == EINTR) continue;
      return MakeStatus(StatusCode::kIoError, name(), ": read at offset ", offset,
                        " failed: ", std::strerror(errno));
    }
    if (got == 0) {  // the file shrank after Open
      return MakeStatus(StatusCode::kIoError, name(), ": unexpected end of file at offset ",
                        offset, " (the file changed while being read?)");
    }
    out += got;
    offset += static_cast<uint64_t>(got);
    n -= static_cast<size_t>(got);
  }
  return OkStatus();
}

}  // namespace loom::rt
