// HostTensor: a dense, C-order tensor in host memory (dtype, shape, bytes).
//
// The unit that file readers produce and writers consume. Storage is 64-byte aligned, so
// vectorized kernels and DMA can use it directly, and is left uninitialized on allocation: a
// reader fills it straight from the file, without a zeroing pass over gigabytes of weights.
// Move-only, so a large tensor is never copied by accident; Clone() copies on purpose.
#ifndef LOOM_RUNTIME_BASE_HOST_TENSOR_H_
#define LOOM_RUNTIME_BASE_HOST_TENSOR_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/base/dtype.h"
#include "runtime/base/status.h"

namespace loom::rt {

using Shape = std::vector<int64_t>;

// The byte size of a dense tensor, or std::nullopt when a dim is negative or the element count
// or byte size exceeds INT64_MAX (so every size fits both int64_t and size_t on 64-bit hosts).
std::optional<uint64_t> CheckedByteSize(DType dtype, const Shape& shape);

// "[2, 3]" — shapes in error messages.
std::string ShapeToString(const Shape& shape);

class HostTensor {
 public:
  static constexpr size_t kAlignment = 64;

  // An empty f32 tensor of shape [0]: what a moved-from or not-yet-assigned tensor holds.
  HostTensor() = default;
  // A moved-from tensor is the empty default tensor, never one with a size but no storage.
  HostTensor(HostTensor&& other) noexcept;
  HostTensor& operator=(HostTensor&& other) noexcept;
  HostTensor(const HostTensor&) = delete;
  HostTensor& operator=(const HostTensor&) = delete;

  // Uninitialized storage for `shape` of `dtype`. Fails on a negative dim, an overflowing
  // size, or an allocation failure.
  static Result<HostTensor> Allocate(DType dtype, Shape shape);

  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int64_t rank() const { return static_cast<int64_t>(shape_.size()); }
  uint64_t num_elements() const { return size_bytes_ / DTypeSize(dtype_); }
  size_t size_bytes() const { return size_bytes_; }
  std::byte* data() { return data_.get(); }
  const std::byte* data() const { return data_.get(); }
  template <typename T>
  T* data_as() { return reinterpret_cast<T*>(data_.get()); }
  template <typename T>
  const T* data_as() const { return reinterpret_cast<const T*>(data_.get()); }

  Result<HostTensor> Clone() const;

  // Same dtype, shape and bytes (bitwise, so NaN payloads compare too).
  bool operator==(const HostTensor& other) const;
  bool operator!=(const HostTensor& other) const { return !(*this == other); }

 private:
  struct AlignedFree {
    void operator()(std::byte* p) const;
  };

  DType dtype_ = DType::kF32;
  Shape shape_ = {0};
  size_t size_bytes_ = 0;
  std::unique_ptr<std::byte[], AlignedFree> data_;
};

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_BASE_HOST_TENSOR_H_
