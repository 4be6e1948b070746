// The manifest's DType enum (runtime/schemas/bundle.proto) as the runtime's DType.
#ifndef LOOM_RUNTIME_BUNDLE_BUNDLE_DTYPE_H_
#define LOOM_RUNTIME_BUNDLE_BUNDLE_DTYPE_H_

#include <optional>

#include "runtime/base/dtype.h"
#include "runtime/schemas/bundle.pb.h"

namespace loom::rt {

// std::nullopt for DTYPE_UNSPECIFIED and for values outside the enum (a newer writer's dtype).
std::optional<DType> FromBundleDType(loom::bundle::DType dtype);
loom::bundle::DType ToBundleDType(DType dtype);

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_BUNDLE_BUNDLE_DTYPE_H_
