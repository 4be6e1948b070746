#include "runtime/device/cuda/nccl_library.h"

#include <dlfcn.h>

#include <cstdlib>

namespace loom::rt::cuda {

Result<std::unique_ptr<NcclLibrary>> NcclLibrary::Open() {
  const char* override_path = std::getenv("LOOM_NCCL");
  const std::string name = override_path != nullptr && *override_path ? override_path : "libnccl.so.2";
  void* handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return MakeStatus(StatusCode::kNotFound, name,
                      " not found: collectives between GPUs need NCCL on the library path "
                      "(dlopen: ",
                      why ? why : "unknown error", ")");
  }
  using GetVersion = int (*)(int*);
  auto get_version = reinterpret_cast<GetVersion>(dlsym(handle, "ncclGetVersion"));
  if (get_version == nullptr) {
    return MakeStatus(StatusCode::kUnsupported, name, " lacks ncclGetVersion: not an NCCL library");
  }
  std::unique_ptr<NcclLibrary> nccl(new NcclLibrary());
  nccl->handle_ = handle;
  nccl->library_ = name;
  if (int result = get_version(&nccl->version_code_); result != 0) {
    return MakeStatus(StatusCode::kInternal, name, ": ncclGetVersion failed (", result, ")");
  }
  return nccl;
}

std::string NcclLibrary::version() const {
  // NCCL_VERSION(X, Y, Z) = X * 10000 + Y * 100 + Z since 2.9 (X * 1000 + Y * 100 + Z before).
  const int code = version_code_;
  if (code >= 10000) {
    return std::to_string(code / 10000) + "." + std::to_string(code / 100 % 100) + "." +
           std::to_string(code % 100);
  }
  return std::to_string(code / 1000) + "." + std::to_string(code / 100 % 10) + "." +
         std::to_string(code % 100);
}

}  // namespace loom::rt::cuda
