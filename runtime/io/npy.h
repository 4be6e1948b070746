// .npy files (numpy.lib.format), versions 1.0, 2.0 and 3.0: C order, little-endian, the dtypes
// of runtime/base/dtype.h. Inputs and outputs of `loom-run run` (DESIGN.md §6) and the golden
// values of tests travel in this format.
//
// Reading is strict; each fault has its own error naming the file:
//   bad magic, truncated preamble, unsupported version, header length past the file end, a
//   header over 1 MiB, a malformed header dict (see npy_header.h), unknown descr, big-endian
//   descr, Fortran order, shape overflow, data size different from shape × element size
//   (trailing bytes included, which numpy would ignore), a bool byte other than 0 or 1.
// Fortran order is refused even where it coincides with C order (rank ≤ 1): numpy never writes
// it for such arrays, so a file that claims it came from somewhere else and is worth a look.
// For 1-byte types the byte-order character carries no meaning, so '<i1', '>i1', '=i1' (as
// written by cnpy and friends) are read like numpy's '|i1'; likewise for b1.
// bf16 has no descr (runtime/base/dtype.h): WriteNpy refuses it, and '<V2' is refused on read.
//
// Writing produces what numpy 2 writes for the same array, byte for byte: a version 1.0 header
// padded so that the data starts at a multiple of 64 bytes.
#ifndef LOOM_RUNTIME_IO_NPY_H_
#define LOOM_RUNTIME_IO_NPY_H_

#include <cstdint>
#include <string>

#include "runtime/base/host_tensor.h"
#include "runtime/io/byte_sink.h"
#include "runtime/io/byte_source.h"

namespace loom::rt {

// The header of an .npy file, validated against the file's size.
struct NpyInfo {
  int major_version = 1;  // 1, 2 or 3
  DType dtype = DType::kF32;
  Shape shape;
  uint64_t data_offset = 0;  // where the array's bytes start
  uint64_t data_size = 0;    // == file size - data_offset
};

// The largest header Loom reads. numpy's own headers for plain arrays are under 3 KiB even at
// 64 dims; the cap bounds what a corrupt length field can make the reader allocate.
inline constexpr uint64_t kNpyMaxHeaderBytes = uint64_t{1} << 20;

Result<NpyInfo> ReadNpyInfo(const ByteSource& source);
Result<HostTensor> ReadNpy(const ByteSource& source);
Result<HostTensor> ReadNpyFile(const std::string& path);

Status WriteNpy(const HostTensor& tensor, ByteSink& sink);
// Atomic: the file appears under `path` only once completely written (byte_sink.h).
Status WriteNpyFile(const std::string& path, const HostTensor& tensor);
Result<std::string> EncodeNpy(const HostTensor& tensor);

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_IO_NPY_H_
