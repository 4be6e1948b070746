#include "runtime/device/cuda/cuda_executor.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

#include "runtime/base/host_tensor.h"
#include "runtime/bundle/bundle_dtype.h"
#include "runtime/device/cuda/cublaslt.h"
#include "runtime/device/cuda/cuda_attention.h"
#include "runtime/device/cuda/kernels/fatbins.h"
#include "runtime/device/cuda/kernels/arena_params.h"

namespace loom::rt::cuda {
namespace {

using loom::bundle::BufferView;
using loom::bundle::Command;
using loom::bundle::LibraryCall;

// cuBLASLt's recommended workspace for Hopper (32 MiB); one, shared by the program's GEMMs,
// which run in order on one stream.
constexpr size_t kGemmWorkspaceBytes = size_t{32} << 20;
// Above this a kernel must opt in to dynamic shared memory (cuFuncSetAttribute).
constexpr uint32_t kDefaultSharedLimit = 48 * 1024;

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeStatus(StatusCode::kNotFound, path, ": cannot open");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return MakeStatus(StatusCode::kIoError, path, ": read failed");
  return bytes.str();
}

}  // namespace

// One launch, its parameters laid out once: `storage` holds the values and `params` points at
// them (cuLaunchKernel's kernelParams).
struct KernelCall {
  std::string name;
  CUfunction fn = nullptr;
  int64_t grid[3] = {1, 1, 1};
  int64_t block[3] = {1, 1, 1};
  uint32_t shared_bytes = 0;
  std::vector<std::byte> storage;
  std::vector<void*> params;
};

struct CudaExecutor::Prepared {
  enum Kind { kLaunches, kGemm, kCopy, kFill8, kFill32, kNothing } kind = kNothing;
  std::string where;                 // "forward plan[3]", for errors
  std::vector<KernelCall> launches;  // kLaunches: a generated kernel, or attention's kernels
  std::unique_ptr<GemmPlan> gemm;    // kGemm
  CUdeviceptr a = 0, b = 0, c = 0, bias = 0;
  CUdeviceptr dst = 0, src = 0;      // kCopy (src), kFill*
  uint64_t count = 0;                // bytes (kCopy, kFill8) or words (kFill32)
  uint32_t word = 0;                 // kFill32's pattern; kFill8's byte in its low bits
};

// A chained step (RunChain): its graph, and one device staging buffer that the inputs are
// uploaded to before the graph and the outputs downloaded from after it.
struct CudaExecutor::Chain {
  struct Slot {
    uint64_t staging = 0;    // offset in the staging buffer
    CUdeviceptr device = 0;  // the tensor's place in its arena
    uint64_t bytes = 0;
  };
  std::vector<std::vector<Slot>> inputs, outputs;  // by chained entry, in signature order
  CUdeviceptr staging = 0;
  bool warmed = false;  // run once eagerly
  CUgraph graph = nullptr;
  CUgraphExec exec = nullptr;
};

struct CudaExecutor::Libraries {
  std::unique_ptr<CublasLt> cublaslt;
};

Result<std::unique_ptr<CudaExecutor>> CudaExecutor::Create(const Bundle& bundle,
                                                           const CudaExecutorOptions& options) {
  std::unique_ptr<CudaExecutor> executor(new CudaExecutor());
  executor->bundle_ = &bundle;
  executor->options_ = options;
  executor->libraries_ = std::make_unique<Libraries>();
  LOOM_ASSIGN_OR_RETURN(executor->driver_, CudaDriver::Open());
  Status status = executor->Prepare(bundle);
  if (!status.ok()) return Status(status.code(), bundle.dir + ": " + status.message());
  return executor;
}

CudaExecutor::~CudaExecutor() {
  if (!driver_) return;
  // Pending work finishes before its memory goes.
  if (stream_ != nullptr) (void)driver_->SynchronizeStream(stream_, "unload");
  for (size_t i = 0; i < graphs_.size(); ++i) driver_->DestroyGraph(graphs_[i], graph_execs_[i]);
  for (auto& [key, chain] : chains_) {
    driver_->DestroyGraph(chain->graph, chain->exec);
    driver_->Free(chain->staging);
  }
  plans_.clear();
  libraries_.reset();
  for (CUdeviceptr ptr : arenas_) driver_->Free(ptr);
  for (CUdeviceptr ptr : constants_) driver_->Free(ptr);
  driver_->Free(workspace_);
  driver_->Free(move_staging_);
  driver_->UnloadModule(kernels_);
  driver_->UnloadModule(attention_);
  driver_->UnloadModule(arena_kernels_);
  driver_->DestroyStream(stream_);
}

std::string CudaExecutor::DeviceDescription() const {
  return driver_->device_name() + " (sm_" + std::to_string(driver_->compute_capability()) +
         ", driver " + std::to_string(driver_->driver_version()) + ")";
}

Status CudaExecutor::Prepare(const Bundle& bundle) {
  const auto& manifest = bundle.manifest;
  LOOM_ASSIGN_OR_RETURN(stream_, driver_->CreateStream());
  for (const auto& arena : manifest.arenas()) {
    // cuMemAlloc aligns to at least 256 bytes, every alignment a manifest may ask up to 256;
    // larger ones (up to 4096) are page-granular allocations in practice, checked here.
    LOOM_ASSIGN_OR_RETURN(CUdeviceptr ptr, driver_->Alloc(arena.size_bytes(), "arena '" + arena.name() + "'"));
    arenas_.push_back(ptr);
    if (ptr % arena.alignment() != 0) {
      return MakeStatus(StatusCode::kUnsupported, "arena '", arena.name(), "' asks alignment ",
                        arena.alignment(), ", the device allocation is at ", ptr);
    }
    LOOM_RETURN_IF_ERROR(driver_->Fill(ptr, 0, arena.size_bytes(), "arena '" + arena.name() + "'"));
  }

  // The generated kernels: the cubin, else the PTX through the JIT.
  if (manifest.kernels_size() > 0) {
    LOOM_ASSIGN_OR_RETURN(std::string cubin, ReadFile(bundle.cubin_path));
    Result<CUmodule> module = driver_->LoadModule(cubin.data(), manifest.kernel_library());
    kernels_from_cubin_ = module.ok();
    if (!module.ok()) {
      LOOM_ASSIGN_OR_RETURN(std::string ptx, ReadFile(bundle.ptx_path));
      Result<CUmodule> jit = driver_->LoadModule(ptx.c_str(), manifest.cuda_ptx());
      if (!jit.ok()) {
        return MakeStatus(jit.status().code(), "neither the cubin nor the PTX loads on ",
                          DeviceDescription(), ": ", module.status().message(), "; ",
                          jit.status().message());
      }
      module = jit;
    }
    kernels_ = *module;
  }
  std::vector<CUfunction> functions;
  for (const auto& kernel : manifest.kernels()) {
    LOOM_ASSIGN_OR_RETURN(CUfunction fn, driver_->Function(kernels_, kernel.symbol()));
    functions.push_back(fn);
  }

  auto address = [&](const BufferView& view) { return arenas_[view.arena()] + view.offset_bytes(); };
  for (const auto& entry : manifest.entry_points()) {
    std::vector<std::unique_ptr<Prepared>> plan;
    for (int index = 0; index < entry.plan_size(); ++index) {
      const Command& command = entry.plan(index);
      auto prepared = std::make_unique<Prepared>();
      prepared->where = entry.name() + " plan[" + std::to_string(index) + "]";
      switch (command.command_case()) {
        case Command::kLaunch: {
          const auto& launch = command.launch();
          const auto& kernel = manifest.kernels(static_cast<int>(launch.kernel()));
          KernelCall call;
          call.name = kernel.name();
          call.fn = functions[launch.kernel()];
          for (int d = 0; d < 3; ++d) {
            call.grid[d] = launch.grid(d);
            call.block[d] = kernel.block(d);
          }
          // Buffers' device pointers, then scalars, 8 bytes each (bundle.proto, Kernel.block).
          for (const BufferView& view : launch.args()) {
            const CUdeviceptr ptr = address(view);
            const auto* bytes = reinterpret_cast<const std::byte*>(&ptr);
            call.storage.insert(call.storage.end(), bytes, bytes + sizeof(ptr));
          }
          for (int64_t scalar : launch.scalars()) {
            const auto* bytes = reinterpret_cast<const std::byte*>(&scalar);
            call.storage.insert(call.storage.end(), bytes, bytes + sizeof(scalar));
          }
          for (size_t at = 0; at < call.storage.size(); at += 8) call.params.push_back(&call.storage[at]);
          prepared->kind = Prepared::kLaunches;
          prepared->launches.push_back(std::move(call));
          break;
        }
        case Command::kLibraryCall: {
          const LibraryCall& call = command.library_call();
          std::vector<CUdeviceptr> args;
          for (const BufferView& view : call.args()) args.push_back(address(view));
          if (call.routine() == LibraryCall::GEMM_F32) {
            if (!libraries_->cublaslt) {
              LOOM_ASSIGN_OR_RETURN(libraries_->cublaslt, CublasLt::Open());
              LOOM_ASSIGN_OR_RETURN(workspace_, driver_->Alloc(kGemmWorkspaceBytes, "GEMM workspace"));
              workspace_bytes_ = kGemmWorkspaceBytes;
            }
            prepared->kind = Prepared::kGemm;
            prepared->a = args[0];
            prepared->b = args[1];
            prepared->c = args[2];
            prepared->bias = call.bias() ? args[3] : 0;
            LOOM_ASSIGN_OR_RETURN(prepared->gemm,
                                  libraries_->cublaslt->Plan(call, workspace_bytes_, prepared->a,
                                                             prepared->b, prepared->c,
                                                             prepared->bias, prepared->where));
            break;
          }
          // The attention routines.
          if (attention_ == nullptr) {
            std::string_view image = AttentionKernelImage();
            if (image.empty()) {
              return MakeStatus(StatusCode::kUnsupported, prepared->where,
                                ": this runtime was built without nvcc, so it has no attention "
                                "kernels for the GPU (rebuild with the CUDA toolkit installed)");
            }
            LOOM_ASSIGN_OR_RETURN(attention_, driver_->LoadModule(image.data(), "attention kernels"));
          }
          LOOM_ASSIGN_OR_RETURN(AttentionCall attention,
                                PlanAttentionCall(call, args, prepared->where));
          const auto* param_bytes = reinterpret_cast<const std::byte*>(&attention.params);
          for (const AttentionLaunch& launch : attention.launches) {
            KernelCall kernel_call;
            kernel_call.name = launch.kernel;
            LOOM_ASSIGN_OR_RETURN(kernel_call.fn, driver_->Function(attention_, launch.kernel));
            // One function serves every call up to its head-dim bound, with shared memory
            // sized by each call's dims: the cap only ever grows to the largest call's.
            int& cap = dynamic_shared_[kernel_call.fn];
            if (launch.dynamic_shared_bytes > kDefaultSharedLimit &&
                static_cast<int>(launch.dynamic_shared_bytes) > cap) {
              cap = static_cast<int>(launch.dynamic_shared_bytes);
              LOOM_RETURN_IF_ERROR(driver_->SetMaxDynamicShared(kernel_call.fn, cap, launch.kernel));
            }
            for (int d = 0; d < 3; ++d) {
              kernel_call.grid[d] = launch.grid[d];
              kernel_call.block[d] = launch.block[d];
            }
            kernel_call.shared_bytes = launch.dynamic_shared_bytes;
            kernel_call.storage.assign(param_bytes, param_bytes + sizeof(attention.params));
            kernel_call.params.push_back(kernel_call.storage.data());
            prepared->launches.push_back(std::move(kernel_call));
          }
          prepared->kind = Prepared::kLaunches;
          break;
        }
        case Command::kCopy:
          prepared->kind = Prepared::kCopy;
          prepared->dst = address(command.copy().dst());
          prepared->src = address(command.copy().src());
          prepared->count = command.copy().src().size_bytes();
          break;
        case Command::kFill: {
          const auto& fill = command.fill();
          prepared->dst = address(fill.view());
          std::string pattern = fill.bytes();
          if (fill.pattern_case() == loom::bundle::Fill::kF32) {
            const float value = fill.f32();
            pattern.assign(reinterpret_cast<const char*>(&value), sizeof(value));
          }
          const uint64_t size = fill.view().size_bytes();
          const bool uniform = pattern.find_first_not_of(pattern[0]) == std::string::npos;
          if (uniform || pattern.size() == 4) {
            if (uniform) {
              prepared->kind = Prepared::kFill8;
              prepared->word = static_cast<uint8_t>(pattern[0]);
              prepared->count = size;
            } else {
              prepared->kind = Prepared::kFill32;
              std::memcpy(&prepared->word, pattern.data(), 4);
              prepared->count = size / 4;
            }
            // A word fill needs 4-byte alignment; a view of bytes may start anywhere.
            if (prepared->kind == Prepared::kFill32 && prepared->dst % 4 != 0) {
              prepared->kind = Prepared::kNothing;
            } else {
              break;
            }
          }
          // Any other pattern: its whole contents made once on the host, copied at run time.
          std::string contents;
          contents.reserve(size);
          while (contents.size() < size) contents += pattern;
          LOOM_ASSIGN_OR_RETURN(CUdeviceptr constant, driver_->Alloc(size, prepared->where + " fill"));
          constants_.push_back(constant);
          LOOM_RETURN_IF_ERROR(driver_->CopyToDevice(constant, contents.data(), size, prepared->where));
          prepared->kind = Prepared::kCopy;
          prepared->src = constant;
          prepared->count = size;
          break;
        }
        case Command::COMMAND_NOT_SET:
          break;  // refused by validation
      }
      plan.push_back(std::move(prepared));
    }
    plans_.push_back(std::move(plan));
  }
  graphs_.assign(plans_.size(), nullptr);
  graph_execs_.assign(plans_.size(), nullptr);
  warmed_.assign(plans_.size(), false);
  // The zero-fills and constant uploads above ran on the legacy stream, which the program's
  // non-blocking stream does not wait for: they finish before the program is used.
  return driver_->Synchronize("loading " + bundle.dir);
}

Status CudaExecutor::Enqueue(const Prepared& command) {
  switch (command.kind) {
    case Prepared::kLaunches:
      for (const KernelCall& call : command.launches) {
        LOOM_RETURN_IF_ERROR(driver_->Launch(call.fn, call.grid, call.block,
                                             const_cast<void**>(call.params.data()),
                                             command.where + " " + call.name, call.shared_bytes,
                                             stream_));
      }
      return OkStatus();
    case Prepared::kGemm:
      return libraries_->cublaslt->Run(*command.gemm, command.a, command.b, command.c,
                                       workspace_, workspace_bytes_, stream_);
    case Prepared::kCopy:
      return driver_->CopyOnDeviceAsync(command.dst, command.src, command.count, stream_,
                                        command.where);
    case Prepared::kFill8:
      return driver_->Fill8Async(command.dst, static_cast<uint8_t>(command.word), command.count,
                                 stream_, command.where);
    case Prepared::kFill32:
      return driver_->Fill32Async(command.dst, command.word, command.count, stream_,
                                  command.where);
    case Prepared::kNothing:
      return OkStatus();
  }
  return OkStatus();
}

Status CudaExecutor::EnqueuePlan(int entry) {
  for (const auto& command : plans_[entry]) LOOM_RETURN_IF_ERROR(Enqueue(*command));
  return OkStatus();
}

Status CudaExecutor::Run(int entry, const Between* between) {
  const std::string& name = bundle_->manifest.entry_points(entry).name();
  if (between != nullptr && *between) {
    for (size_t i = 0; i < plans_[entry].size(); ++i) {
      LOOM_RETURN_IF_ERROR((*between)(static_cast<int>(i), true));
      LOOM_RETURN_IF_ERROR(Enqueue(*plans_[entry][i]));
      LOOM_RETURN_IF_ERROR(driver_->SynchronizeStream(stream_, plans_[entry][i]->where));
      LOOM_RETURN_IF_ERROR((*between)(static_cast<int>(i), false));
    }
    return OkStatus();
  }
  if (!options_.graphs) {
    LOOM_RETURN_IF_ERROR(EnqueuePlan(entry));
    return driver_->SynchronizeStream(stream_, name);
  }
  if (!warmed_[entry]) {
    // The first run is eager: libraries and lazily loaded kernels initialize outside any
    // capture (some of that is not capturable), and a plan that fails, fails plainly.
    LOOM_RETURN_IF_ERROR(EnqueuePlan(entry));
    LOOM_RETURN_IF_ERROR(driver_->SynchronizeStream(stream_, name));
    warmed_[entry] = true;
    return OkStatus();
  }
  if (graph_execs_[entry] == nullptr) {
    // Captured once: every pointer and parameter of the plan is fixed at load, so the graph
    // stays valid for the program's life.
    LOOM_RETURN_IF_ERROR(Capture([&] { return EnqueuePlan(entry); }, name, &graphs_[entry],
                                 &graph_execs_[entry]));
  }
  LOOM_RETURN_IF_ERROR(driver_->LaunchGraph(graph_execs_[entry], stream_, name));
  return driver_->SynchronizeStream(stream_, name);
}

Status CudaExecutor::Capture(const std::function<Status()>& enqueue, const std::string& what,
                             CUgraph* graph, CUgraphExec* exec) {
  LOOM_RETURN_IF_ERROR(driver_->BeginCapture(stream_, what));
  Status enqueued = enqueue();
  // The capture ends whatever happened, so the stream is usable after an error.
  Result<CUgraph> captured = driver_->EndCapture(stream_, what);
  if (!enqueued.ok() || !captured.ok()) {
    if (captured.ok()) driver_->DestroyGraph(*captured, nullptr);
    return enqueued.ok() ? captured.status() : enqueued;
  }
  Result<CUgraphExec> instantiated = driver_->Instantiate(*captured, what);
  if (!instantiated.ok()) {
    driver_->DestroyGraph(*captured, nullptr);
    return instantiated.status();
  }
  *graph = *captured;
  *exec = *instantiated;
  return OkStatus();
}

Status CudaExecutor::RunChain(const std::vector<int>& entries,
                              const std::vector<uint32_t>& zero_arenas,
                              const std::vector<std::vector<const void*>>& inputs,
                              const std::vector<std::vector<void*>>& outputs) {
  std::string key;
  for (int e : entries) key += std::to_string(e) + ",";
  key += "|";
  for (uint32_t a : zero_arenas) key += std::to_string(a) + ",";
  std::string what = "chain";
  for (int e : entries) what += " " + bundle_->manifest.entry_points(e).name();
  auto found = chains_.find(key);
  if (found == chains_.end()) {
    auto chain = std::make_unique<Chain>();
    uint64_t staged = 0;
    auto slots = [&](const auto& sigs, std::vector<Chain::Slot>* out) {
      for (const auto& sig : sigs) {
        Chain::Slot slot;
        slot.device = arenas_[sig.arena()] + sig.offset_bytes();
        slot.bytes = *CheckedByteSize(*FromBundleDType(sig.dtype()),
                                      Shape(sig.shape().begin(), sig.shape().end()));
        slot.staging = staged;
        staged += (slot.bytes + 255) / 256 * 256;
        out->push_back(slot);
      }
    };
    for (int e : entries) {
      const auto& entry = bundle_->manifest.entry_points(e);
      slots(entry.inputs(), &chain->inputs.emplace_back());
      slots(entry.outputs(), &chain->outputs.emplace_back());
    }
    LOOM_ASSIGN_OR_RETURN(chain->staging, driver_->Alloc(staged, what + " staging"));
    found = chains_.emplace(key, std::move(chain)).first;
  }
  Chain& chain = *found->second;
  // The step on the stream: zero-fill, then each plan between its copies in and out.
  auto step = [&]() -> Status {
    for (uint32_t a : zero_arenas) {
      LOOM_RETURN_IF_ERROR(driver_->Fill8Async(
          arenas_[a], 0, bundle_->manifest.arenas(a).size_bytes(), stream_, what));
    }
    for (size_t i = 0; i < entries.size(); ++i) {
      for (const Chain::Slot& s : chain.inputs[i]) {
        LOOM_RETURN_IF_ERROR(driver_->CopyOnDeviceAsync(s.device, chain.staging + s.staging,
                                                        s.bytes, stream_, what));
      }
      LOOM_RETURN_IF_ERROR(EnqueuePlan(entries[i]));
      for (const Chain::Slot& s : chain.outputs[i]) {
        LOOM_RETURN_IF_ERROR(driver_->CopyOnDeviceAsync(chain.staging + s.staging, s.device,
                                                        s.bytes, stream_, what));
      }
    }
    return OkStatus();
  };
  for (size_t i = 0; i < entries.size(); ++i) {
    for (size_t k = 0; k < chain.inputs[i].size(); ++k) {
      const Chain::Slot& s = chain.inputs[i][k];
      LOOM_RETURN_IF_ERROR(driver_->CopyToDeviceAsync(chain.staging + s.staging, inputs[i][k],
                                                      s.bytes, stream_, what + " inputs"));
    }
  }
  if (!chain.warmed || !options_.graphs) {
    LOOM_RETURN_IF_ERROR(step());  // eager the first time, as Run
    chain.warmed = true;
  } else {
    if (chain.exec == nullptr) LOOM_RETURN_IF_ERROR(Capture(step, what, &chain.graph, &chain.exec));
    LOOM_RETURN_IF_ERROR(driver_->LaunchGraph(chain.exec, stream_, what));
    }
  for (size_t i = 0; i < entries.size(); ++i) {
    for (size_t k = 0; k < chain.outputs[i].size(); ++k) {
      const Chain::Slot& s = chain.outputs[i][k];
      LOOM_RETURN_IF_ERROR(driver_->CopyToHostAsync(outputs[i][k], chain.staging + s.staging,
                                                    s.bytes, stream_, what + " outputs"));
    }
  }
  return driver_->SynchronizeStream(stream_, what);
}

Status CudaExecutor::RunCommand(int entry, int index) {
  LOOM_RETURN_IF_ERROR(Enqueue(*plans_[entry][index]));
  return driver_->SynchronizeStream(stream_, plans_[entry][index]->where);
}

namespace {

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

Result<double> CudaExecutor::TimeCommandUs(int entry, int index, int reps) {
  const Prepared& command = *plans_[entry][index];
  LOOM_RETURN_IF_ERROR(RunCommand(entry, index));  // warm-up: first-launch costs stay out
  std::vector<double> times;
  for (int r = 0; r < std::max(1, reps); ++r) {
    LOOM_ASSIGN_OR_RETURN(double us,
                          driver_->TimeUs([&] { return Enqueue(command); }, command.where, stream_));
    times.push_back(us);
  }
  return Median(std::move(times));
}

Result<double> CudaExecutor::TimeCopyUs(uint64_t bytes, int reps) {
  LOOM_ASSIGN_OR_RETURN(CUdeviceptr src, driver_->Alloc(bytes, "copy source"));
  Result<CUdeviceptr> dst = driver_->Alloc(bytes, "copy destination");
  if (!dst.ok()) {
    driver_->Free(src);
    return dst.status();
  }
  auto copy = [&] { return driver_->CopyOnDeviceAsync(*dst, src, bytes, stream_, "timed copy"); };
  std::vector<double> times;
  Status status = driver_->Fill8Async(src, 0, bytes, stream_, "copy source");
  if (status.ok()) status = copy();
  for (int r = 0; status.ok() && r < std::max(1, reps); ++r) {
    Result<double> us = driver_->TimeUs(copy, "timed copy", stream_);
    if (!us.ok()) {
      status = us.status();
      break;
    }
    times.push_back(*us);
  }
  if (status.ok()) status = driver_->SynchronizeStream(stream_, "timed copy");
  driver_->Free(src);
  driver_->Free(*dst);
  LOOM_RETURN_IF_ERROR(status);
  return Median(std::move(times));
}

Status CudaExecutor::Upload(uint32_t arena, uint64_t offset, const void* src, uint64_t bytes) {
  LOOM_RETURN_IF_ERROR(driver_->CopyToDeviceAsync(arenas_[arena] + offset, src, bytes, stream_,
                                                  bundle_->manifest.arenas(arena).name()));
  return driver_->SynchronizeStream(stream_, "upload");
}

Status CudaExecutor::Download(void* dst, uint32_t arena, uint64_t offset, uint64_t bytes) {
  LOOM_RETURN_IF_ERROR(driver_->CopyToHostAsync(dst, arenas_[arena] + offset, bytes, stream_,
                                                bundle_->manifest.arenas(arena).name()));
  return driver_->SynchronizeStream(stream_, "download");
}

Status CudaExecutor::MoveRegions(const std::vector<RegionMove>& moves) {
  uint64_t total = 0;
  for (const RegionMove& m : moves) total += m.bytes;
  if (total == 0) return OkStatus();
  if (total > move_staging_bytes_) {
    driver_->Free(move_staging_);
    move_staging_ = 0;
    move_staging_bytes_ = 0;
    LOOM_ASSIGN_OR_RETURN(move_staging_, driver_->Alloc(total, "the staging buffer of a move"));
    move_staging_bytes_ = total;
  }
  uint64_t at = 0;
  for (const RegionMove& m : moves) {
    LOOM_RETURN_IF_ERROR(driver_->CopyOnDeviceAsync(move_staging_ + at,
                                                    arenas_[m.src_arena] + m.src_offset, m.bytes,
                                                    stream_, "move (staging)"));
    at += m.bytes;
  }
  at = 0;
  for (const RegionMove& m : moves) {
    LOOM_RETURN_IF_ERROR(driver_->CopyOnDeviceAsync(arenas_[m.dst_arena] + m.dst_offset,
                                                    move_staging_ + at, m.bytes, stream_,
                                                    "move (to place)"));
    at += m.bytes;
  }
  return driver_->SynchronizeStream(stream_, "move");
}

Status CudaExecutor::ScaleArena(uint32_t arena, bool f64, double scale) {
  const auto& info = bundle_->manifest.arenas(arena);
  const uint64_t count = info.size_bytes() / (f64 ? sizeof(double) : sizeof(float));
  if (count == 0) return OkStatus();
  if (arena_kernels_ == nullptr) {
    std::string_view image = ArenaFatbin();
    if (image.empty()) {
      return MakeStatus(StatusCode::kUnsupported, "scaling arena ", info.name(),
                        " on the GPU: this runtime was built without nvcc, so it has no arena "
                        "kernels (rebuild with the CUDA toolkit installed)");
    }
    LOOM_ASSIGN_OR_RETURN(arena_kernels_, driver_->LoadModule(image.data(), "arena kernels"));
  }
  const std::string name = f64 ? "loom_arena_scale_f64" : "loom_arena_scale_f32";
  LOOM_ASSIGN_OR_RETURN(CUfunction fn, driver_->Function(arena_kernels_, name));
  ArenaScaleParams params{reinterpret_cast<void*>(arenas_[arena]), scale, count};
  void* args[] = {&params};
  // Grid-strided: enough blocks to fill the GPU several times over, no more.
  const uint64_t blocks = std::min<uint64_t>((count + kArenaThreads - 1) / kArenaThreads, 8192);
  const int64_t grid[3] = {static_cast<int64_t>(blocks), 1, 1};
  const int64_t block[3] = {kArenaThreads, 1, 1};
  LOOM_RETURN_IF_ERROR(driver_->Launch(fn, grid, block, args, name, 0, stream_));
  return driver_->SynchronizeStream(stream_, "scaling arena " + info.name());
}

Status CudaExecutor::ZeroArena(uint32_t arena) {
  LOOM_RETURN_IF_ERROR(driver_->Fill8Async(arenas_[arena], 0, bundle_->manifest.arenas(arena).size_bytes(), stream_,
                                           bundle_->manifest.arenas(arena).name()));
  return driver_->SynchronizeStream(stream_, "zero-fill");
}

}  // namespace loom::rt::cuda
