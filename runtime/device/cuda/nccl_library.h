// NcclLibrary: NCCL resolved with dlopen (libnccl.so.2; LOOM_NCCL names another), for the
// collectives between GPUs (DESIGN.md §6: data-parallel all-reduce between @grad_step and
// @apply_step). A single-GPU run never opens it; `loom-run devices` reports whether it loads
// and its version, so an operator learns before a multi-GPU launch that it is missing.
#ifndef LOOM_RUNTIME_DEVICE_CUDA_NCCL_LIBRARY_H_
#define LOOM_RUNTIME_DEVICE_CUDA_NCCL_LIBRARY_H_

#include <memory>
#include <string>

#include "runtime/base/status.h"

namespace loom::rt::cuda {

class NcclLibrary {
 public:
  // kNotFound naming the library when it is absent; kUnsupported when it lacks an entry point.
  static Result<std::unique_ptr<NcclLibrary>> Open();

  const std::string& library() const { return library_; }
  // "2.28.3" from ncclGetVersion's 22803.
  std::string version() const;

 private:
  NcclLibrary() = default;
  void* handle_ = nullptr;
  std::string library_;
  int version_code_ = 0;
};

}  // namespace loom::rt::cuda

#endif  // LOOM_RUNTIME_DEVICE_CUDA_NCCL_LIBRARY_H_
