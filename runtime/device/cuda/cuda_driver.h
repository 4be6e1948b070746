// CudaDriver: the CUDA driver API calls the runtime makes, resolved at run time from
// libcuda.so.1 with dlopen (DESIGN.md §3: no link-time CUDA dependency, so loom-run starts on a
// machine without a GPU and says clearly what is missing when asked for one). The declarations
// are this file's own, written from the driver API's documented C signatures (CUDA 12/13: the
// _v2 entry points cuda.h's macros select); nothing includes cuda.h.
//
// Every call returns a Status whose message names the call, what it was doing (e.g. the
// kernel), and the driver's error name and description, e.g.
//   cuLaunchKernel(k3_elementwise) failed: CUDA_ERROR_ILLEGAL_ADDRESS (700: an illegal ...)
#ifndef LOOM_RUNTIME_DEVICE_CUDA_CUDA_DRIVER_H_
#define LOOM_RUNTIME_DEVICE_CUDA_CUDA_DRIVER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "runtime/base/status.h"

namespace loom::rt::cuda {

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
struct CUctx_st;
struct CUmod_st;
struct CUfunc_st;
struct CUevent_st;
struct CUstream_st;
struct CUgraph_st;
struct CUgraphExec_st;
using CUcontext = CUctx_st*;
using CUmodule = CUmod_st*;
using CUfunction = CUfunc_st*;
using CUevent = CUevent_st*;
using CUstream = CUstream_st*;
using CUgraph = CUgraph_st*;
using CUgraphExec = CUgraphExec_st*;

class CudaDriver {
 public:
  // dlopens `library` (libcuda.so.1 unless LOOM_CUDA_DRIVER names another, which tests use for
  // a stand-in), resolves the entry points, initializes the driver and makes device 0's primary
  // context current. kNotFound with "libcuda.so.1 not found ..." when there is no driver.
  // Holders of the same library share one driver, so the primary context (and what lives in
  // it) is made once while any program holds it, not once per program.
  static Result<std::shared_ptr<CudaDriver>> Open(const std::string& library = "");
  ~CudaDriver();
  CudaDriver(const CudaDriver&) = delete;
  CudaDriver& operator=(const CudaDriver&) = delete;

  const std::string& device_name() const { return device_name_; }
  int compute_capability() const { return compute_capability_; }  // e.g. 90
  int driver_version() const { return driver_version_; }          // e.g. 13000

  // Modules. `image` is a cubin, a fatbin or NUL-terminated PTX (which the driver JIT-compiles);
  // on failure the message carries the JIT's error log. `what` names the image in errors.
  Result<CUmodule> LoadModule(const void* image, const std::string& what);
  void UnloadModule(CUmodule module);
  Result<CUfunction> Function(CUmodule module, const std::string& name);
  // ptxas figures of a loaded function (registers, local bytes per thread, static shared).
  Status FunctionInfo(CUfunction fn, int* registers, int* local_bytes, int* shared_bytes);
  // Allows `bytes` of dynamic shared memory (needed above 48 KiB).
  Status SetMaxDynamicShared(CUfunction fn, int bytes, const std::string& kernel);

  // Memory, synchronous (the null stream).
  Result<CUdeviceptr> Alloc(size_t bytes, const std::string& what);
  void Free(CUdeviceptr ptr);
  Status CopyToDevice(CUdeviceptr dst, const void* src, size_t bytes, const std::string& what);
  Status CopyToHost(void* dst, CUdeviceptr src, size_t bytes, const std::string& what);
  Status CopyOnDevice(CUdeviceptr dst, CUdeviceptr src, size_t bytes);
  Status Fill(CUdeviceptr dst, uint8_t byte, size_t bytes, const std::string& what);
  Status Synchronize(const std::string& what);

  // Streams: work enqueued on one runs in order. A null stream is the legacy default stream.
  Result<CUstream> CreateStream();
  void DestroyStream(CUstream stream);
  Status SynchronizeStream(CUstream stream, const std::string& what);
  Status CopyToDeviceAsync(CUdeviceptr dst, const void* src, size_t bytes, CUstream stream,
                           const std::string& what);
  Status CopyToHostAsync(void* dst, CUdeviceptr src, size_t bytes, CUstream stream,
                         const std::string& what);
  Status CopyOnDeviceAsync(CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream stream,
                           const std::string& what);
  Status Fill8Async(CUdeviceptr dst, uint8_t byte, size_t bytes, CUstream stream,
                    const std::string& what);
  Status Fill32Async(CUdeviceptr dst, uint32_t word, size_t words, CUstream stream,
                     const std::string& what);
  Status Launch(CUfunction fn, const int64_t grid[3], const int64_t block[3], void** params,
                const std::string& kernel, unsigned shared_bytes = 0, CUstream stream = nullptr);

  // Graphs: everything enqueued on `stream` between BeginCapture and EndCapture becomes one
  // graph (thread-local capture mode: other threads' CUDA calls are not disturbed).
  Status BeginCapture(CUstream stream, const std::string& what);
  Result<CUgraph> EndCapture(CUstream stream, const std::string& what);
  Result<CUgraphExec> Instantiate(CUgraph graph, const std::string& what);
  Status LaunchGraph(CUgraphExec exec, CUstream stream, const std::string& what);
  void DestroyGraph(CUgraph graph, CUgraphExec exec);

  // Microseconds between two events around `work` (which enqueues on `stream`).
  template <typename Work>
  Result<double> TimeUs(Work&& work, const std::string& what, CUstream stream = nullptr);

 private:
  CudaDriver() = default;
  Status Check(CUresult result, const std::string& call) const;
  Status EventPair(CUevent* start, CUevent* stop);
  Status Record(CUevent event, CUstream stream);
  Result<double> ElapsedUs(CUevent start, CUevent stop, const std::string& what);
  void DestroyEvent(CUevent event);

  struct Api;
  std::unique_ptr<Api> api_;
  void* handle_ = nullptr;
  CUcontext context_ = nullptr;
  CUdevice device_ = 0;
  std::string device_name_;
  int compute_capability_ = 0;
  int driver_version_ = 0;
};

template <typename Work>
Result<double> CudaDriver::TimeUs(Work&& work, const std::string& what, CUstream stream) {
  CUevent start = nullptr, stop = nullptr;
  LOOM_RETURN_IF_ERROR(EventPair(&start, &stop));
  Status status = Record(start, stream);
  if (status.ok()) status = work();
  if (status.ok()) status = Record(stop, stream);
  Result<double> us = status.ok() ? ElapsedUs(start, stop, what) : Result<double>(status);
  DestroyEvent(start);
  DestroyEvent(stop);
  return us;
}

}  // namespace loom::rt::cuda

#endif  // LOOM_RUNTIME_DEVICE_CUDA_CUDA_DRIVER_H_
