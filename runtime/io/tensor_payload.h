// Reading a tensor's bytes out of a file whose header a format reader has already validated.
//
// Shared by the npy and safetensors readers: both end by allocating the tensor, filling it from
// the source in one read, and checking that bool elements hold 0 or 1 (any other byte would
// make later kernels disagree across backends, so it is refused at the door).
#ifndef LOOM_RUNTIME_IO_TENSOR_PAYLOAD_H_
#define LOOM_RUNTIME_IO_TENSOR_PAYLOAD_H_

#include <cstdint>
#include <string_view>

#include "runtime/base/host_tensor.h"
#include "runtime/io/byte_source.h"

namespace loom::rt {

// `what` names the tensor in error messages ("tensor 'w'", "array").
Result<HostTensor> ReadTensorPayload(const ByteSource& source, uint64_t offset, DType dtype,
                                     Shape shape, std::string_view what);

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_IO_TENSOR_PAYLOAD_H_
