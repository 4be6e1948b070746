// Program: one loaded bundle, ready to run: its arenas in host memory, its kernel library
// opened, its parameters loaded or initialized. Programs are independent (each owns its arenas),
// so a Session can hold several at once (issue 5, item 5).
#ifndef LOOM_RUNTIME_EXEC_PROGRAM_H_
#define LOOM_RUNTIME_EXEC_PROGRAM_H_

#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/base/host_tensor.h"
#include "runtime/base/status.h"
#include "runtime/bundle/bundle.h"
#include "runtime/exec/arena.h"
#include "runtime/exec/kernel_library.h"
#include "runtime/exec/thread_pool.h"

namespace loom::rt {

namespace cuda {
class CudaExecutor;
}  // namespace cuda

// Where a program's plans run. A "cpu" bundle runs on the CPU only; a "cuda" bundle on the
// GPU, or on the CPU through the host build of its kernels (bundle.proto, host_kernel_library).
enum class Device { kCpu, kCuda };
const char* DeviceName(Device device);
// "cpu" or "cuda"; kInvalidArgument naming `flag` otherwise.
Result<Device> ParseDevice(const std::string& text, const std::string& flag);

struct ProgramOptions {
  // Unset: the bundle's target.
  std::optional<Device> device;
  // CUDA: run each entry point's plan eagerly once, then capture it into a CUDA graph on its
  // second run and replay that graph after.
  bool cuda_graphs = true;
};

class Program {
 public:
  // Allocates the arenas (zero-filled), fills ONES parameters, opens the kernel library (on
  // the CPU) or prepares the CUDA executor (runtime/device/cuda: device arenas, modules, GEMM
  // plans; it fails here, with the reason, when the GPU, cuBLASLt or a kernel is missing).
  // `pool` must outlive the program.
  //
  // On the GPU the host arenas stay as the mirror of the device's: every accessor below reads
  // and writes the host side, and the program copies an arena across only when the other side
  // is newer (after a run, what the plan may have written is newer on the device).
  static Result<std::unique_ptr<Program>> Load(Bundle bundle, ThreadPool* pool,
                                               const ProgramOptions& options = {});
  ~Program();
  Device device() const { return device_; }
  // The CUDA executor of a GPU program (null on the CPU), for tools that time single commands.
  // Arenas touched through it directly are not tracked by the host mirror.
  cuda::CudaExecutor* cuda_executor() const { return cuda_.get(); }
  // "cpu (2 threads)" or the GPU's name, architecture and driver.
  std::string DeviceDescription() const;

  const loom::bundle::Manifest& manifest() const { return bundle_.manifest; }
  const std::string& dir() const { return bundle_.dir; }
  // nullptr when the program has no entry point `name`.
  const loom::bundle::EntryPoint* FindEntryPoint(const std::string& name) const;

  // Reads every tensor of a safetensors file into the parameter of the same name; dtypes and
  // shapes must match exactly, and a tensor that is no parameter is an error (a weights file
  // for another program). Parameters the file lacks keep their values.
  Status LoadParameters(const std::string& safetensors_path);
  Status SetParameter(const std::string& name, const HostTensor& value);
  Result<HostTensor> GetParameter(const std::string& name) const;

  // Runs entry point `name` on `inputs` (in signature order, dtypes and shapes exact) and
  // returns its outputs in signature order. Refuses to run while a NORMAL-initialized
  // parameter has not been loaded (the runtime does not draw random weights yet).
  //
  // With a `hook`, it is called around every plan command, in order: kBefore when the arenas
  // hold what the command will read, kAfter once it has run (`index` is the command's place in
  // the entry point's plan). A hook's error stops the run and is returned. Tools use it to time
  // each command (loom-bench --profile) or to check each launch elsewhere (tools/gpu). On the
  // GPU a hooked run goes command by command without a graph, and the host arenas are brought
  // up to date before every hook call (slow: for tools); what a hook writes there is not seen.
  enum class HookPoint { kBefore, kAfter };
  using CommandHook =
      std::function<Status(HookPoint point, int index, const loom::bundle::Command& command)>;
  Result<std::vector<HostTensor>> Run(const std::string& name,
                                      const std::vector<const HostTensor*>& inputs,
                                      const CommandHook* hook = nullptr);

  // A loop's state that stays where the plans run (the GPU's arenas, or the host's), for an
  // entry point whose outputs feed its own next call, as @decode_step's KV caches do: each
  // (input, output) pair is one value of the state (same dtype and shape; StartCarried checks,
  // kInvalidArgument otherwise). StartCarried takes the state's first values; each RunCarried
  // takes the other inputs (in signature order), runs, returns the other outputs, and moves the
  // state's outputs to its inputs' places where the plan wrote them elsewhere (device-side
  // copies through a staging buffer): the state is uploaded on the first run only and never
  // downloaded. Any other use of the program in between (a run, an arena or parameter write)
  // may overwrite it: the next RunCarried then refuses (kInvalidArgument) and the loop must
  // start again. ReadCarried copies the state out.
  struct Carried {
    const Program* owner = nullptr;  // the program that started it: others refuse it
    int entry = -1;
    std::vector<std::pair<int, int>> pairs;  // (input, output)
    std::vector<HostTensor> first;           // the first values, until the first run
    uint64_t epoch = 0;                      // the program's epoch the state was left at
  };
  Result<Carried> StartCarried(const std::string& name, std::vector<std::pair<int, int>> pairs,
                               std::vector<HostTensor> first) const;
  Result<std::vector<HostTensor>> RunCarried(Carried& state,
                                             const std::vector<const HostTensor*>& others);
  Result<std::vector<HostTensor>> ReadCarried(const Carried& state) const;

  // Runs `calls` in order as one step, first zero-filling every arena of `zero_first` (the
  // trainer's GRADIENTS before @grad_step and @apply_step): the same results as ZeroArenas and
  // Run for each call, and on the GPU one CUDA graph (zero-fill, each plan with its inputs
  // copied in and outputs copied out), captured on the second such step and replayed after.
  struct Call {
    std::string name;
    std::vector<const HostTensor*> inputs;
  };
  Result<std::vector<std::vector<HostTensor>>> RunChain(
      const std::vector<Call>& calls, std::optional<loom::bundle::Arena::Kind> zero_first);

  // The host memory of `view` (a view of this program's manifest) in the arenas: null for an
  // empty arena. For hooks reading a command's buffers (on the GPU, as of the last hook call).
  std::byte* ViewData(const loom::bundle::BufferView& view) const {
    return At(view.arena(), view.offset_bytes());
  }
  // Runs one command of one of this program's entry points on the arenas as they are, without
  // any check (e.g. a single launch timed on its own). On the GPU, `command` must be one of the
  // manifest's own (found by address) and the call waits for it.
  Status ExecuteCommand(const loom::bundle::Command& command);

  // Whole arenas by name (bundle.proto Arena), for drivers: checkpoints save and restore the
  // OPTIMIZER arenas byte for byte, and a trainer zeroes and scales the GRADIENTS arena between
  // @grad_step and @apply_step. kNotFound (naming the arena and the bundle) when there is none.
  //
  // A view of the arena's memory, valid while the program lives; empty for a 0-byte arena.
  Result<std::string_view> ArenaBytes(const std::string& name) const;
  // The same memory, writable: host-side updates in place (uploaded before the next device run).
  Result<std::byte*> MutableArenaData(const std::string& name);
  // Copies `bytes` over the whole arena; kInvalidArgument unless the size equals the arena's.
  // Writing a PARAMETERS or FROZEN arena counts as loading every parameter that lives in it.
  Status SetArenaBytes(const std::string& name, std::string_view bytes);
  // Zero-fills every arena of `kind` (GRADIENTS before each accumulation: @grad_step adds into
  // its arena and @apply_step leaves it as it is).
  Status ZeroArenas(loom::bundle::Arena::Kind kind);
  // Multiplies every element of every arena of `kind` by `scale`, where the arenas live (the
  // GPU's through its arena kernels, not through the host): the accumulated GRADIENTS by
  // 1/micro-batches before @apply_step. `dtype` (kF32 or kF64) is the arenas' element type;
  // others are kInvalidArgument.
  Status ScaleArenas(loom::bundle::Arena::Kind kind, DType dtype, double scale);

 private:
  Program(Bundle bundle, ThreadPool* pool);
  Status InitParameters();
  int FindParameter(const std::string& name) const;
  // The index of arena `name`, or kNotFound.
  Result<uint32_t> FindArena(const std::string& name) const;
  // Null for an empty arena (whose views are all empty), never null + offset.
  std::byte* At(uint32_t arena, uint64_t offset) const {
    return arena_bases_[arena] == nullptr ? nullptr : arena_bases_[arena] + offset;
  }

  // Which side of an arena holds its latest bytes (GPU programs; always kSame on the CPU).
  enum class Newer { kSame, kHost, kDevice };
  // Brings arena `i`'s host bytes up to date (a download when the device's are newer).
  Status HostCurrent(uint32_t i) const;
  Status AllHostCurrent() const;
  // The host bytes of arena `i` are about to change: newer on the host afterwards.
  Status HostWriting(uint32_t i);
  // Uploads every arena whose host bytes are newer.
  Status DeviceCurrent();
  // The index of entry point `name` when `inputs` fit its signature and every parameter is
  // set; the error Run returns otherwise.
  // A null input is one already in place (RunCarried); its check is skipped.
  Result<int> CheckCall(const std::string& name, const std::vector<const HostTensor*>& inputs) const;
  // Runs entry point `index`: inputs copied in (but the null ones: in place already), the plan,
  // and the outputs copied out but those that `keep` marks (left in place, not returned).
  Result<std::vector<HostTensor>> RunEntry(int index, const std::vector<const HostTensor*>& inputs,
                                           const std::vector<bool>& keep,
                                           const CommandHook* hook);
  Result<std::vector<HostTensor>> RunOnDevice(int entry_index,
                                              const std::vector<const HostTensor*>& inputs,
                                              const std::vector<bool>& keep,
                                              const CommandHook* hook);
  // Whether `name` can carry `pairs`: the errors StartCarried gives for them.
  Status CheckCarried(const std::string& name,
                      const std::vector<std::pair<int, int>>& pairs) const;
  // After a RunCarried: each carried output copied to its input's place (where they differ).
  Status MoveCarried(const loom::bundle::EntryPoint& entry,
                     const std::vector<std::pair<int, int>>& pairs);
  // Something may have written the arenas: carried state left before is stale.
  void Touch() { ++epoch_; }

  Bundle bundle_;
  ThreadPool* pool_;
  Device device_ = Device::kCpu;
  std::unique_ptr<cuda::CudaExecutor> cuda_;
  mutable std::vector<Newer> newer_;
  std::vector<HostArena> arenas_;
  std::vector<std::byte*> arena_bases_;
  KernelLibrary kernels_;
  std::vector<bool> parameter_set_;  // by parameter index: loaded or initialized
  uint64_t epoch_ = 1;               // Touch(): a Carried state from an older one is stale
  std::vector<std::byte> move_staging_;  // MoveCarried's on the CPU, grown as needed
};

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_EXEC_PROGRAM_H_
