// The JSON header of a safetensors file: parsing with full validation, and formatting.
//
// Validation follows the reference implementation (the `safetensors` Rust crate) and is
// stricter in a few places, each a file the crate would accept by accident:
//   - duplicate keys anywhere in the header are refused (serde keeps the last one silently);
//   - unknown fields in a tensor entry are refused (serde ignores them);
//   - `__metadata__` must be an object of strings (the crate also accepts null);
//   - only the dtypes of runtime/base/dtype.h are accepted (U8, F8_*, ... are refused).
// As in the crate, the header must start with '{', tensors may be listed in any order, and
// after sorting by data_offsets they must tile the data section exactly: the first starts at
// 0, each starts where the previous ends, and the last ends at the end of the file.
#ifndef LOOM_RUNTIME_IO_SAFETENSORS_HEADER_H_
#define LOOM_RUNTIME_IO_SAFETENSORS_HEADER_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/base/host_tensor.h"

namespace loom::rt {

struct SafetensorsEntry {
  DType dtype = DType::kF32;
  Shape shape;
  // data_offsets as in the header: relative to the start of the data section.
  uint64_t begin = 0;
  uint64_t end = 0;
};

struct SafetensorsIndex {
  std::map<std::string, std::string> metadata;
  std::map<std::string, SafetensorsEntry> tensors;
  uint64_t data_start = 0;  // file offset of the data section: 8 + header size
};

// Parses `json` (the header bytes) of a file whose data section holds `data_size` bytes.
// Fills everything but data_start. Errors name `file`.
Result<SafetensorsIndex> ParseSafetensorsHeader(std::string_view json, uint64_t data_size,
                                                const std::string& file);

// The header JSON for tensors laid out in the given order, compact as serde_json writes it,
// `__metadata__` first (omitted when empty), padded with spaces to a multiple of 8 bytes so
// that the data section starts 8-aligned. Fails (naming `file`) on names or metadata that are
// not valid UTF-8.
Result<std::string> FormatSafetensorsHeader(
    const std::map<std::string, std::string>& metadata,
    const std::vector<std::pair<std::string, SafetensorsEntry>>& ordered, const std::string& file);

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_IO_SAFETENSORS_HEADER_H_
