// Helpers shared by the manifest checks (validate_tables.cpp, validate_plan.cpp): error
// messages in one format and overflow-checked range checks.
#ifndef LOOM_RUNTIME_BUNDLE_VALIDATE_UTIL_H_
#define LOOM_RUNTIME_BUNDLE_VALIDATE_UTIL_H_

#include <cstdint>
#include <set>
#include <string>

#include "runtime/base/dtype.h"
#include "runtime/base/host_tensor.h"
#include "runtime/base/status.h"
#include "runtime/schemas/bundle.pb.h"

namespace loom::rt::bundle_internal {

// The manifest being checked and its label ("DIR/manifest.pb"), passed to every check.
struct Checker {
  const loom::bundle::Manifest& manifest;
  const std::string& label;

  // "<label>: <where>: <parts...>", kInvalidFormat.
  template <typename... Parts>
  Status Invalid(const std::string& where, const Parts&... parts) const {
    return MakeStatus(StatusCode::kInvalidFormat, label, ": ", where, ": ", parts...);
  }

  // The view's arena exists and [offset, offset + size) lies in it.
  Status CheckView(const std::string& where, const loom::bundle::BufferView& view) const;
  // A non-empty name not yet in `seen` (which it is added to).
  Status CheckName(const std::string& where, const std::string& name,
                   std::set<std::string>* seen) const;
  // dtype is a known one and shape x dtype size fits; returns the byte size.
  Result<uint64_t> CheckTensor(const std::string& where, int dtype,
                               const google::protobuf::RepeatedField<int64_t>& shape,
                               DType* out_dtype) const;
  // A tensor of `bytes` at `offset` in `arena`: the arena exists, the offset is a multiple of
  // `align`, and the tensor lies inside.
  Status CheckPlacement(const std::string& where, uint32_t arena, uint64_t offset, uint64_t bytes,
                        uint64_t align) const;
};

// a + b without wrapping; false on overflow.
inline bool CheckedAdd(uint64_t a, uint64_t b, uint64_t* sum) {
  return !__builtin_add_overflow(a, b, sum);
}

// Whether two views share a byte (empty views share none).
bool Overlap(const loom::bundle::BufferView& a, const loom::bundle::BufferView& b);

}  // namespace loom::rt::bundle_internal

#endif  // LOOM_RUNTIME_BUNDLE_VALIDATE_UTIL_H_
