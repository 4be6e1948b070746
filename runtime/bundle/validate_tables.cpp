// Checks of the manifest's tables: versions, target, arenas, parameters, kernels, checksums.
#include "runtime/bundle/validate_tables.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <vector>

#include "runtime/bundle/bundle.h"

namespace loom::rt::bundle_internal {
namespace {

using loom::bundle::Arena;
using loom::bundle::Parameter;

std::string Where(const char* list, int i, const std::string& name) {
  return std::string(list) + "[" + std::to_string(i) + "] '" + name + "'";
}

bool IsCIdentifier(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// A path inside the bundle directory: relative, no empty, "." or ".." component.
bool IsBundlePath(const std::string& path) {
  if (path.empty() || path[0] == '/' || path.find('\0') != std::string::npos) return false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

Status CheckArenas(const Checker& c) {
  std::set<std::string> names;
  for (int i = 0; i < c.manifest.arenas_size(); ++i) {
    const Arena& a = c.manifest.arenas(i);
    std::string where = Where("arenas", i, a.name());
    LOOM_RETURN_IF_ERROR(c.CheckName(where + ".name", a.name(), &names));
    if (a.size_bytes() > kMaxArenaBytes) {
      return c.Invalid(where + ".size_bytes", a.size_bytes(), " exceeds the limit of ",
                       kMaxArenaBytes);
    }
    uint64_t align = a.alignment();
    if (align == 0 || (align & (align - 1)) != 0 || align > kMaxArenaAlignment) {
      return c.Invalid(where + ".alignment", align, " is not a power of two in [1, ",
                       kMaxArenaAlignment, "]");
    }
    if (a.kind() == Arena::KIND_UNSPECIFIED || !Arena::Kind_IsValid(a.kind())) {
      return c.Invalid(where + ".kind", "unknown arena kind ", static_cast<int>(a.kind()));
    }
  }
  return OkStatus();
}

Status CheckParameters(const Checker& c) {
  std::set<std::string> names;
  // Per arena: (offset, end, index), to find overlapping parameters.
  std::map<uint32_t, std::vector<std::pair<uint64_t, int>>> by_arena;
  std::vector<uint64_t> sizes(c.manifest.parameters_size());
  for (int i = 0; i < c.manifest.parameters_size(); ++i) {
    const Parameter& p = c.manifest.parameters(i);
    std::string where = Where("parameters", i, p.name());
    LOOM_RETURN_IF_ERROR(c.CheckName(where + ".name", p.name(), &names));
    DType dtype;
    LOOM_ASSIGN_OR_RETURN(sizes[i], c.CheckTensor(where, p.dtype(), p.shape(), &dtype));
    LOOM_RETURN_IF_ERROR(
        c.CheckPlacement(where, p.arena(), p.offset_bytes(), sizes[i], DTypeSize(dtype)));
    auto kind = c.manifest.arenas(static_cast<int>(p.arena())).kind();
    Arena::Kind want = p.frozen() ? Arena::FROZEN : Arena::PARAMETERS;
    if (kind != want) {
      return c.Invalid(where + ".arena", "a ", p.frozen() ? "frozen" : "trainable",
                       " parameter must lie in a ", Arena::Kind_Name(want), " arena, not ",
                       Arena::Kind_IsValid(kind) ? Arena::Kind_Name(kind) : "?");
    }
    if (p.init() == Parameter::INIT_UNSPECIFIED || !Parameter::Init_IsValid(p.init())) {
      return c.Invalid(where + ".init", "unknown init ", static_cast<int>(p.init()));
    }
    if (p.init() == Parameter::NORMAL && !(std::isfinite(p.init_std()) && p.init_std() > 0)) {
      return c.Invalid(where + ".init_std", p.init_std(), " must be finite and > 0 for NORMAL");
    }
    if (sizes[i] > 0) by_arena[p.arena()].push_back({p.offset_bytes(), i});
  }
  for (auto& [arena, list] : by_arena) {
    std::sort(list.begin(), list.end());
    for (size_t j = 1; j < list.size(); ++j) {
      auto [prev_offset, prev] = list[j - 1];
      if (prev_offset + sizes[prev] > list[j].first) {  // inside the arena: no overflow
        int i = list[j].second;
        return c.Invalid(Where("parameters", i, c.manifest.parameters(i).name()),
                         "overlaps parameters[", prev, "] '", c.manifest.parameters(prev).name(),
                         "'");
      }
    }
  }
  return OkStatus();
}

Status CheckKernels(const Checker& c) {
  std::set<std::string> names;
  for (int i = 0; i < c.manifest.kernels_size(); ++i) {
    const auto& k = c.manifest.kernels(i);
    std::string where = Where("kernels", i, k.name());
    LOOM_RETURN_IF_ERROR(c.CheckName(where + ".name", k.name(), &names));
    if (!IsCIdentifier(k.symbol())) {
      return c.Invalid(where + ".symbol", "'", k.symbol(), "' is not a C identifier");
    }
    // The thread block: a CUDA bundle's kernels have one, a CPU bundle's none.
    if (c.manifest.target() != "cuda") {
      if (k.block_size() != 0) {
        return c.Invalid(where + ".block", "set, but the bundle's target is \"",
                         c.manifest.target(), "\"");
      }
      continue;
    }
    if (k.block_size() != 3) {
      return c.Invalid(where + ".block", k.block_size(), " entries, not 3 ([x, y, z])");
    }
    int64_t threads = 1;
    for (int d = 0; d < 3; ++d) {
      if (k.block(d) < 1 || k.block(d) > 1024) {
        return c.Invalid(where + ".block[" + std::to_string(d) + "]", k.block(d),
                         " is not in [1, 1024]");
      }
      threads *= k.block(d);
    }
    if (threads > 1024) {
      return c.Invalid(where + ".block", threads, " threads, more than a block's 1024");
    }
  }
  return OkStatus();
}

Status CheckFiles(const Checker& c) {
  std::set<std::string> paths;
  for (int i = 0; i < c.manifest.checksums_size(); ++i) {
    const auto& f = c.manifest.checksums(i);
    std::string where = Where("checksums", i, f.path());
    if (!IsBundlePath(f.path()) || f.path() == kManifestFileName) {
      return c.Invalid(where + ".path", "not a relative path of a file inside the bundle");
    }
    if (!paths.insert(f.path()).second) return c.Invalid(where + ".path", "listed twice");
    const std::string& hex = f.sha256_hex();
    bool is_hex = hex.size() == 64 && std::all_of(hex.begin(), hex.end(), [](char ch) {
                    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
                  });
    if (!is_hex) return c.Invalid(where + ".sha256_hex", "not 64 lowercase hex digits");
  }
  // The kernel files: a CPU bundle's shared object; a CUDA bundle's cubin, PTX and host
  // shared object (bundle.proto, Manifest).
  const bool cuda = c.manifest.target() == "cuda";
  const struct {
    const char* field;
    const std::string& path;
    bool used;
  } files[] = {{"kernel_library", c.manifest.kernel_library(), true},
               {"cuda_ptx", c.manifest.cuda_ptx(), cuda},
               {"host_kernel_library", c.manifest.host_kernel_library(), cuda}};
  for (const auto& file : files) {
    if (!file.used) {
      if (!file.path.empty()) {
        return c.Invalid(file.field, "'", file.path, "' is set, but the bundle's target is \"",
                         c.manifest.target(), "\"");
      }
      continue;
    }
    if (c.manifest.kernels_size() > 0 && file.path.empty()) {
      return c.Invalid(file.field, "empty, but the bundle has ", c.manifest.kernels_size(),
                       " kernels");
    }
    if (!file.path.empty() && paths.count(file.path) == 0) {
      return c.Invalid(file.field, "'", file.path, "' has no entry in checksums");
    }
  }
  return OkStatus();
}

}  // namespace

Status CheckTables(const Checker& c) {
  const auto& m = c.manifest;
  if (m.schema_version() != kBundleSchemaVersion) {
    return MakeStatus(StatusCode::kUnsupported, c.label, ": schema_version ", m.schema_version(),
                      " is not the version this runtime reads (", kBundleSchemaVersion, ")");
  }
  if (m.kernel_abi_version() != kKernelAbiVersion) {
    return MakeStatus(StatusCode::kUnsupported, c.label, ": kernel_abi_version ",
                      m.kernel_abi_version(), " is not the launch ABI of this runtime (",
                      kKernelAbiVersion, ")");
  }
  if (m.target() != "cpu" && m.target() != "cuda") {
    return c.Invalid("target", "'", m.target(), "' is neither \"cpu\" nor \"cuda\"");
  }
  LOOM_RETURN_IF_ERROR(CheckArenas(c));
  LOOM_RETURN_IF_ERROR(CheckParameters(c));
  LOOM_RETURN_IF_ERROR(CheckKernels(c));
  return CheckFiles(c);
}

}  // namespace loom::rt::bundle_internal
