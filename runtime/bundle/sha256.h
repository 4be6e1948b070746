// SHA-256 of a file, as lowercase hex: the checksums of a bundle's files (DESIGN.md §5).
#ifndef LOOM_RUNTIME_BUNDLE_SHA256_H_
#define LOOM_RUNTIME_BUNDLE_SHA256_H_

#include <string>
#include <string_view>

#include "runtime/base/status.h"

namespace loom::rt {

// Streams the file in 1 MiB blocks (a kernel library can be large). kNotFound when it does not
// exist, kIoError when it cannot be read.
Result<std::string> Sha256HexOfFile(const std::string& path);
std::string Sha256HexOfBytes(std::string_view bytes);

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_BUNDLE_SHA256_H_
