// ByteSource: random-access reads from a file or from memory, with errors that name the source.
//
// Readers (npy, safetensors) parse through this interface so that the same code reads a file
// with pread straight into tensor storage (one copy, no whole-file buffer) and reads bytes held
// in memory (tests, the robustness test's mutated inputs, data already in a buffer).
#ifndef LOOM_RUNTIME_IO_BYTE_SOURCE_H_
#define LOOM_RUNTIME_IO_BYTE_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "runtime/base/status.h"

namespace loom::rt {

class ByteSource {
 public:
  explicit ByteSource(std::string name) : name_(std::move(name)) {}
  virtual ~ByteSource() = default;
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  // The file path (or a caller-chosen label) that error messages start with.
  const std::string& name() const { return name_; }
  virtual uint64_t size() const = 0;
  // Reads exactly n bytes at `offset` into dst. A range past size() is kInvalidFormat (the
  // file is shorter than its header says); an OS failure is kIoError.
  Status ReadAt(uint64_t offset, void* dst, size_t n) const;

 protected:
  // Called with a range already checked to lie inside [0, size()).
  virtual Status ReadInRange(uint64_t offset, void* dst, size_t n) const = 0;

 private:
  std::string name_;
};

// Reads from caller-owned memory, which must outlive the source.
class MemorySource final : public ByteSource {
 public:
  MemorySource(std::string name, const void* data, size_t size)
      : ByteSource(std::move(name)), data_(static_cast<const std::byte*>(data)), size_(size) {}
  uint64_t size() const override { return size_; }

 private:
  Status ReadInRange(uint64_t offset, void* dst, size_t n) const override;
  const std::byte* data_;
  size_t size_;
};

// Reads a regular file with pread; the size is taken once, at Open.
class FileSource final : public ByteSource {
 public:
  static Result<std::unique_ptr<FileSource>> Open(const std::string& path);
  ~FileSource() override;
  uint64_t size() const override { return size_; }

 private:
  FileSource(std::string path, int fd, uint64_t size)
      : ByteSource(std::move(path)), fd_(fd), size_(size) {}
  Status ReadInRange(uint64_t offset, void* dst, size_t n) const override;
  int fd_;
  uint64_t size_;
};

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_IO_BYTE_SOURCE_H_
