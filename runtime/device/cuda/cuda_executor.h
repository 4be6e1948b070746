// CudaExecutor: a loaded "cuda" bundle's device half (DESIGN.md §3: one executor, the command
// plan interpreted on the host, each command enqueued on one stream):
//  - its arenas in device memory (zero-filled at load, like the host arenas);
//  - its generated kernels from the bundle's cubin, or from its PTX through the driver's JIT
//    where the cubin does not load (another architecture);
//  - GEMMs through cuBLASLt (bias epilogue included), planned once at load;
//  - attention forward and backward through the runtime's own FlashAttention-2 kernels
//    (runtime/device/cuda/kernels), embedded in the runtime as a fatbin;
//  - copies and fills as async driver calls;
//  - each entry point's whole plan run eagerly once (libraries and lazily loaded kernels
//    initialize outside any capture), then captured into a CUDA graph and replayed.
// Every command is prepared at load (functions resolved, kernel parameters laid out, GEMM
// algorithms chosen), so a run only enqueues, and a bad bundle fails at load, not mid-step.
//
// Program (runtime/exec) owns one and keeps the host arenas as the mirror it syncs with.
#ifndef LOOM_RUNTIME_DEVICE_CUDA_CUDA_EXECUTOR_H_
#define LOOM_RUNTIME_DEVICE_CUDA_CUDA_EXECUTOR_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/base/status.h"
#include "runtime/bundle/bundle.h"
#include "runtime/device/cuda/cuda_driver.h"

namespace loom::rt::cuda {

struct CudaExecutorOptions {
  // Capture each entry point's plan into a CUDA graph on its second run (the first is eager)
  // and replay it after.
  bool graphs = true;
};

class CudaExecutor {
 public:
  // `bundle` is validated (runtime/bundle) and outlives the executor. Errors name the bundle,
  // and the command (entry point, plan index) that could not be prepared.
  static Result<std::unique_ptr<CudaExecutor>> Create(const Bundle& bundle,
                                                      const CudaExecutorOptions& options);
  ~CudaExecutor();
  CudaExecutor(const CudaExecutor&) = delete;
  CudaExecutor& operator=(const CudaExecutor&) = delete;

  // "NVIDIA H100 80GB HBM3 (sm_90, driver 13000)".
  std::string DeviceDescription() const;
  // Whether the kernels came from the cubin (false: JIT-compiled from the PTX).
  bool kernels_from_cubin() const { return kernels_from_cubin_; }

  // Host <-> device transfers of arena bytes; each returns once the copy is done.
  Status Upload(uint32_t arena, uint64_t offset, const void* src, uint64_t bytes);
  Status Download(void* dst, uint32_t arena, uint64_t offset, uint64_t bytes);
  Status ZeroArena(uint32_t arena);
  // Copies each region to its destination, every source read before any destination is
  // written (through a device staging buffer, so sources and destinations may overlap), and
  // waits: a loop's state moved from where one run wrote it to where the next one reads it.
  struct RegionMove {
    uint32_t src_arena = 0;
    uint64_t src_offset = 0;
    uint32_t dst_arena = 0;
    uint64_t dst_offset = 0;
    uint64_t bytes = 0;
  };
  Status MoveRegions(const std::vector<RegionMove>& moves);
  // Multiplies every element of `arena` (f32 or f64, `f64` says which) by `scale`, on the device
  // (the arena kernels, arena_kernels.cu), and waits for it.
  Status ScaleArena(uint32_t arena, bool f64, double scale);

  // Runs entry point `entry` (an index into the manifest's entry points) and waits for it.
  // With `between`, runs command by command (no graph), synchronizing after each, and calls
  // `between(index, before)` before and after each one; its error stops the run.
  using Between = std::function<Status(int index, bool before)>;
  Status Run(int entry, const Between* between = nullptr);
  // Enqueues one command of entry point `entry` and waits for it.
  Status RunCommand(int entry, int index);

  // A whole step as one graph (DESIGN.md §4's training step): zero-fill `zero_arenas`, then run
  // `entries` in order, each one's inputs copied into place right before its plan and its
  // outputs copied out right after (entry points share arenas, so a later plan may overwrite an
  // earlier one's inputs or outputs). `inputs[i]` holds the bytes of entries[i]'s inputs in
  // signature order; the outputs come back the same way. Captured on the first call with a
  // given chain after one eager run, replayed after: one graph launch and one wait per step.
  Status RunChain(const std::vector<int>& entries, const std::vector<uint32_t>& zero_arenas,
                  const std::vector<std::vector<const void*>>& inputs,
                  const std::vector<std::vector<void*>>& outputs);

  // Timings for tools (tools/gpu): the median, in microseconds, of `reps` runs of one command
  // of entry point `entry` on the arenas as they are (each between two events, after one
  // warm-up run), and of a device-to-device copy of `bytes` between two fresh buffers (the
  // bandwidth anchor a memory-bound kernel is compared with).
  Result<double> TimeCommandUs(int entry, int index, int reps);
  Result<double> TimeCopyUs(uint64_t bytes, int reps);


 private:
  struct Prepared;
  CudaExecutor() = default;
  Status Prepare(const Bundle& bundle);
  Status Enqueue(const Prepared& command);
  Status EnqueuePlan(int entry);
  // Captures what `enqueue` puts on the stream into *graph and instantiates it as *exec.
  Status Capture(const std::function<Status()>& enqueue, const std::string& what, CUgraph* graph,
                 CUgraphExec* exec);

  const Bundle* bundle_ = nullptr;
  CudaExecutorOptions options_;
  std::shared_ptr<CudaDriver> driver_;
  CUstream stream_ = nullptr;
  std::vector<CUdeviceptr> arenas_;
  CUmodule kernels_ = nullptr;
  CUmodule attention_ = nullptr;
  CUmodule arena_kernels_ = nullptr;  // loaded on the first ScaleArena
  CUdeviceptr move_staging_ = 0;      // MoveRegions' staging buffer, grown as needed
  uint64_t move_staging_bytes_ = 0;
  bool kernels_from_cubin_ = false;
  struct Libraries;
  std::unique_ptr<Libraries> libraries_;
  CUdeviceptr workspace_ = 0;
  size_t workspace_bytes_ = 0;
  std::vector<CUdeviceptr> constants_;  // fill contents a memset cannot express
  std::vector<std::vector<std::unique_ptr<Prepared>>> plans_;  // by entry point, by command
  std::vector<CUgraph> graphs_;
  std::vector<CUgraphExec> graph_execs_;
  std::vector<bool> warmed_;  // by entry point: has run once eagerly
  struct Chain;
  std::map<std::string, std::unique_ptr<Chain>> chains_;  // by entries and zeroed arenas
  std::map<CUfunction, int> dynamic_shared_;  // the cap set on each attention kernel, in bytes
};

}  // namespace loom::rt::cuda

#endif  // LOOM_RUNTIME_DEVICE_CUDA_CUDA_EXECUTOR_H_
