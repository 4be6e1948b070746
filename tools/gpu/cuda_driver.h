// CudaDriver: the few CUDA driver API calls ptx_check makes, resolved at run time from
// libcuda.so.1 with dlopen (DESIGN.md §3: no link-time CUDA dependency). The declarations
// below are this file's own, written from the driver API's documented C signatures (CUDA 13:
// the _v2 entry points that cuda.h's macros select); nothing includes cuda.h.
//
// Every call returns a Status whose message names the call, what it was doing (e.g. the
// kernel), and the driver's error name and description, e.g.
//   cuLaunchKernel(k3_elementwise): CUDA_ERROR_ILLEGAL_ADDRESS (an illegal memory access ...)
#ifndef LOOM_TOOLS_GPU_CUDA_DRIVER_H_
#define LOOM_TOOLS_GPU_CUDA_DRIVER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "runtime/base/status.h"

namespace loom::gpu {

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
struct CUctx_st;
struct CUmod_st;
struct CUfunc_st;
struct CUevent_st;
struct CUstream_st;
using CUcontext = CUctx_st*;
using CUmodule = CUmod_st*;
using CUfunction = CUfunc_st*;
using CUevent = CUevent_st*;
using CUstream = CUstream_st*;

class CudaDriver {
 public:
  // dlopens libcuda.so.1 (or `library`), resolves the entry points, initializes the driver and
  // makes device 0's primary context current. kNotFound with "libcuda.so.1 not found ..."
  // when there is no driver; an error naming the call otherwise.
  static rt::Result<std::unique_ptr<CudaDriver>> Open(const std::string& library = "libcuda.so.1");
  ~CudaDriver();
  CudaDriver(const CudaDriver&) = delete;
  CudaDriver& operator=(const CudaDriver&) = delete;

  const std::string& device_name() const { return device_name_; }
  int compute_capability() const { return compute_capability_; }  // e.g. 90
  int driver_version() const { return driver_version_; }          // e.g. 13000

  // The PTX text, JIT-compiled by the driver; the JIT's error log is in the message on failure.
  rt::Status LoadModule(const std::string& ptx);
  rt::Result<CUfunction> Function(const std::string& name);
  // ptxas figures of a loaded function (registers, local bytes per thread, static shared).
  rt::Status FunctionInfo(CUfunction fn, int* registers, int* local_bytes, int* shared_bytes);

  rt::Result<CUdeviceptr> Alloc(size_t bytes, const std::string& what);
  void Free(CUdeviceptr ptr);
  rt::Status CopyToDevice(CUdeviceptr dst, const void* src, size_t bytes, const std::string& what);
  rt::Status CopyToHost(void* dst, CUdeviceptr src, size_t bytes, const std::string& what);
  rt::Status CopyOnDevice(CUdeviceptr dst, CUdeviceptr src, size_t bytes);
  rt::Status Fill(CUdeviceptr dst, uint8_t byte, size_t bytes, const std::string& what);
  rt::Status Launch(CUfunction fn, const int64_t grid[3], const int64_t block[3], void** params,
                    const std::string& kernel);
  rt::Status Synchronize(const std::string& what);

  // Microseconds between two events around `work` (which enqueues on the default stream).
  template <typename Work>
  rt::Result<double> TimeUs(Work&& work, const std::string& what);

 private:
  CudaDriver() = default;
  rt::Status Check(CUresult result, const std::string& call) const;
  rt::Status EventPair(CUevent* start, CUevent* stop);
  rt::Status Record(CUevent event);
  rt::Result<double> ElapsedUs(CUevent start, CUevent stop, const std::string& what);
  void DestroyEvent(CUevent event);

  struct Api;
  std::unique_ptr<Api> api_;
  void* handle_ = nullptr;
  CUcontext context_ = nullptr;
  CUdevice device_ = 0;
  CUmodule module_ = nullptr;
  std::string device_name_;
  int compute_capability_ = 0;
  int driver_version_ = 0;
};

template <typename Work>
rt::Result<double> CudaDriver::TimeUs(Work&& work, const std::string& what) {
  CUevent start = nullptr, stop = nullptr;
  LOOM_RETURN_IF_ERROR(EventPair(&start, &stop));
  rt::Status status = Record(start);
  if (status.ok()) status = work();
  if (status.ok()) status = Record(stop);
  rt::Result<double> us = status.ok() ? ElapsedUs(start, stop, what) : rt::Result<double>(status);
  DestroyEvent(start);
  DestroyEvent(stop);
  return us;
}

}  // namespace loom::gpu

#endif  // LOOM_TOOLS_GPU_CUDA_DRIVER_H_
