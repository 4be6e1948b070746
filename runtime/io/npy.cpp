#include "runtime/io/npy.h"

#include <cstring>

#include "runtime/io/npy_header.h"
#include "runtime/io/tensor_payload.h"

namespace loom::rt {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;
constexpr size_t kAlign = 64;  // numpy.lib.format.ARRAY_ALIGN

// Maps a descr to a dtype, with an error that says why a descr is refused.
Result<DType> DTypeForDescr(const std::string& descr, const std::string& file) {
  if (std::optional<DType> dtype = DTypeFromNpyDescr(descr)) return *dtype;
  // Byte order is meaningless for 1-byte types; accept any order mark (see npy.h).
  if (descr.size() == 3 && std::strchr("<>=|", descr[0]) != nullptr) {
    if (std::optional<DType> dtype = DTypeFromNpyDescr("|" + descr.substr(1))) {
      if (DTypeSize(*dtype) == 1) return *dtype;
    }
  }
  if (descr.size() > 1 && descr[0] == '>' && DTypeFromNpyDescr("<" + descr.substr(1))) {
    return MakeStatus(StatusCode::kUnsupported, file, ": big-endian descr '", descr,
                      "' is unsupported; Loom reads little-endian data (save with "
                      "arr.astype(arr.dtype.newbyteorder('<')))");
  }
  std::string hint;
  if (descr == "<V2") {
    hint = "; ml_dtypes saves bfloat16 as '<V2', which cannot be told from other 2-byte "
           "records: store bf16 tensors in safetensors";
  }
  return MakeStatus(StatusCode::kUnsupported, file, ": unknown or unsupported descr '", descr,
                    "' (Loom reads <f8 <f4 <f2 <i8 <i4 |i1 |b1)", hint);
}

uint64_t LoadLittleEndian(const unsigned char* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}

}  // namespace

Result<NpyInfo> ReadNpyInfo(const ByteSource& source) {
  const std::string& file = source.name();
  const uint64_t size = source.size();
  unsigned char preamble[12] = {};
  LOOM_RETURN_IF_ERROR(source.ReadAt(0, preamble, size < 12 ? size : 12));
  if (size < kMagicSize) {
    return MakeStatus(StatusCode::kInvalidFormat, file, ": truncated: the file is ", size,
                      " bytes, shorter than the 6-byte npy magic");
  }
  if (std::memcmp(preamble, kMagic, kMagicSize) != 0) {
    return MakeStatus(StatusCode::kInvalidFormat, file,
                      ": bad magic: not an .npy file (it must start with \\x93NUMPY)");
  }
  NpyInfo info;
  if (size < 8) {
    return MakeStatus(StatusCode::kInvalidFormat, file, ": truncated header: the file ends (",
                      size, " bytes) inside the version field at offset 6");
  }
  int major = preamble[6], minor = preamble[7];
  if ((major != 1 && major != 2 && major != 3) || minor != 0) {
    return MakeStatus(StatusCode::kUnsupported, file, ": npy format version ", major, ".", minor,
                      " at offset 6 is unsupported (Loom reads 1.0, 2.0 and 3.0)");
  }
  info.major_version = major;
  // Version 1.0 stores the header length in 2 bytes, 2.0 and 3.0 in 4.
  const size_t length_bytes = major == 1 ? 2 : 4;
  const uint64_t header_start = 8 + length_bytes;
  if (size < header_start) {
    return MakeStatus(StatusCode::kInvalidFormat, file, ": truncated header: the file ends (",
                      size, " bytes) inside the ", length_bytes,
                      "-byte header length field at offset 8");
  }
  const uint64_t header_len = LoadLittleEndian(preamble + 8, length_bytes);
  if (header_len > kNpyMaxHeaderBytes) {
    return MakeStatus(StatusCode::kInvalidFormat, file, ": header length ", header_len,
                      " (field at offset 8) exceeds Loom's limit of ", kNpyMaxHeaderBytes,
                      " bytes");
  }
  if (header_len > size - header_start) {
    return MakeStatus(StatusCode::kInvalidFormat, file, ": header length ", header_len,
                      " (field at offset 8) runs past the end of the file (", size, " bytes)");
  }
  std::string header(header_len, '\0');
  LOOM_RETURN_IF_ERROR(source.ReadAt(header_start, header.data(), header.size()));
  LOOM_ASSIGN_OR_RETURN(NpyHeaderDict dict, ParseNpyHeaderDict(header, file, header_start));
  LOOM_ASSIGN_OR_RETURN(info.dtype, DTypeForDescr(dict.descr, file));
  if (dict.fortran_order) {
    return MakeStatus(StatusCode::kUnsupported, file,
                      ": Fortran-order arrays are unsupported; save a C-order array "
                      "(np.ascontiguousarray)");
  }
  info.shape = std::move(dict.shape);
  std::optional<uint64_t> bytes = CheckedByteSize(info.dtype, info.shape);
  if (!bytes) {
    return MakeStatus(StatusCode::kInvalidFormat, file, ": shape ", ShapeToString(info.shape),
                      " of '", dict.descr, "' overflows: its size exceeds 2^63 bytes");
  }
  info.data_offset = header_start + header_len;
  info.data_size = size - info.data_offset;
  if (*bytes != info.data_size) {
    return MakeStatus(StatusCode::kInvalidFormat, file, ": data size mismatch: shape ",
                      ShapeToString(info.shape), " of '", dict.descr, "' needs ", *bytes,
                      " bytes after the header (offset ", info.data_offset, "), the file holds ",
                      info.data_size);
  }
  return info;
}

Result<HostTensor> ReadNpy(const ByteSource& source) {
  LOOM_ASSIGN_OR_RETURN(NpyInfo info, ReadNpyInfo(source));
  return ReadTensorPayload(source, info.data_offset, info.dtype, std::move(info.shape), "array");
}

Result<HostTensor> ReadNpyFile(const std::string& path) {
  LOOM_ASSIGN_OR_RETURN(std::unique_ptr<FileSource> source, FileSource::Open(path));
  return ReadNpy(*source);
}

Status WriteNpy(const HostTensor& tensor, ByteSink& sink) {
  std::optional<std::string_view> descr = NpyDescr(tensor.dtype());
  if (!descr) {
    return MakeStatus(StatusCode::kInvalidArgument, sink.name(), ": cannot write ",
                      DTypeName(tensor.dtype()),
                      " to .npy: numpy has no bfloat16 descr; write safetensors instead");
  }
  if (tensor.shape().size() > kNpyMaxRank) {
    return MakeStatus(StatusCode::kInvalidArgument, sink.name(), ": rank ",
                      tensor.shape().size(), " exceeds the ", kNpyMaxRank, " dims npy allows");
  }
  std::string dict = FormatNpyHeaderDict(*descr, tensor.shape());
  // 10 bytes of magic, version and length, then the dict, spaces and '\n' up to a multiple of
  // kAlign. At most 64 dims keeps the header far below the 65535 bytes of a 1.0 length field.
  size_t unpadded = kMagicSize + 4 + dict.size() + 1;
  size_t header_len = dict.size() + 1 + (kAlign - unpadded % kAlign) % kAlign;
  std::string out(kMagic, kMagicSize);
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header_len & 0xff);
  out += static_cast<char>(header_len >> 8);
  out += dict;
  out.append(header_len - dict.size() - 1, ' ');
  out += '\n';
  LOOM_RETURN_IF_ERROR(sink.Write(out));
  return sink.Write(tensor.data(), tensor.size_bytes());
}

Status WriteNpyFile(const std::string& path, const HostTensor& tensor) {
  LOOM_ASSIGN_OR_RETURN(std::unique_ptr<FileSink> sink, FileSink::Create(path));
  LOOM_RETURN_IF_ERROR(WriteNpy(tensor, *sink));
  return sink->Commit();
}

Result<std::string> EncodeNpy(const HostTensor& tensor) {
  StringSink sink;
  LOOM_RETURN_IF_ERROR(WriteNpy(tensor, sink));
  return sink.Take();
}

}  // namespace loom::rt
