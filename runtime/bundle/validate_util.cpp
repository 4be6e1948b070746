#include "runtime/bundle/validate_util.h"

#include "runtime/bundle/bundle_dtype.h"

namespace loom::rt::bundle_internal {

Status Checker::CheckView(const std::string& where, const loom::bundle::BufferView& view) const {
  if (view.arena() >= static_cast<uint32_t>(manifest.arenas_size())) {
    return Invalid(where, "arena index ", view.arena(), " out of range (", manifest.arenas_size(),
                   " arenas)");
  }
  const auto& arena = manifest.arenas(static_cast<int>(view.arena()));
  uint64_t end = 0;
  if (!CheckedAdd(view.offset_bytes(), view.size_bytes(), &end) || end > arena.size_bytes()) {
    return Invalid(where, "offset_bytes ", view.offset_bytes(), " + size_bytes ", view.size_bytes(),
                   " exceeds arena '", arena.name(), "' of ", arena.size_bytes(), " bytes");
  }
  return OkStatus();
}

Status Checker::CheckName(const std::string& where, const std::string& name,
                          std::set<std::string>* seen) const {
  if (name.empty()) return Invalid(where, "empty name");
  if (!seen->insert(name).second) return Invalid(where, "duplicate name '", name, "'");
  return OkStatus();
}

Result<uint64_t> Checker::CheckTensor(const std::string& where, int dtype,
                                      const google::protobuf::RepeatedField<int64_t>& shape,
                                      DType* out_dtype) const {
  auto rt_dtype = FromBundleDType(static_cast<loom::bundle::DType>(dtype));
  if (!rt_dtype) return Invalid(where, "dtype ", dtype, " is not a known element type");
  Shape dims(shape.begin(), shape.end());
  auto bytes = CheckedByteSize(*rt_dtype, dims);
  if (!bytes) return Invalid(where, "shape ", ShapeToString(dims), " is negative or overflows");
  *out_dtype = *rt_dtype;
  return *bytes;
}

Status Checker::CheckPlacement(const std::string& where, uint32_t arena, uint64_t offset,
                               uint64_t bytes, uint64_t align) const {
  loom::bundle::BufferView view;
  view.set_arena(arena);
  view.set_offset_bytes(offset);
  view.set_size_bytes(bytes);
  LOOM_RETURN_IF_ERROR(CheckView(where, view));
  if (offset % align != 0) {
    return Invalid(where, "offset_bytes ", offset, " is not a multiple of the element size ",
                   align);
  }
  return OkStatus();
}

bool Overlap(const loom::bundle::BufferView& a, const loom::bundle::BufferView& b) {
  if (a.arena() != b.arena() || a.size_bytes() == 0 || b.size_bytes() == 0) return false;
  // Both views were checked to lie in their arena, so the ends do not overflow.
  return a.offset_bytes() < b.offset_bytes() + b.size_bytes() &&
         b.offset_bytes() < a.offset_bytes() + a.size_bytes();
}

}  // namespace loom::rt::bundle_internal
