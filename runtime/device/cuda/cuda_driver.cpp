#include "runtime/device/cuda/cuda_driver.h"

#include <dlfcn.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <vector>

namespace loom::rt::cuda {
namespace {

// Values from the driver API (cuda.h: CUjit_option, CUdevice_attribute, CUfunction_attribute,
// CUstreamCaptureMode, CUstream_flags).
constexpr int kJitInfoLogBuffer = 3;
constexpr int kJitInfoLogBufferSizeBytes = 4;
constexpr int kJitErrorLogBuffer = 5;
constexpr int kJitErrorLogBufferSizeBytes = 6;
constexpr int kAttributeComputeCapabilityMajor = 75;
constexpr int kAttributeComputeCapabilityMinor = 76;
constexpr int kFuncAttributeSharedSizeBytes = 1;
constexpr int kFuncAttributeLocalSizeBytes = 3;
constexpr int kFuncAttributeNumRegs = 4;
constexpr int kFuncAttributeMaxDynamicSharedSizeBytes = 8;
constexpr unsigned kEventDefault = 0;
constexpr unsigned kStreamNonBlocking = 1;
constexpr int kCaptureModeThreadLocal = 1;

}  // namespace

// The entry points, by the names libcuda.so.1 exports (the ones cuda.h's macros pick in CUDA 13).
struct CudaDriver::Api {
  CUresult (*cuInit)(unsigned);
  CUresult (*cuDriverGetVersion)(int*);
  CUresult (*cuDeviceGet)(CUdevice*, int);
  CUresult (*cuDeviceGetName)(char*, int, CUdevice);
  CUresult (*cuDeviceGetAttribute)(int*, int, CUdevice);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext*, CUdevice);
  CUresult (*cuDevicePrimaryCtxRelease)(CUdevice);
  CUresult (*cuCtxSetCurrent)(CUcontext);
  CUresult (*cuCtxSynchronize)();
  CUresult (*cuModuleLoadDataEx)(CUmodule*, const void*, unsigned, int*, void**);
  CUresult (*cuModuleUnload)(CUmodule);
  CUresult (*cuModuleGetFunction)(CUfunction*, CUmodule, const char*);
  CUresult (*cuFuncGetAttribute)(int*, int, CUfunction);
  CUresult (*cuFuncSetAttribute)(CUfunction, int, int);
  CUresult (*cuMemAlloc)(CUdeviceptr*, size_t);
  CUresult (*cuMemFree)(CUdeviceptr);
  CUresult (*cuMemcpyHtoD)(CUdeviceptr, const void*, size_t);
  CUresult (*cuMemcpyDtoH)(void*, CUdeviceptr, size_t);
  CUresult (*cuMemcpyDtoD)(CUdeviceptr, CUdeviceptr, size_t);
  CUresult (*cuMemsetD8)(CUdeviceptr, unsigned char, size_t);
  CUresult (*cuStreamCreate)(CUstream*, unsigned);
  CUresult (*cuStreamDestroy)(CUstream);
  CUresult (*cuStreamSynchronize)(CUstream);
  CUresult (*cuMemcpyHtoDAsync)(CUdeviceptr, const void*, size_t, CUstream);
  CUresult (*cuMemcpyDtoHAsync)(void*, CUdeviceptr, size_t, CUstream);
  CUresult (*cuMemcpyDtoDAsync)(CUdeviceptr, CUdeviceptr, size_t, CUstream);
  CUresult (*cuMemsetD8Async)(CUdeviceptr, unsigned char, size_t, CUstream);
  CUresult (*cuMemsetD32Async)(CUdeviceptr, unsigned, size_t, CUstream);
  CUresult (*cuLaunchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned,
                             unsigned, unsigned, CUstream, void**, void**);
  CUresult (*cuStreamBeginCapture)(CUstream, int);
  CUresult (*cuStreamEndCapture)(CUstream, CUgraph*);
  CUresult (*cuGraphInstantiateWithFlags)(CUgraphExec*, CUgraph, unsigned long long);
  CUresult (*cuGraphLaunch)(CUgraphExec, CUstream);
  CUresult (*cuGraphExecDestroy)(CUgraphExec);
  CUresult (*cuGraphDestroy)(CUgraph);
  CUresult (*cuEventCreate)(CUevent*, unsigned);
  CUresult (*cuEventRecord)(CUevent, CUstream);
  CUresult (*cuEventSynchronize)(CUevent);
  CUresult (*cuEventElapsedTime)(float*, CUevent, CUevent);
  CUresult (*cuEventDestroy)(CUevent);
  CUresult (*cuGetErrorName)(CUresult, const char**);
  CUresult (*cuGetErrorString)(CUresult, const char**);
};

Result<std::shared_ptr<CudaDriver>> CudaDriver::Open(const std::string& requested) {
  std::string library = requested;
  if (library.empty()) {
    const char* override_path = std::getenv("LOOM_CUDA_DRIVER");
    library = override_path != nullptr && *override_path ? override_path : "libcuda.so.1";
  }
  static std::mutex mutex;
  static std::map<std::string, std::weak_ptr<CudaDriver>> open;
  std::lock_guard<std::mutex> lock(mutex);
  if (std::shared_ptr<CudaDriver> shared = open[library].lock()) {
    // The context is current per thread: make it so on the thread asking now.
    LOOM_RETURN_IF_ERROR(shared->Check(shared->api_->cuCtxSetCurrent(shared->context_),
                                       "cuCtxSetCurrent"));
    return shared;
  }
  void* handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return MakeStatus(StatusCode::kNotFound, library,
                      " not found: running on the GPU needs the NVIDIA driver's CUDA library "
                      "(dlopen: ",
                      why ? why : "unknown error", "); on a machine without a GPU use --device cpu");
  }
  std::shared_ptr<CudaDriver> driver(new CudaDriver());
  driver->handle_ = handle;
  driver->api_ = std::make_unique<Api>();
  Api& api = *driver->api_;
  std::string missing;
  auto resolve = [&](auto& fn, std::initializer_list<const char*> names) {
    for (const char* name : names) {
      if (void* symbol = dlsym(handle, name)) {
        fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(symbol);
        return;
      }
    }
    missing += std::string(missing.empty() ? "" : ", ") + *names.begin();
  };
  resolve(api.cuInit, {"cuInit"});
  resolve(api.cuDriverGetVersion, {"cuDriverGetVersion"});
  resolve(api.cuDeviceGet, {"cuDeviceGet"});
  resolve(api.cuDeviceGetName, {"cuDeviceGetName"});
  resolve(api.cuDeviceGetAttribute, {"cuDeviceGetAttribute"});
  resolve(api.cuDevicePrimaryCtxRetain, {"cuDevicePrimaryCtxRetain"});
  resolve(api.cuDevicePrimaryCtxRelease, {"cuDevicePrimaryCtxRelease_v2", "cuDevicePrimaryCtxRelease"});
  resolve(api.cuCtxSetCurrent, {"cuCtxSetCurrent"});
  resolve(api.cuCtxSynchronize, {"cuCtxSynchronize"});
  resolve(api.cuModuleLoadDataEx, {"cuModuleLoadDataEx"});
  resolve(api.cuModuleUnload, {"cuModuleUnload"});
  resolve(api.cuModuleGetFunction, {"cuModuleGetFunction"});
  resolve(api.cuFuncGetAttribute, {"cuFuncGetAttribute"});
  resolve(api.cuFuncSetAttribute, {"cuFuncSetAttribute"});
  resolve(api.cuMemAlloc, {"cuMemAlloc_v2"});
  resolve(api.cuMemFree, {"cuMemFree_v2"});
  resolve(api.cuMemcpyHtoD, {"cuMemcpyHtoD_v2"});
  resolve(api.cuMemcpyDtoH, {"cuMemcpyDtoH_v2"});
  resolve(api.cuMemcpyDtoD, {"cuMemcpyDtoD_v2"});
  resolve(api.cuMemsetD8, {"cuMemsetD8_v2"});
  resolve(api.cuStreamCreate, {"cuStreamCreate"});
  resolve(api.cuStreamDestroy, {"cuStreamDestroy_v2"});
  resolve(api.cuStreamSynchronize, {"cuStreamSynchronize"});
  resolve(api.cuMemcpyHtoDAsync, {"cuMemcpyHtoDAsync_v2"});
  resolve(api.cuMemcpyDtoHAsync, {"cuMemcpyDtoHAsync_v2"});
  resolve(api.cuMemcpyDtoDAsync, {"cuMemcpyDtoDAsync_v2"});
  resolve(api.cuMemsetD8Async, {"cuMemsetD8Async"});
  resolve(api.cuMemsetD32Async, {"cuMemsetD32Async"});
  resolve(api.cuLaunchKernel, {"cuLaunchKernel"});
  resolve(api.cuStreamBeginCapture, {"cuStreamBeginCapture_v2"});
  resolve(api.cuStreamEndCapture, {"cuStreamEndCapture"});
  resolve(api.cuGraphInstantiateWithFlags, {"cuGraphInstantiateWithFlags"});
  resolve(api.cuGraphLaunch, {"cuGraphLaunch"});
  resolve(api.cuGraphExecDestroy, {"cuGraphExecDestroy"});
  resolve(api.cuGraphDestroy, {"cuGraphDestroy"});
  resolve(api.cuEventCreate, {"cuEventCreate"});
  resolve(api.cuEventRecord, {"cuEventRecord"});
  resolve(api.cuEventSynchronize, {"cuEventSynchronize"});
  resolve(api.cuEventElapsedTime, {"cuEventElapsedTime_v2", "cuEventElapsedTime"});
  resolve(api.cuEventDestroy, {"cuEventDestroy_v2"});
  resolve(api.cuGetErrorName, {"cuGetErrorName"});
  resolve(api.cuGetErrorString, {"cuGetErrorString"});
  if (!missing.empty()) {
    return MakeStatus(StatusCode::kUnsupported, library, " lacks driver API entry points: ",
                      missing, " (a CUDA 12 or 13 driver is needed)");
  }
  LOOM_RETURN_IF_ERROR(driver->Check(api.cuInit(0), "cuInit"));
  LOOM_RETURN_IF_ERROR(
      driver->Check(api.cuDriverGetVersion(&driver->driver_version_), "cuDriverGetVersion"));
  LOOM_RETURN_IF_ERROR(driver->Check(api.cuDeviceGet(&driver->device_, 0), "cuDeviceGet(0)"));
  char name[256] = {};
  LOOM_RETURN_IF_ERROR(
      driver->Check(api.cuDeviceGetName(name, sizeof(name) - 1, driver->device_), "cuDeviceGetName"));
  driver->device_name_ = name;
  int major = 0, minor = 0;
  LOOM_RETURN_IF_ERROR(driver->Check(
      api.cuDeviceGetAttribute(&major, kAttributeComputeCapabilityMajor, driver->device_),
      "cuDeviceGetAttribute(compute capability major)"));
  LOOM_RETURN_IF_ERROR(driver->Check(
      api.cuDeviceGetAttribute(&minor, kAttributeComputeCapabilityMinor, driver->device_),
      "cuDeviceGetAttribute(compute capability minor)"));
  driver->compute_capability_ = major * 10 + minor;
  LOOM_RETURN_IF_ERROR(driver->Check(
      api.cuDevicePrimaryCtxRetain(&driver->context_, driver->device_), "cuDevicePrimaryCtxRetain"));
  LOOM_RETURN_IF_ERROR(driver->Check(api.cuCtxSetCurrent(driver->context_), "cuCtxSetCurrent"));
  open[library] = driver;
  return driver;
}

CudaDriver::~CudaDriver() {
  if (api_ && context_ != nullptr) api_->cuDevicePrimaryCtxRelease(device_);
  // The library stays loaded: the driver may still run exit-time callbacks from it.
}

Status CudaDriver::Check(CUresult result, const std::string& call) const {
  if (result == 0) return OkStatus();
  const char* name = nullptr;
  const char* text = nullptr;
  if (api_->cuGetErrorName == nullptr || api_->cuGetErrorName(result, &name) != 0) name = nullptr;
  if (api_->cuGetErrorString == nullptr || api_->cuGetErrorString(result, &text) != 0) text = nullptr;
  return MakeStatus(StatusCode::kInternal, call, " failed: ", name ? name : "CUDA error",
                    " (", result, text ? std::string(": ") + text : std::string(), ")");
}

Result<CUmodule> CudaDriver::LoadModule(const void* image, const std::string& what) {
  std::vector<char> error_log(1 << 16, '\0'), info_log(1 << 16, '\0');
  int options[] = {kJitErrorLogBuffer, kJitErrorLogBufferSizeBytes, kJitInfoLogBuffer,
                   kJitInfoLogBufferSizeBytes};
  void* values[] = {error_log.data(), reinterpret_cast<void*>(error_log.size() - 1),
                    info_log.data(), reinterpret_cast<void*>(info_log.size() - 1)};
  CUmodule module = nullptr;
  CUresult result = api_->cuModuleLoadDataEx(&module, image, 4, options, values);
  if (result != 0) {
    Status status = Check(result, "cuModuleLoadDataEx(" + what + ")");
    if (error_log[0] == '\0') return status;
    return Status(status.code(), status.message() + "\nJIT log:\n" + error_log.data());
  }
  return module;
}

void CudaDriver::UnloadModule(CUmodule module) {
  if (module != nullptr) api_->cuModuleUnload(module);
}

Result<CUfunction> CudaDriver::Function(CUmodule module, const std::string& name) {
  CUfunction fn = nullptr;
  LOOM_RETURN_IF_ERROR(Check(api_->cuModuleGetFunction(&fn, module, name.c_str()),
                             "cuModuleGetFunction(" + name + ")"));
  return fn;
}

Status CudaDriver::FunctionInfo(CUfunction fn, int* registers, int* local_bytes,
                                int* shared_bytes) {
  LOOM_RETURN_IF_ERROR(Check(api_->cuFuncGetAttribute(registers, kFuncAttributeNumRegs, fn),
                             "cuFuncGetAttribute(registers)"));
  LOOM_RETURN_IF_ERROR(Check(api_->cuFuncGetAttribute(local_bytes, kFuncAttributeLocalSizeBytes, fn),
                             "cuFuncGetAttribute(local bytes)"));
  return Check(api_->cuFuncGetAttribute(shared_bytes, kFuncAttributeSharedSizeBytes, fn),
               "cuFuncGetAttribute(shared bytes)");
}

Status CudaDriver::SetMaxDynamicShared(CUfunction fn, int bytes, const std::string& kernel) {
  return Check(api_->cuFuncSetAttribute(fn, kFuncAttributeMaxDynamicSharedSizeBytes, bytes),
               "cuFuncSetAttribute(" + kernel + ", max dynamic shared " + std::to_string(bytes) +
                   " bytes)");
}

Result<CUdeviceptr> CudaDriver::Alloc(size_t bytes, const std::string& what) {
  CUdeviceptr ptr = 0;
  // A zero-size buffer still gets an address (the kernel never dereferences it).
  LOOM_RETURN_IF_ERROR(Check(api_->cuMemAlloc(&ptr, bytes == 0 ? 256 : bytes),
                             "cuMemAlloc(" + std::to_string(bytes) + " bytes, " + what + ")"));
  return ptr;
}

void CudaDriver::Free(CUdeviceptr ptr) {
  if (ptr != 0) api_->cuMemFree(ptr);
}

Status CudaDriver::CopyToDevice(CUdeviceptr dst, const void* src, size_t bytes,
                                const std::string& what) {
  if (bytes == 0) return OkStatus();
  return Check(api_->cuMemcpyHtoD(dst, src, bytes), "cuMemcpyHtoD(" + what + ")");
}

Status CudaDriver::CopyToHost(void* dst, CUdeviceptr src, size_t bytes, const std::string& what) {
  if (bytes == 0) return OkStatus();
  return Check(api_->cuMemcpyDtoH(dst, src, bytes), "cuMemcpyDtoH(" + what + ")");
}

Status CudaDriver::CopyOnDevice(CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
  return Check(api_->cuMemcpyDtoD(dst, src, bytes), "cuMemcpyDtoD");
}

Status CudaDriver::Fill(CUdeviceptr dst, uint8_t byte, size_t bytes, const std::string& what) {
  if (bytes == 0) return OkStatus();
  return Check(api_->cuMemsetD8(dst, byte, bytes), "cuMemsetD8(" + what + ")");
}

Status CudaDriver::Synchronize(const std::string& what) {
  return Check(api_->cuCtxSynchronize(), "cuCtxSynchronize(after " + what + ")");
}

Result<CUstream> CudaDriver::CreateStream() {
  CUstream stream = nullptr;
  // Non-blocking: the program's stream never waits on the legacy default stream.
  LOOM_RETURN_IF_ERROR(Check(api_->cuStreamCreate(&stream, kStreamNonBlocking), "cuStreamCreate"));
  return stream;
}

void CudaDriver::DestroyStream(CUstream stream) {
  if (stream != nullptr) api_->cuStreamDestroy(stream);
}

Status CudaDriver::SynchronizeStream(CUstream stream, const std::string& what) {
  return Check(api_->cuStreamSynchronize(stream), "cuStreamSynchronize(after " + what + ")");
}

Status CudaDriver::CopyToDeviceAsync(CUdeviceptr dst, const void* src, size_t bytes,
                                     CUstream stream, const std::string& what) {
  if (bytes == 0) return OkStatus();
  return Check(api_->cuMemcpyHtoDAsync(dst, src, bytes, stream), "cuMemcpyHtoDAsync(" + what + ")");
}

Status CudaDriver::CopyToHostAsync(void* dst, CUdeviceptr src, size_t bytes, CUstream stream,
                                   const std::string& what) {
  if (bytes == 0) return OkStatus();
  return Check(api_->cuMemcpyDtoHAsync(dst, src, bytes, stream), "cuMemcpyDtoHAsync(" + what + ")");
}

Status CudaDriver::CopyOnDeviceAsync(CUdeviceptr dst, CUdeviceptr src, size_t bytes,
                                     CUstream stream, const std::string& what) {
  if (bytes == 0) return OkStatus();
  return Check(api_->cuMemcpyDtoDAsync(dst, src, bytes, stream), "cuMemcpyDtoDAsync(" + what + ")");
}

Status CudaDriver::Fill8Async(CUdeviceptr dst, uint8_t byte, size_t bytes, CUstream stream,
                              const std::string& what) {
  if (bytes == 0) return OkStatus();
  return Check(api_->cuMemsetD8Async(dst, byte, bytes, stream), "cuMemsetD8Async(" + what + ")");
}

Status CudaDriver::Fill32Async(CUdeviceptr dst, uint32_t word, size_t words, CUstream stream,
                               const std::string& what) {
  if (words == 0) return OkStatus();
  return Check(api_->cuMemsetD32Async(dst, word, words, stream), "cuMemsetD32Async(" + what + ")");
}

Status CudaDriver::Launch(CUfunction fn, const int64_t grid[3], const int64_t block[3],
                          void** params, const std::string& kernel, unsigned shared_bytes,
                          CUstream stream) {
  return Check(api_->cuLaunchKernel(fn, static_cast<unsigned>(grid[0]),
                                    static_cast<unsigned>(grid[1]), static_cast<unsigned>(grid[2]),
                                    static_cast<unsigned>(block[0]),
                                    static_cast<unsigned>(block[1]),
                                    static_cast<unsigned>(block[2]), shared_bytes, stream, params,
                                    /*extra=*/nullptr),
               "cuLaunchKernel(" + kernel + ")");
}

Status CudaDriver::BeginCapture(CUstream stream, const std::string& what) {
  return Check(api_->cuStreamBeginCapture(stream, kCaptureModeThreadLocal),
               "cuStreamBeginCapture(" + what + ")");
}

Result<CUgraph> CudaDriver::EndCapture(CUstream stream, const std::string& what) {
  CUgraph graph = nullptr;
  LOOM_RETURN_IF_ERROR(
      Check(api_->cuStreamEndCapture(stream, &graph), "cuStreamEndCapture(" + what + ")"));
  return graph;
}

Result<CUgraphExec> CudaDriver::Instantiate(CUgraph graph, const std::string& what) {
  CUgraphExec exec = nullptr;
  LOOM_RETURN_IF_ERROR(Check(api_->cuGraphInstantiateWithFlags(&exec, graph, 0),
                             "cuGraphInstantiateWithFlags(" + what + ")"));
  return exec;
}

Status CudaDriver::LaunchGraph(CUgraphExec exec, CUstream stream, const std::string& what) {
  return Check(api_->cuGraphLaunch(exec, stream), "cuGraphLaunch(" + what + ")");
}

void CudaDriver::DestroyGraph(CUgraph graph, CUgraphExec exec) {
  if (exec != nullptr) api_->cuGraphExecDestroy(exec);
  if (graph != nullptr) api_->cuGraphDestroy(graph);
}

Status CudaDriver::EventPair(CUevent* start, CUevent* stop) {
  LOOM_RETURN_IF_ERROR(Check(api_->cuEventCreate(start, kEventDefault), "cuEventCreate"));
  Status status = Check(api_->cuEventCreate(stop, kEventDefault), "cuEventCreate");
  if (!status.ok()) DestroyEvent(*start);
  return status;
}

Status CudaDriver::Record(CUevent event, CUstream stream) {
  return Check(api_->cuEventRecord(event, stream), "cuEventRecord");
}

Result<double> CudaDriver::ElapsedUs(CUevent start, CUevent stop, const std::string& what) {
  LOOM_RETURN_IF_ERROR(Check(api_->cuEventSynchronize(stop), "cuEventSynchronize(" + what + ")"));
  float ms = 0;
  LOOM_RETURN_IF_ERROR(
      Check(api_->cuEventElapsedTime(&ms, start, stop), "cuEventElapsedTime(" + what + ")"));
  return static_cast<double>(ms) * 1000.0;
}

void CudaDriver::DestroyEvent(CUevent event) {
  if (event != nullptr) api_->cuEventDestroy(event);
}

}  // namespace loom::rt::cuda
