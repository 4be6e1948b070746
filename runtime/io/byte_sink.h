// ByteSink: sequential writes to a file or to memory, with errors that name the destination.
//
// Writers (npy, safetensors) emit through this interface, so one code path produces both the
// bytes of a file and an in-memory encoding. FileSink writes to a temporary file beside the
// destination and renames it into place on Commit(): a crash or an error mid-write never leaves
// a truncated file under the final name (checkpoints rely on this).
#ifndef LOOM_RUNTIME_IO_BYTE_SINK_H_
#define LOOM_RUNTIME_IO_BYTE_SINK_H_

#include <cstddef>
#include <memory>
#include <string>

#include "runtime/base/status.h"

namespace loom::rt {

class ByteSink {
 public:
  explicit ByteSink(std::string name) : name_(std::move(name)) {}
  virtual ~ByteSink() = default;
  ByteSink(const ByteSink&) = delete;
  ByteSink& operator=(const ByteSink&) = delete;

  const std::string& name() const { return name_; }
  virtual Status Write(const void* data, size_t n) = 0;
  Status Write(const std::string& bytes) { return Write(bytes.data(), bytes.size()); }

 private:
  std::string name_;
};

class StringSink final : public ByteSink {
 public:
  explicit StringSink(std::string name = "<memory>") : ByteSink(std::move(name)) {}
  using ByteSink::Write;
  Status Write(const void* data, size_t n) override;
  const std::string& bytes() const { return bytes_; }
  std::string Take() { return std::move(bytes_); }

 private:
  std::string bytes_;
};

class FileSink final : public ByteSink {
 public:
  // Creates `path`.tmp.<pid> for writing; `path` itself appears only on Commit().
  static Result<std::unique_ptr<FileSink>> Create(const std::string& path);
  // Removes the temporary file unless Commit() succeeded.
  ~FileSink() override;

  using ByteSink::Write;
  Status Write(const void* data, size_t n) override;
  // Flushes to disk (fsync) and renames the temporary file to `path`.
  Status Commit();

 private:
  FileSink(std::string path, std::string temp_path, int fd)
      : ByteSink(std::move(path)), temp_path_(std::move(temp_path)), fd_(fd) {}
  std::string temp_path_;
  int fd_;
  bool committed_ = false;
};

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_IO_BYTE_SINK_H_
