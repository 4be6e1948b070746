#include "runtime/io/safetensors.h"

#include <algorithm>
#include <vector>

#include "runtime/io/tensor_payload.h"

namespace loom::rt {
namespace {

// The position of each dtype in the reference crate's `Dtype` enum, whose derived order its
// writer sorts by (descending) to place wider types first. Only the relative order matters.
int ReferenceDTypeRank(DType dtype) {
  switch (dtype) {
    case DType::kI1: return 0;    // BOOL
    case DType::kI8: return 2;    // I8 (after U8)
    case DType::kF16: return 7;   // F16
    case DType::kBF16: return 8;  // BF16
    case DType::kI32: return 9;   // I32
    case DType::kF32: return 11;  // F32 (after U32)
    case DType::kF64: return 12;  // F64
    case DType::kI64: return 13;  // I64
  }
  return 0;
}

}  // namespace

Result<SafetensorsIndex> ReadSafetensorsIndex(const ByteSource& source) {
  const std::string& file = source.name();
  const uint64_t size = source.size();
  if (size < 8) {
    return MakeStatus(StatusCode::kInvalidFormat, file, ": truncated: the file is ", size,
                      " bytes, shorter than the 8-byte header size field");
  }
  unsigned char prefix[8];
  LOOM_RETURN_IF_ERROR(source.ReadAt(0, prefix, sizeof(prefix)));
  uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= uint64_t{prefix[i]} << (8 * i);
  if (n > kSafetensorsMaxHeaderBytes) {
    return MakeStatus(StatusCode::kInvalidFormat, file, ": header size ", n,
                      " (field at offset 0) exceeds the limit of ", kSafetensorsMaxHeaderBytes,
                      " bytes");
  }
  if (n > size - 8) {
    return MakeStatus(StatusCode::kInvalidFormat, file, ": header size ", n,
                      " (field at offset 0) runs past the end of the file (", size, " bytes)");
  }
  std::string header(n, '\0');
  LOOM_RETURN_IF_ERROR(source.ReadAt(8, header.data(), header.size()));
  LOOM_ASSIGN_OR_RETURN(SafetensorsIndex index, ParseSafetensorsHeader(header, size - 8 - n, file));
  index.data_start = 8 + n;
  return index;
}

Result<HostTensor> ReadSafetensorsTensor(const ByteSource& source, const SafetensorsIndex& index,
                                         const std::string& name) {
  auto it = index.tensors.find(name);
  if (it == index.tensors.end()) {
    return MakeStatus(StatusCode::kNotFound, source.name(), ": no tensor named '", name, "'");
  }
  const SafetensorsEntry& entry = it->second;
  return ReadTensorPayload(source, index.data_start + entry.begin, entry.dtype, entry.shape,
                           "tensor '" + name + "'");
}

Result<SafetensorsFile> ReadSafetensors(const ByteSource& source) {
  LOOM_ASSIGN_OR_RETURN(SafetensorsIndex index, ReadSafetensorsIndex(source));
  SafetensorsFile out;
  out.metadata = std::move(index.metadata);
  for (const auto& [name, entry] : index.tensors) {
    LOOM_ASSIGN_OR_RETURN(HostTensor tensor, ReadSafetensorsTensor(source, index, name));
    out.tensors.emplace(name, std::move(tensor));
  }
  return out;
}

Result<SafetensorsFile> ReadSafetensorsFile(const std::string& path) {
  LOOM_ASSIGN_OR_RETURN(std::unique_ptr<FileSource> source, FileSource::Open(path));
  return ReadSafetensors(*source);
}

Status WriteSafetensors(const SafetensorsFile& file, ByteSink& sink) {
  std::vector<std::pair<std::string, const HostTensor*>> order;
  for (const auto& [name, tensor] : file.tensors) {
    if (name == "__metadata__") {
      return MakeStatus(StatusCode::kInvalidArgument, sink.name(),
                        ": '__metadata__' is reserved and cannot name a tensor");
    }
    order.emplace_back(name, &tensor);
  }
  // std::map already orders by name; a stable sort by dtype keeps that as the tie-break.
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return ReferenceDTypeRank(a.second->dtype()) > ReferenceDTypeRank(b.second->dtype());
  });
  std::vector<std::pair<std::string, SafetensorsEntry>> layout;
  uint64_t offset = 0;
  for (const auto& [name, tensor] : order) {
    SafetensorsEntry entry{tensor->dtype(), tensor->shape(), offset, offset + tensor->size_bytes()};
    offset = entry.end;
    layout.emplace_back(name, std::move(entry));
  }
  LOOM_ASSIGN_OR_RETURN(std::string header,
                        FormatSafetensorsHeader(file.metadata, layout, sink.name()));
  if (header.size() > kSafetensorsMaxHeaderBytes) {
    return MakeStatus(StatusCode::kInvalidArgument, sink.name(), ": header of ", header.size(),
                      " bytes exceeds the limit of ", kSafetensorsMaxHeaderBytes, " bytes");
  }
  unsigned char prefix[8];
  for (int i = 0; i < 8; ++i) prefix[i] = static_cast<unsigned char>(header.size() >> (8 * i));
  LOOM_RETURN_IF_ERROR(sink.Write(prefix, sizeof(prefix)));
  LOOM_RETURN_IF_ERROR(sink.Write(header));
  for (const auto& [name, tensor] : order) {
    LOOM_RETURN_IF_ERROR(sink.Write(tensor->data(), tensor->size_bytes()));
  }
  return OkStatus();
}

Status WriteSafetensorsFile(const std::string& path, const SafetensorsFile& file) {
  LOOM_ASSIGN_OR_RETURN(std::unique_ptr<FileSink> sink, FileSink::Create(path));
  LOOM_RETURN_IF_ERROR(WriteSafetensors(file, *sink));
  return sink->Commit();
}

Result<std::string> EncodeSafetensors(const SafetensorsFile& file) {
  StringSink sink;
  LOOM_RETURN_IF_ERROR(WriteSafetensors(file, sink));
  return sink.Take();
}

}  // namespace loom::rt
