// The element types of DESIGN.md §4 and their names in the file formats the runtime reads.
//
// Every tensor the runtime holds has one of these dtypes; a file naming any other element type
// is refused when it is read. i1 (bool) takes one byte per element, holding 0 or 1, as in numpy
// and safetensors.
//
// bf16 has no .npy descr: numpy has no bfloat16, and the ml_dtypes extension saves it as '<V2'
// (raw 2-byte void), which cannot be told apart from any other 2-byte record. The npy reader and
// writer therefore refuse bf16 with an error that says so; bf16 tensors travel in safetensors.
#ifndef LOOM_RUNTIME_BASE_DTYPE_H_
#define LOOM_RUNTIME_BASE_DTYPE_H_

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace loom::rt {

enum class DType {
  kF64,
  kF32,
  kBF16,
  kF16,
  kI64,
  kI32,
  kI8,
  kI1,  // bool
};

inline constexpr std::array<DType, 8> kAllDTypes = {
    DType::kF64, DType::kF32, DType::kBF16, DType::kF16,
    DType::kI64, DType::kI32, DType::kI8,   DType::kI1};

// Bytes per element (1 for i1).
size_t DTypeSize(DType dtype);

// The MLIR spelling: "f64", "f32", "bf16", "f16", "i64", "i32", "i8", "i1".
std::string_view DTypeName(DType dtype);
std::optional<DType> DTypeFromName(std::string_view name);

// safetensors: "F64", "F32", "BF16", "F16", "I64", "I32", "I8", "BOOL".
std::string_view SafetensorsDTypeName(DType dtype);
std::optional<DType> DTypeFromSafetensorsName(std::string_view name);

// npy descr as numpy writes it on a little-endian machine: "<f8", "<f4", "<f2", "<i8", "<i4",
// "|i1", "|b1". std::nullopt for bf16 (see above).
std::optional<std::string_view> NpyDescr(DType dtype);
// The inverse, accepting exactly the strings above.
std::optional<DType> DTypeFromNpyDescr(std::string_view descr);

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_BASE_DTYPE_H_
