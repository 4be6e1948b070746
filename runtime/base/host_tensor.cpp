#include "runtime/base/host_tensor.h"

#include <cstring>
#include <limits>
#include <new>

namespace loom::rt {

std::optional<uint64_t> CheckedByteSize(DType dtype, const Shape& shape) {
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  uint64_t elements = 1;
  for (int64_t dim : shape) {
    if (dim < 0) return std::nullopt;
    uint64_t d = static_cast<uint64_t>(dim);
    // A zero dim makes the tensor empty whatever follows, but later dims must still be valid.
    if (d != 0 && elements > kMax / d) return std::nullopt;
    elements *= d;
  }
  uint64_t size = DTypeSize(dtype);
  if (elements > kMax / size) return std::nullopt;
  return elements * size;
}

std::string ShapeToString(const Shape& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) out += ", ";
    out += std::to_string(shape[i]);
  }
  return out + "]";
}

void HostTensor::AlignedFree::operator()(std::byte* p) const {
  ::operator delete[](p, std::align_val_t(kAlignment));
}

HostTensor::HostTensor(HostTensor&& other) noexcept { *this = std::move(other); }

HostTensor& HostTensor::operator=(HostTensor&& other) noexcept {
  if (this != &other) {
    dtype_ = other.dtype_;
    shape_ = std::move(other.shape_);
    size_bytes_ = other.size_bytes_;
    data_ = std::move(other.data_);
    other.dtype_ = DType::kF32;
    other.shape_ = {0};
    other.size_bytes_ = 0;
  }
  return *this;
}

Result<HostTensor> HostTensor::Allocate(DType dtype, Shape shape) {
  std::optional<uint64_t> bytes = CheckedByteSize(dtype, shape);
  if (!bytes) {
    return MakeStatus(StatusCode::kInvalidArgument, "tensor shape ", ShapeToString(shape), " of ",
                      DTypeName(dtype), " has a negative dim or a size past 2^63 bytes");
  }
  HostTensor t;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.size_bytes_ = static_cast<size_t>(*bytes);
  if (t.size_bytes_ > 0) {
    void* p = ::operator new[](t.size_bytes_, std::align_val_t(kAlignment), std::nothrow);
    if (!p) {
      return MakeStatus(StatusCode::kResourceExhausted, "cannot allocate ", t.size_bytes_,
                        " bytes for a tensor of shape ", ShapeToString(t.shape_));
    }
    t.data_.reset(static_cast<std::byte*>(p));
  }
  return t;
}

Result<HostTensor> HostTensor::Clone() const {
  LOOM_ASSIGN_OR_RETURN(HostTensor copy, Allocate(dtype_, shape_));
  if (size_bytes_ > 0) std::memcpy(copy.data(), data(), size_bytes_);
  return copy;
}

bool HostTensor::operator==(const HostTensor& other) const {
  return dtype_ == other.dtype_ && shape_ == other.shape_ &&
         size_bytes_ == other.size_bytes_ &&
         (size_bytes_ == 0 || std::memcmp(data(), other.data(), size_bytes_) == 0);
}

}  // namespace loom::rt
