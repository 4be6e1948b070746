// The header dict of an .npy file: a Python literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// parsed without Python (no eval, no recursion) and written the way numpy writes it.
#ifndef LOOM_RUNTIME_IO_NPY_HEADER_H_
#define LOOM_RUNTIME_IO_NPY_HEADER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/base/host_tensor.h"

namespace loom::rt {

// numpy allows 64 dims (NPY_MAXDIMS in numpy 2); a header claiming more is refused.
inline constexpr size_t kNpyMaxRank = 64;

struct NpyHeaderDict {
  std::string descr;
  bool fortran_order = false;
  Shape shape;  // every dim in [0, 2^63)
};

// Parses the dict. Accepts what numpy's reader accepts of the literal grammar (either quote,
// any whitespace, trailing commas) and refuses the rest, plus duplicate or unknown keys and a
// descr that is a list (structured dtypes). Errors name `file` and the byte offset of the
// fault, computed as `file_offset` (where `text` starts in the file) plus its position.
Result<NpyHeaderDict> ParseNpyHeaderDict(std::string_view text, const std::string& file,
                                         uint64_t file_offset);

// The dict exactly as numpy 2 writes it, including the spaces numpy appends so the first dim
// can later grow in place; the caller adds the alignment padding and the final '\n'.
std::string FormatNpyHeaderDict(std::string_view descr, const Shape& shape);

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_IO_NPY_HEADER_H_
