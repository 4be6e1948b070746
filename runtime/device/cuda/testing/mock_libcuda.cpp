// A stand-in for libcuda.so.1 with which the CUDA executor (runtime/device/cuda) and ptx_check
// (tools/gpu) run their GPU paths on a machine without a GPU. Device memory is host memory.
// Modules:
//  - the kernels of a bundle: the image (PTX text or cubin) is found, byte for byte, among the
//    kernels.ptx and kernels.cubin files of the bundle directories LOOM_MOCK_CUDA_BUNDLES lists
//    (colon-separated), and its kernels run the functions of the same name from that bundle's
//    kernels.so through the CPU launch ABI, once per block of the grid, with the parameter
//    counts of the bundle's kernels.ptx .entry declarations. PTX found in no bundle uses the one
//    kernels .so LOOM_MOCK_CUDA_KERNELS names (tools/gpu's ptx_check). LOOM_MOCK_CUDA_NO_CUBIN
//    makes every cubin fail with CUDA_ERROR_NO_BINARY_FOR_GPU, as a cubin for another GPU does;
//  - a fatbin (the runtime's attention kernels): each launch runs the kernel's CUDA source in
//    the host emulation (runtime/device/cuda/kernels), every block's threads as real threads.
// Streams run work at once, except while capturing: then it is recorded into a graph, which
// cuGraphLaunch replays; a synchronous call during a capture fails as it does on a GPU
// (CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED). loom_mock_cuda_enqueue lets the stand-in cuBLASLt
// (mock_cublaslt.cpp) enqueue its work the same way.
//
// So everything around the kernels is exercised (tables, parameters, copies, fills, graphs,
// errors); the PTX and SASS themselves are not run.
//
// Faults on request: LOOM_MOCK_CUDA_FAIL=<entry point> makes that call return
// CUDA_ERROR_LAUNCH_FAILED (719); LOOM_MOCK_CUDA_CORRUPT=<kernel> adds 1 to the first f32
// element of that kernel's last buffer after it runs. LOOM_MOCK_CUDA_STATS=<file> appends a
// line per graph launch, per eager launch and per host transfer ("upload N", "download N" bytes),
// for tests that check replays happen and what crosses between host and device.
#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/device/cuda/kernels/attention_emulation.h"
#include "runtime/device/cuda/kernels/attention_params.h"

namespace {

using KernelFn = void (*)(const int64_t*, void* const*, const int64_t*);

struct Function {
  std::string name;
  KernelFn fn = nullptr;   // a generated kernel's host build
  bool emulated = false;   // an attention kernel, run by the host emulation
  int num_buffers = 0;     // its PTX .entry's pointer parameters (.ptr), first
  int num_scalars = 0;     // and the others (i64 scalars)
};

struct Module {
  std::string ptx;         // the declarations of the generated kernels
  void* kernels = nullptr;  // their host build
  bool fatbin = false;
  std::map<std::string, std::unique_ptr<Function>> functions;
};

struct Event {
  std::chrono::steady_clock::time_point at;
};

using Work = std::function<void()>;
struct Graph {
  std::vector<Work> work;
};
struct Stream {
  Graph* capture = nullptr;  // recording, not running
};

constexpr int kSuccess = 0;
constexpr int kInvalidValue = 1;
constexpr int kNoBinaryForGpu = 209;
constexpr int kNotFound = 500;
constexpr int kLaunchFailed = 719;
constexpr int kCaptureUnsupported = 900;
constexpr uint32_t kFatbinMagic = 0xBA55ED50;

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

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return in ? bytes.str() : std::string();
}

// The bundle directory of LOOM_MOCK_CUDA_BUNDLES whose kernels.ptx or kernels.cubin is `image`
// (PTX: up to its NUL), or "".
std::string BundleOf(const void* image, bool cubin) {
  const char* list = std::getenv("LOOM_MOCK_CUDA_BUNDLES");
  if (list == nullptr) return "";
  std::stringstream dirs(list);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    const std::string file = ReadFile(dir + (cubin ? "/kernels.cubin" : "/kernels.ptx"));
    if (file.empty()) continue;
    const bool same = cubin ? std::memcmp(file.data(), image, file.size()) == 0
                            : file == static_cast<const char*>(image);
    if (same) return dir;
  }
  return "";
}

void Stat(const std::string& line) {
  if (const char* path = std::getenv("LOOM_MOCK_CUDA_STATS")) {
    std::ofstream(path, std::ios::app) << line << "\n";
  }
}

Stream* legacy_stream() {
  static Stream stream;
  return &stream;
}
Stream* AsStream(void* stream) {
  return stream == nullptr ? legacy_stream() : static_cast<Stream*>(stream);
}
// Any stream capturing: synchronous calls are refused then (thread-local mode, one thread).
int capturing = 0;

// Runs `work` now, or records it when `stream` is capturing.
int Enqueue(void* stream, Work work) {
  Stream* s = AsStream(stream);
  if (s->capture != nullptr) {
    s->capture->work.push_back(std::move(work));
  } else {
    work();
  }
  return kSuccess;
}

int Sync(const char* call) {
  if (capturing > 0) return kCaptureUnsupported;
  return Fault(call);
}

void* Ptr(unsigned long long p) { return reinterpret_cast<void*>(p); }

void RunGenerated(const Function* f, unsigned gx, unsigned gy, unsigned gz,
                  const std::vector<void*>& buffers, const std::vector<int64_t>& scalars) {
  for (unsigned z = 0; z < gz; ++z)
    for (unsigned y = 0; y < gy; ++y)
      for (unsigned x = 0; x < gx; ++x) {
        const int64_t id[3] = {x, y, z};
        f->fn(id, buffers.data(), scalars.data());
      }
  const char* corrupt = std::getenv("LOOM_MOCK_CUDA_CORRUPT");
  if (corrupt != nullptr && f->name == corrupt && !buffers.empty()) {
    float value;
    std::memcpy(&value, buffers.back(), sizeof(value));
    value += 1.0f;
    std::memcpy(buffers.back(), &value, sizeof(value));
  }
}

}  // namespace

extern "C" {

// For the stand-in cuBLASLt: run `work(context)` on `stream` now or in its capture.
int loom_mock_cuda_enqueue(void* stream, void (*work)(void*), void* context) {
  return Enqueue(stream, [work, context] { work(context); });
}

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
int cuCtxSynchronize() { return Sync("cuCtxSynchronize"); }

int cuModuleLoadDataEx(void** module, const void* image, unsigned, int*, void**) {
  if (int fault = Fault("cuModuleLoadDataEx")) return fault;
  auto m = std::make_unique<Module>();
  uint32_t magic = 0;
  std::memcpy(&magic, image, sizeof(magic));
  if (magic == kFatbinMagic) {
    m->fatbin = true;
  } else {
    const bool cubin = std::memcmp(image, "\x7f" "ELF", 4) == 0;
    if (cubin && std::getenv("LOOM_MOCK_CUDA_NO_CUBIN") != nullptr) return kNoBinaryForGpu;
    const std::string dir = BundleOf(image, cubin);
    if (!dir.empty()) {
      m->ptx = ReadFile(dir + "/kernels.ptx");
      m->kernels = dlopen((dir + "/kernels.so").c_str(), RTLD_NOW | RTLD_LOCAL);
    } else if (!cubin) {
      m->ptx = static_cast<const char*>(image);
      m->kernels = Kernels();
    }
    if (m->kernels == nullptr) return cubin ? kNoBinaryForGpu : kNotFound;
  }
  *module = m.release();
  return kSuccess;
}
int cuModuleUnload(void* module) {
  delete static_cast<Module*>(module);
  return kSuccess;
}
int cuModuleGetFunction(void** function, void* module, const char* name) {
  auto* m = static_cast<Module*>(module);
  // The same handle for the same name, as the driver gives: earlier handles stay valid.
  if (auto known = m->functions.find(name); known != m->functions.end()) {
    *function = known->second.get();
    return kSuccess;
  }
  auto f = std::make_unique<Function>();
  f->name = name;
  if (m->fatbin) {
    f->emulated = true;
  } else {
    const size_t entry = m->ptx.find(std::string(".entry ") + name + "(");
    if (entry == std::string::npos) return kNotFound;
    f->fn = reinterpret_cast<KernelFn>(dlsym(m->kernels, name));
    if (f->fn == nullptr) return kNotFound;
    const size_t close = m->ptx.find(')', entry);
    for (size_t at = m->ptx.find(".param", entry); at < close; at = m->ptx.find(".param", at + 1)) {
      const size_t end = std::min(m->ptx.find_first_of(",)", at), close);
      if (m->ptx.substr(at, end - at).find(".ptr") != std::string::npos) {
        ++f->num_buffers;
      } else {
        ++f->num_scalars;
      }
    }
  }
  *function = f.get();
  m->functions[name] = std::move(f);
  return kSuccess;
}
int cuFuncGetAttribute(int* value, int, void*) {
  *value = 0;
  return kSuccess;
}
int cuFuncSetAttribute(void*, int, int) { return kSuccess; }

int cuMemAlloc_v2(unsigned long long* ptr, size_t bytes) {
  if (capturing > 0) return kCaptureUnsupported;
  // 256-byte aligned, as cuMemAlloc's are.
  void* memory = std::aligned_alloc(256, (bytes + 255) / 256 * 256);
  if (memory == nullptr) return 2;  // CUDA_ERROR_OUT_OF_MEMORY
  *ptr = reinterpret_cast<unsigned long long>(memory);
  return kSuccess;
}
int cuMemFree_v2(unsigned long long ptr) {
  std::free(Ptr(ptr));
  return kSuccess;
}
int cuMemcpyHtoD_v2(unsigned long long dst, const void* src, size_t bytes) {
  Stat("upload " + std::to_string(bytes));
  if (int error = Sync("cuMemcpyHtoD")) return error;
  std::memcpy(Ptr(dst), src, bytes);
  return kSuccess;
}
int cuMemcpyDtoH_v2(void* dst, unsigned long long src, size_t bytes) {
  Stat("download " + std::to_string(bytes));
  if (int error = Sync("cuMemcpyDtoH")) return error;
  std::memcpy(dst, Ptr(src), bytes);
  return kSuccess;
}
int cuMemcpyDtoD_v2(unsigned long long dst, unsigned long long src, size_t bytes) {
  if (int error = Sync("cuMemcpyDtoD")) return error;
  std::memcpy(Ptr(dst), Ptr(src), bytes);
  return kSuccess;
}
int cuMemsetD8_v2(unsigned long long dst, unsigned char value, size_t bytes) {
  if (int error = Sync("cuMemsetD8")) return error;
  std::memset(Ptr(dst), value, bytes);
  return kSuccess;
}

int cuStreamCreate(void** stream, unsigned) {
  *stream = new Stream;
  return kSuccess;
}
int cuStreamDestroy_v2(void* stream) {
  delete static_cast<Stream*>(stream);
  return kSuccess;
}
int cuStreamSynchronize(void*) { return Sync("cuStreamSynchronize"); }
int cuMemcpyHtoDAsync_v2(unsigned long long dst, const void* src, size_t bytes, void* stream) {
  Stat("upload " + std::to_string(bytes));
  // A pageable host source is staged at the call, as the driver does.
  std::string staged(static_cast<const char*>(src), bytes);
  return Enqueue(stream, [dst, staged] { std::memcpy(Ptr(dst), staged.data(), staged.size()); });
}
int cuMemcpyDtoHAsync_v2(void* dst, unsigned long long src, size_t bytes, void* stream) {
  Stat("download " + std::to_string(bytes));
  return Enqueue(stream, [=] { std::memcpy(dst, Ptr(src), bytes); });
}
int cuMemcpyDtoDAsync_v2(unsigned long long dst, unsigned long long src, size_t bytes,
                         void* stream) {
  return Enqueue(stream, [=] { std::memcpy(Ptr(dst), Ptr(src), bytes); });
}
int cuMemsetD8Async(unsigned long long dst, unsigned char value, size_t bytes, void* stream) {
  return Enqueue(stream, [=] { std::memset(Ptr(dst), value, bytes); });
}
int cuMemsetD32Async(unsigned long long dst, unsigned value, size_t words, void* stream) {
  return Enqueue(stream, [=] {
    auto* out = static_cast<uint32_t*>(Ptr(dst));
    for (size_t i = 0; i < words; ++i) out[i] = value;
  });
}

int cuLaunchKernel(void* function, unsigned gx, unsigned gy, unsigned gz, unsigned bx,
                   unsigned by, unsigned bz, unsigned shared, void* stream, void** params,
                   void** extra) {
  if (int fault = Fault("cuLaunchKernel")) return fault;
  auto* f = static_cast<Function*>(function);
  if (bx == 0 || extra != nullptr || params == nullptr) return kInvalidValue;
  if (f->emulated) {
    // The one parameter is a struct passed by value: its bytes are copied at the launch.
    const size_t bytes = loom_emulated_kernel_parameter_bytes(f->name.c_str());
    if (bytes == 0) return kInvalidValue;
    auto block = std::make_shared<std::vector<char>>(static_cast<char*>(params[0]),
                                                     static_cast<char*>(params[0]) + bytes);
    std::string name = f->name;
    return Enqueue(stream, [=] {
      const int64_t grid[3] = {gx, gy, gz}, threads[3] = {bx, by, bz};
      void* kernel_params[1] = {block->data()};
      Stat("launch " + name);
      if (loom_emulate_cuda_kernel(name.c_str(), grid, threads, shared, kernel_params) != 0) {
        std::fprintf(stderr, "mock libcuda: no emulated kernel '%s'\n", name.c_str());
        std::abort();
      }
    });
  }
  if (shared != 0) return kInvalidValue;
  // params[i] points to the device pointer of buffer i, then to each i64 scalar, as many as
  // the entry declares; their values are read at the launch (a capture keeps them).
  std::vector<void*> buffers;
  for (int i = 0; i < f->num_buffers; ++i)
    buffers.push_back(reinterpret_cast<void*>(*static_cast<unsigned long long*>(params[i])));
  std::vector<int64_t> scalars(1, 0);
  for (int i = 0; i < f->num_scalars; ++i)
    scalars.insert(scalars.end() - 1, *static_cast<int64_t*>(params[f->num_buffers + i]));
  return Enqueue(stream, [=] {
    Stat("launch " + f->name);
    RunGenerated(f, gx, gy, gz, buffers, scalars);
  });
}

int cuStreamBeginCapture_v2(void* stream, int) {
  Stream* s = AsStream(stream);
  if (s->capture != nullptr) return kInvalidValue;
  s->capture = new Graph;
  ++capturing;
  return kSuccess;
}
int cuStreamEndCapture(void* stream, void** graph) {
  Stream* s = AsStream(stream);
  if (s->capture == nullptr) return kInvalidValue;
  *graph = s->capture;
  s->capture = nullptr;
  --capturing;
  return kSuccess;
}
int cuGraphInstantiateWithFlags(void** exec, void* graph, unsigned long long) {
  *exec = new Graph(*static_cast<Graph*>(graph));
  return kSuccess;
}
int cuGraphLaunch(void* exec, void* stream) {
  if (int fault = Fault("cuGraphLaunch")) return fault;
  auto* graph = static_cast<Graph*>(exec);
  Stat("graph " + std::to_string(graph->work.size()));
  return Enqueue(stream, [graph] {
    for (const Work& work : graph->work) work();
  });
}
int cuGraphExecDestroy(void* exec) {
  delete static_cast<Graph*>(exec);
  return kSuccess;
}
int cuGraphDestroy(void* graph) {
  delete static_cast<Graph*>(graph);
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
    case kNoBinaryForGpu: *name = "CUDA_ERROR_NO_BINARY_FOR_GPU"; return kSuccess;
    case kNotFound: *name = "CUDA_ERROR_NOT_FOUND"; return kSuccess;
    case kLaunchFailed: *name = "CUDA_ERROR_LAUNCH_FAILED"; return kSuccess;
    case kCaptureUnsupported: *name = "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED"; return kSuccess;
    default: *name = "CUDA_ERROR_UNKNOWN"; return kSuccess;
  }
}
int cuGetErrorString(int, const char** text) {
  *text = "mock CUDA error";
  return kSuccess;
}

}  // extern "C"
