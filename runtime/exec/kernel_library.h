// KernelLibrary: a bundle's kernels .so, opened with dlopen, and its kernels resolved by
// symbol (bundle.proto, Kernel: the launch ABI of kernel_abi_version 1).
#ifndef LOOM_RUNTIME_EXEC_KERNEL_LIBRARY_H_
#define LOOM_RUNTIME_EXEC_KERNEL_LIBRARY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/base/status.h"
#include "runtime/schemas/bundle.pb.h"

namespace loom::rt {

// extern "C" void kernel(const int64_t workgroup_id[3], void* const* buffers,
//                        const int64_t* scalars);
using KernelFn = void (*)(const int64_t*, void* const*, const int64_t*);

class KernelLibrary {
 public:
  KernelLibrary() = default;
  ~KernelLibrary();
  KernelLibrary(KernelLibrary&& other) noexcept;
  KernelLibrary& operator=(KernelLibrary&& other) noexcept;
  KernelLibrary(const KernelLibrary&) = delete;
  KernelLibrary& operator=(const KernelLibrary&) = delete;

  // Opens `path` (RTLD_NOW | RTLD_LOCAL: two programs' kernels never see each other's symbols)
  // and resolves every kernel of `kernels`; an empty table opens nothing. Errors name the
  // library and, for a missing symbol, the kernel's index, name and symbol.
  static Result<KernelLibrary> Open(
      const std::string& path,
      const google::protobuf::RepeatedPtrField<loom::bundle::Kernel>& kernels);

  // By index into the manifest's kernel table.
  KernelFn kernel(size_t index) const { return fns_[index]; }

 private:
  void* handle_ = nullptr;
  std::vector<KernelFn> fns_;
};

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_EXEC_KERNEL_LIBRARY_H_
