#include "runtime/exec/kernel_library.h"

#include <dlfcn.h>

#include <utility>

namespace loom::rt {

KernelLibrary::~KernelLibrary() {
  if (handle_ != nullptr) dlclose(handle_);
}

KernelLibrary::KernelLibrary(KernelLibrary&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)), fns_(std::move(other.fns_)) {}

KernelLibrary& KernelLibrary::operator=(KernelLibrary&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) dlclose(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
    fns_ = std::move(other.fns_);
  }
  return *this;
}

Result<KernelLibrary> KernelLibrary::Open(
    const std::string& path,
    const google::protobuf::RepeatedPtrField<loom::bundle::Kernel>& kernels) {
  KernelLibrary library;
  if (kernels.empty()) return library;
  library.handle_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library.handle_ == nullptr) {
    const char* why = dlerror();
    return MakeStatus(StatusCode::kInvalidFormat, path,
                      ": cannot load the kernel library: ", why != nullptr ? why : "dlopen failed");
  }
  for (int i = 0; i < kernels.size(); ++i) {
    dlerror();  // clear a stale error
    void* symbol = dlsym(library.handle_, kernels[i].symbol().c_str());
    if (symbol == nullptr) {
      return MakeStatus(StatusCode::kNotFound, path, ": kernels[", i, "] '", kernels[i].name(),
                        "': symbol '", kernels[i].symbol(), "' is not exported by the library");
    }
    library.fns_.push_back(reinterpret_cast<KernelFn>(symbol));
  }
  return library;
}

}  // namespace loom::rt
