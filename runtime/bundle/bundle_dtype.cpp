#include "runtime/bundle/bundle_dtype.h"

namespace loom::rt {

std::optional<DType> FromBundleDType(loom::bundle::DType dtype) {
  switch (dtype) {
    case loom::bundle::F64:
      return DType::kF64;
    case loom::bundle::F32:
      return DType::kF32;
    case loom::bundle::BF16:
      return DType::kBF16;
    case loom::bundle::F16:
      return DType::kF16;
    case loom::bundle::I64:
      return DType::kI64;
    case loom::bundle::I32:
      return DType::kI32;
    case loom::bundle::I8:
      return DType::kI8;
    case loom::bundle::I1:
      return DType::kI1;
    default:
      return std::nullopt;
  }
}

loom::bundle::DType ToBundleDType(DType dtype) {
  switch (dtype) {
    case DType::kF64:
      return loom::bundle::F64;
    case DType::kF32:
      return loom::bundle::F32;
    case DType::kBF16:
      return loom::bundle::BF16;
    case DType::kF16:
      return loom::bundle::F16;
    case DType::kI64:
      return loom::bundle::I64;
    case DType::kI32:
      return loom::bundle::I32;
    case DType::kI8:
      return loom::bundle::I8;
    case DType::kI1:
      return loom::bundle::I1;
  }
  return loom::bundle::DTYPE_UNSPECIFIED;
}

}  // namespace loom::rt
