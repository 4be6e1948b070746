#include "runtime/base/dtype.h"

namespace loom::rt {
namespace {

// One row per dtype, in enum order; every name table lookup reads this one table.
struct DTypeInfo {
  DType dtype;
  size_t size;
  std::string_view name;
  std::string_view safetensors;
  std::string_view npy;  // empty: no npy descr
};

constexpr DTypeInfo kInfo[] = {
    {DType::kF64, 8, "f64", "F64", "<f8"},  {DType::kF32, 4, "f32", "F32", "<f4"},
    {DType::kBF16, 2, "bf16", "BF16", ""},  {DType::kF16, 2, "f16", "F16", "<f2"},
    {DType::kI64, 8, "i64", "I64", "<i8"},  {DType::kI32, 4, "i32", "I32", "<i4"},
    {DType::kI8, 1, "i8", "I8", "|i1"},     {DType::kI1, 1, "i1", "BOOL", "|b1"},
};
static_assert(sizeof(kInfo) / sizeof(kInfo[0]) == kAllDTypes.size());

// Info() indexes kInfo by the enum value, so the rows must stay in enum order.
constexpr bool RowsInEnumOrder() {
  for (size_t i = 0; i < kAllDTypes.size(); ++i) {
    if (static_cast<size_t>(kInfo[i].dtype) != i) return false;
  }
  return true;
}
static_assert(RowsInEnumOrder());

const DTypeInfo& Info(DType dtype) { return kInfo[static_cast<size_t>(dtype)]; }

template <typename Field>
std::optional<DType> Find(std::string_view text, Field field) {
  if (text.empty()) return std::nullopt;
  for (const DTypeInfo& info : kInfo) {
    if (info.*field == text) return info.dtype;
  }
  return std::nullopt;
}

}  // namespace

size_t DTypeSize(DType dtype) { return Info(dtype).size; }
std::string_view DTypeName(DType dtype) { return Info(dtype).name; }
std::string_view SafetensorsDTypeName(DType dtype) { return Info(dtype).safetensors; }

std::optional<std::string_view> NpyDescr(DType dtype) {
  if (Info(dtype).npy.empty()) return std::nullopt;
  return Info(dtype).npy;
}

std::optional<DType> DTypeFromName(std::string_view name) { return Find(name, &DTypeInfo::name); }
std::optional<DType> DTypeFromSafetensorsName(std::string_view name) {
  return Find(name, &DTypeInfo::safetensors);
}
std::optional<DType> DTypeFromNpyDescr(std::string_view descr) {
  return Find(descr, &DTypeInfo::npy);
}

}  // namespace loom::rt
