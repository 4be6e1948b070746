// A stand-in for libcuda.so.1 with which ptx_check's GPU path runs on a machine without a GPU
// (tools/gpu/test_ptx_check.sh): device memory is host memory, and cuLaunchKernel runs the
// kernel of the same name from the bundle's CPU kernels .so (LOOM_MOCK_CUDA_KERNELS) through
// the CPU launch ABI, once per block of the grid. So everything around the launch (the kernel
// table, buffer copies, the 0xFF fill of outputs, parameter passing as pointers to device
// pointers, the comparison, events and the report) is exercised; the PTX itself is not run.
//
// Faults on request: LOOM_MOCK_CUDA_FAIL=<entry point> makes that call return
// CUDA_ERROR_LAUNCH_FAILED (719); LOOM_MOCK_CUDA_CORRUPT=<kernel> adds 1 to the first f32
// element of that kernel's last buffer after it runs.
#include <dlfcn.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace {

using KernelFn = void (*)(const int64_t*, void* const*, const int64_t*);

struct Function {
  std::string name;
  KernelFn fn = nullptr;
  int num_params = 0;  // of its PTX .entry
};

struct Module {
  std::string ptx;
  std::map<std::string, Function> functions;
};

struct Event {
  std::chrono::steady_clock::time_point at;
};

constexpr int kSuccess = 0;
constexpr int kInvalidValue = 1;
constexpr int kNotFound = 500;
constexpr int kLaunchFailed = 719;

int Fault(const char* call) {
  const char* fail = std::getenv("LOOM_MOCK_CUDA_FAIL");
  return fail != nullptr && std::strcmp(fail, call) == 0 ? kLaunchFailed : kSuccess;
}

void* Kernels() {
  static void* handle = [] {
    const char* path = std::getenv("LOOM_MOCK_CUDA_KERNELS");
    return path ? dlopen(path, RTLD_NOW | RTLD_LOCAL) : nullptr;
  }();
  return handle;
}

}  // namespace

extern "C" {

int cuInit(unsigned) { return Fault("cuInit"); }
int cuDriverGetVersion(int* version) {
  *version = 13000;
  return kSuccess;
}
int cuDeviceGet(int* device, int ordinal) {
  *device = ordinal;
  return kSuccess;
}
int cuDeviceGetName(char* name, int length, int) {
  std::strncpy(name, "mock CUDA device (CPU kernels)", static_cast<size_t>(length));
  return kSuccess;
}
int cuDeviceGetAttribute(int* value, int attribute, int) {
  *value = attribute == 75 ? 9 : 0;  // compute capability 9.0
  return kSuccess;
}
int cuDevicePrimaryCtxRetain(void** context, int) {
  static int token;
  *context = &token;
  return kSuccess;
}
int cuDevicePrimaryCtxRelease_v2(int) { return kSuccess; }
int cuCtxSetCurrent(void*) { return kSuccess; }
int cuCtxSynchronize() { return Fault("cuCtxSynchronize"); }

int cuModuleLoadDataEx(void** module, const void* image, unsigned, int*, void**) {
  if (int fault = Fault("cuModuleLoadDataEx")) return fault;
  if (Kernels() == nullptr) return kNotFound;
  auto* m = new Module;
  m->ptx = static_cast<const char*>(image);
  *module = m;
  return kSuccess;
}
int cuModuleUnload(void* module) {
  delete static_cast<Module*>(module);
  return kSuccess;
}
int cuModuleGetFunction(void** function, void* module, const char* name) {
  auto* m = static_cast<Module*>(module);
  const size_t entry = m->ptx.find(std::string(".entry ") + name + "(");
  if (entry == std::string::npos) return kNotFound;
  auto fn = reinterpret_cast<KernelFn>(dlsym(Kernels(), name));
  if (fn == nullptr) return kNotFound;
  Function& f = m->functions[name];
  f.name = name;
  f.fn = fn;
  f.num_params = 0;
  const size_t close = m->ptx.find(')', entry);
  for (size_t at = m->ptx.find(".param", entry); at < close; at = m->ptx.find(".param", at + 1))
    ++f.num_params;
  *function = &f;
  return kSuccess;
}
int cuFuncGetAttribute(int* value, int, void*) {
  *value = 0;
  return kSuccess;
}

int cuMemAlloc_v2(unsigned long long* ptr, size_t bytes) {
  void* memory = std::malloc(bytes);
  if (memory == nullptr) return 2;  // CUDA_ERROR_OUT_OF_MEMORY
  *ptr = reinterpret_cast<unsigned long long>(memory);
  return kSuccess;
}
int cuMemFree_v2(unsigned long long ptr) {
  std::free(reinterpret_cast<void*>(ptr));
  return kSuccess;
}
int cuMemcpyHtoD_v2(unsigned long long dst, const void* src, size_t bytes) {
  std::memcpy(reinterpret_cast<void*>(dst), src, bytes);
  return kSuccess;
}
int cuMemcpyDtoH_v2(void* dst, unsigned long long src, size_t bytes) {
  std::memcpy(dst, reinterpret_cast<void*>(src), bytes);
  return kSuccess;
}
int cuMemcpyDtoD_v2(unsigned long long dst, unsigned long long src, size_t bytes) {
  std::memcpy(reinterpret_cast<void*>(dst), reinterpret_cast<void*>(src), bytes);
  return kSuccess;
}
int cuMemsetD8_v2(unsigned long long dst, unsigned char value, size_t bytes) {
  std::memset(reinterpret_cast<void*>(dst), value, bytes);
  return kSuccess;
}

int cuLaunchKernel(void* function, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned,
                   unsigned, unsigned shared, void*, void** params, void** extra) {
  if (int fault = Fault("cuLaunchKernel")) return fault;
  auto* f = static_cast<Function*>(function);
  if (bx == 0 || shared != 0 || extra != nullptr || params == nullptr) return kInvalidValue;
  // params[i] points to the device pointer of buffer i, as many as the entry declares.
  std::vector<void*> buffers;
  for (int i = 0; i < f->num_params; ++i)
    buffers.push_back(reinterpret_cast<void*>(*static_cast<unsigned long long*>(params[i])));
  const int64_t scalars[1] = {0};
  for (unsigned z = 0; z < gz; ++z)
    for (unsigned y = 0; y < gy; ++y)
      for (unsigned x = 0; x < gx; ++x) {
        const int64_t id[3] = {x, y, z};
        f->fn(id, buffers.data(), scalars);
      }
  const char* corrupt = std::getenv("LOOM_MOCK_CUDA_CORRUPT");
  if (corrupt != nullptr && f->name == corrupt && !buffers.empty()) {
    float value;
    std::memcpy(&value, buffers.back(), sizeof(value));
    value += 1.0f;
    std::memcpy(buffers.back(), &value, sizeof(value));
  }
  return kSuccess;
}

int cuEventCreate(void** event, unsigned) {
  *event = new Event;
  return kSuccess;
}
int cuEventRecord(void* event, void*) {
  static_cast<Event*>(event)->at = std::chrono::steady_clock::now();
  return kSuccess;
}
int cuEventSynchronize(void*) { return kSuccess; }
int cuEventElapsedTime_v2(float* ms, void* start, void* stop) {
  *ms = std::chrono::duration<float, std::milli>(static_cast<Event*>(stop)->at -
                                                 static_cast<Event*>(start)->at)
            .count();
  return kSuccess;
}
int cuEventDestroy_v2(void* event) {
  delete static_cast<Event*>(event);
  return kSuccess;
}
int cuGetErrorName(int error, const char** name) {
  switch (error) {
    case kInvalidValue: *name = "CUDA_ERROR_INVALID_VALUE"; return kSuccess;
    case kNotFound: *name = "CUDA_ERROR_NOT_FOUND"; return kSuccess;
    case kLaunchFailed: *name = "CUDA_ERROR_LAUNCH_FAILED"; return kSuccess;
    default: *name = "CUDA_ERROR_UNKNOWN"; return kSuccess;
  }
}
int cuGetErrorString(int, const char** text) {
  *text = "mock CUDA error";
  return kSuccess;
}

}  // extern "C"
