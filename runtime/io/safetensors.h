// safetensors files (https://github.com/huggingface/safetensors): the weights of a bundle
// (DESIGN.md §5), checkpoints, and inputs/outputs of `loom-run run`.
//
// Layout: an 8-byte little-endian header size n (at most 100,000,000, as in the reference
// crate), n bytes of JSON header, then the data section. See safetensors_header.h for what the
// header must satisfy; any fault is an error naming the file and the tensor or offset.
//
// Reading is two-step so that a loader can read tensors straight into their final memory:
// ReadSafetensorsIndex validates the header against the file size, then tensors are read one
// by one (ReadSafetensorsTensor) or all at once (ReadSafetensors). Nothing is allocated for
// tensor data before the header has been validated against the file's size.
//
// Writing lays tensors out as the reference writer does (by dtype in the crate's order, then
// by name), so files are byte-identical to those of the `safetensors` Python package for the
// same tensors and at most one metadata entry (serde writes a larger map in hash order).
// An empty metadata map writes no `__metadata__` key.
#ifndef LOOM_RUNTIME_IO_SAFETENSORS_H_
#define LOOM_RUNTIME_IO_SAFETENSORS_H_

#include <cstdint>
#include <map>
#include <string>

#include "runtime/base/host_tensor.h"
#include "runtime/io/byte_sink.h"
#include "runtime/io/byte_source.h"
#include "runtime/io/safetensors_header.h"

namespace loom::rt {

inline constexpr uint64_t kSafetensorsMaxHeaderBytes = 100'000'000;

struct SafetensorsFile {
  std::map<std::string, std::string> metadata;
  std::map<std::string, HostTensor> tensors;
};

Result<SafetensorsIndex> ReadSafetensorsIndex(const ByteSource& source);
// kNotFound when `name` is not in the index.
Result<HostTensor> ReadSafetensorsTensor(const ByteSource& source, const SafetensorsIndex& index,
                                         const std::string& name);
Result<SafetensorsFile> ReadSafetensors(const ByteSource& source);
Result<SafetensorsFile> ReadSafetensorsFile(const std::string& path);

// Refuses a tensor named "__metadata__" (the key is reserved) and names or metadata that are
// not valid UTF-8.
Status WriteSafetensors(const SafetensorsFile& file, ByteSink& sink);
// Atomic: the file appears under `path` only once completely written (byte_sink.h).
Status WriteSafetensorsFile(const std::string& path, const SafetensorsFile& file);
Result<std::string> EncodeSafetensors(const SafetensorsFile& file);

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_IO_SAFETENSORS_H_
