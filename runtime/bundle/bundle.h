// A compiled bundle (DESIGN.md §5) as the runtime reads it: a directory with manifest.pb
// (runtime/schemas/bundle.proto), the kernel library and the files its checksums list.
//
// LoadBundle refuses anything that breaks the schema's rules with one kInvalidFormat (or
// kUnsupported for a version mismatch, kNotFound for a missing file) error that names the
// manifest, the place (e.g. "entry_points[0] 'forward' plan[2].launch.args[1]") and the field.
// A loaded Bundle is safe to execute: every view lies in its arena, every count matches.
#ifndef LOOM_RUNTIME_BUNDLE_BUNDLE_H_
#define LOOM_RUNTIME_BUNDLE_BUNDLE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/base/status.h"
#include "runtime/schemas/bundle.pb.h"

namespace loom::rt {

inline constexpr uint32_t kBundleSchemaVersion = 1;
inline constexpr uint32_t kKernelAbiVersion = 1;
inline constexpr const char* kManifestFileName = "manifest.pb";
// Bounds that keep every size computation in int64 and every allocation plausible.
inline constexpr uint64_t kMaxArenaBytes = uint64_t{1} << 40;
inline constexpr uint64_t kMaxArenaAlignment = 4096;
inline constexpr int64_t kMaxLaunchWorkgroups = int64_t{1} << 31;
inline constexpr size_t kMaxFillPatternBytes = 64;

struct Bundle {
  std::string dir;
  loom::bundle::Manifest manifest;
  // The kernels as a shared object for the CPU: dir + "/" + manifest.kernel_library for a
  // "cpu" bundle, dir + "/" + manifest.host_kernel_library for a "cuda" one; empty when the
  // bundle has no kernels.
  std::string kernel_library_path;
  // "cuda" bundles with kernels: the cubin (manifest.kernel_library) and the PTX
  // (manifest.cuda_ptx); empty otherwise.
  std::string cubin_path;
  std::string ptx_path;
};

// Reads DIR/manifest.pb, validates it and verifies every listed file's SHA-256.
Result<Bundle> LoadBundle(const std::string& dir);

// Parses and validates manifest bytes without touching the file system (checksums are checked
// for form, not against files). `label` starts every error message.
Result<loom::bundle::Manifest> ParseManifest(std::string_view bytes, const std::string& label);
Status ValidateManifest(const loom::bundle::Manifest& manifest, const std::string& label);

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_BUNDLE_BUNDLE_H_
