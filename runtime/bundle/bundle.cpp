#include "runtime/bundle/bundle.h"

#include <fstream>
#include <limits>
#include <sstream>

#include "runtime/bundle/sha256.h"
#include "runtime/bundle/validate_tables.h"

namespace loom::rt {

Status ValidateManifest(const loom::bundle::Manifest& manifest, const std::string& label) {
  bundle_internal::Checker checker{manifest, label};
  LOOM_RETURN_IF_ERROR(bundle_internal::CheckTables(checker));
  return bundle_internal::CheckEntryPoints(checker);
}

Result<loom::bundle::Manifest> ParseManifest(std::string_view bytes, const std::string& label) {
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return MakeStatus(StatusCode::kInvalidFormat, label, ": ", bytes.size(),
                      " bytes is larger than a manifest can be (2 GiB)");
  }
  loom::bundle::Manifest manifest;
  if (!manifest.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return MakeStatus(StatusCode::kInvalidFormat, label,
                      ": not a serialized loom.bundle.Manifest (protobuf parse failed)");
  }
  LOOM_RETURN_IF_ERROR(ValidateManifest(manifest, label));
  return manifest;
}

Result<Bundle> LoadBundle(const std::string& dir) {
  std::string label = dir + "/" + kManifestFileName;
  std::ifstream in(label, std::ios::binary);
  if (!in) {
    return MakeStatus(StatusCode::kNotFound, label, ": cannot open (is ", dir,
                      " a bundle directory?)");
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return MakeStatus(StatusCode::kIoError, label, ": read failed");

  Bundle bundle;
  bundle.dir = dir;
  LOOM_ASSIGN_OR_RETURN(bundle.manifest, ParseManifest(bytes.str(), label));
  for (int i = 0; i < bundle.manifest.checksums_size(); ++i) {
    const auto& file = bundle.manifest.checksums(i);
    std::string path = dir + "/" + file.path();
    Result<std::string> actual = Sha256HexOfFile(path);
    if (!actual.ok()) {
      return Status(actual.status().code(),
                    label + ": checksums[" + std::to_string(i) + "]: " + actual.status().message());
    }
    if (*actual != file.sha256_hex()) {
      return MakeStatus(StatusCode::kInvalidFormat, label, ": checksums[", i, "] '", file.path(),
                        "': SHA-256 is ", *actual, ", the manifest says ", file.sha256_hex(),
                        " (the file changed after the bundle was written)");
    }
  }
  const auto& m = bundle.manifest;
  if (m.target() == "cuda") {
    if (!m.host_kernel_library().empty()) bundle.kernel_library_path = dir + "/" + m.host_kernel_library();
    if (!m.kernel_library().empty()) bundle.cubin_path = dir + "/" + m.kernel_library();
    if (!m.cuda_ptx().empty()) bundle.ptx_path = dir + "/" + m.cuda_ptx();
  } else if (!m.kernel_library().empty()) {
    bundle.kernel_library_path = dir + "/" + m.kernel_library();
  }
  return bundle;
}

}  // namespace loom::rt
