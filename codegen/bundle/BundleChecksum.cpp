//===- BundleChecksum.cpp - the SHA-256 of a bundle file -------------------===//
//
// Every file the manifest names is listed in its checksums (bundle.proto):
// the runtime refuses a bundle whose files changed after the compile.
//
//===----------------------------------------------------------------------===//

#include "codegen/bundle/BundleKernels.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"

using namespace mlir;
namespace pb = ::loom::bundle;

namespace {

std::string sha256Hex(StringRef bytes) {
  std::array<uint8_t, 32> hash = llvm::SHA256::hash(
      ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()));
  std::string hex;
  for (uint8_t b : hash) {
    const char *digits = "0123456789abcdef";
    hex += digits[b >> 4];
    hex += digits[b & 15];
  }
  return hex;
}

} // namespace

LogicalResult mlir::loom::codegen::addBundleChecksum(StringRef dir, StringRef file,
                                                     pb::Manifest &manifest, Location loc) {
  SmallString<256> path(dir);
  llvm::sys::path::append(path, file);
  auto bytes = llvm::MemoryBuffer::getFile(path);
  if (!bytes)
    return emitError(loc) << "bundle writer: cannot read back " << path << ": "
                          << bytes.getError().message();
  pb::FileChecksum *sum = manifest.add_checksums();
  sum->set_path(file.str());
  sum->set_sha256_hex(sha256Hex((*bytes)->getBuffer()));
  return success();
}
