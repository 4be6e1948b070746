#include "runtime/io/tensor_payload.h"

#include <utility>

namespace loom::rt {

Result<HostTensor> ReadTensorPayload(const ByteSource& source, uint64_t offset, DType dtype,
                                     Shape shape, std::string_view what) {
  Result<HostTensor> allocated = HostTensor::Allocate(dtype, std::move(shape));
  if (!allocated.ok()) {
    return Status(allocated.status().code(),
                  source.name() + ": " + std::string(what) + ": " + allocated.status().message());
  }
  HostTensor tensor = std::move(allocated).value();
  LOOM_RETURN_IF_ERROR(source.ReadAt(offset, tensor.data(), tensor.size_bytes()));
  if (dtype == DType::kI1) {
    const auto* bytes = tensor.data_as<uint8_t>();
    for (size_t i = 0; i < tensor.size_bytes(); ++i) {
      if (bytes[i] > 1) {
        return MakeStatus(StatusCode::kInvalidFormat, source.name(), ": ", what,
                          ": bool element ", i, " (file offset ", offset + i, ") holds ",
                          static_cast<int>(bytes[i]), "; a bool must be 0 or 1");
      }
    }
  }
  return tensor;
}

}  // namespace loom::rt
