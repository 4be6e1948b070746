// The block runner of cuda_host_emulation.h: a pool of threads, one per thread of a block,
// started once and reused for every block of every grid with that block size (starting 128
// threads per block would cost more than running most test blocks).
#include "runtime/device/cuda/kernels/cuda_host_emulation.h"

#include <atomic>
#include <barrier>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

namespace loom::rt::cuda::emulation {
namespace {

// Bytes past the end of a block's shared memory that must still hold their fill afterwards.
constexpr size_t kGuardBytes = 256;
constexpr size_t kSharedAlignment = 64;

class BlockPool;
thread_local BlockPool* t_pool = nullptr;  // the pool of the calling kernel thread

class BlockPool {
 public:
  explicit BlockPool(int threads)
      : threads_(threads), control_(threads + 1), sync_(threads, OrCompletion{this}) {
    workers_.reserve(threads);
    for (int t = 0; t < threads; ++t) workers_.emplace_back([this, t] { WorkerLoop(t); });
  }
  ~BlockPool() {
    stop_ = true;
    control_.arrive_and_wait();
    for (std::thread& worker : workers_) worker.join();
  }
  BlockPool(const BlockPool&) = delete;
  BlockPool& operator=(const BlockPool&) = delete;

  int threads() const { return threads_; }

  // Runs one block and returns when all its threads have finished.
  void Run(uint3 block_idx, dim3 grid, dim3 block, unsigned char* shared,
           const std::function<void()>& body) {
    block_idx_ = block_idx;
    grid_ = grid;
    block_ = block;
    shared_ = shared;
    body_ = &body;
    control_.arrive_and_wait();  // start: the workers read the fields above
    control_.arrive_and_wait();  // done
  }

  unsigned char* shared() const { return shared_; }

  // __syncthreads and __syncthreads_or: the completion step (run once, after the last thread
  // arrives and before any leaves) publishes the OR and clears it for the next phase. The
  // result cannot be overwritten before every thread has read it: that needs all of them to
  // arrive again.
  int Barrier(int predicate) {
    if (predicate != 0) or_pending_.store(1, std::memory_order_relaxed);
    sync_.arrive_and_wait();
    return or_result_;
  }

 private:
  struct OrCompletion {
    BlockPool* pool;
    void operator()() noexcept {
      pool->or_result_ = pool->or_pending_.exchange(0, std::memory_order_relaxed);
    }
  };

  void WorkerLoop(int t) {
    t_pool = this;
    for (;;) {
      control_.arrive_and_wait();
      if (stop_) return;
      threadIdx = {t % block_.x, t / block_.x % block_.y, t / (block_.x * block_.y)};
      blockIdx = block_idx_;
      blockDim = block_;
      gridDim = grid_;
      (*body_)();
      control_.arrive_and_wait();
    }
  }

  const int threads_;
  std::barrier<> control_;  // the workers and the caller
  std::barrier<OrCompletion> sync_;
  std::atomic<int> or_pending_{0};
  int or_result_ = 0;
  // The block being run; written by the caller before the start barrier.
  uint3 block_idx_{0, 0, 0};
  dim3 grid_, block_;
  unsigned char* shared_ = nullptr;
  const std::function<void()>* body_ = nullptr;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

struct AlignedFree {
  void operator()(unsigned char* p) const {
    ::operator delete[](p, std::align_val_t(kSharedAlignment));
  }
};

}  // namespace

unsigned char* DynamicSharedMemory() { return t_pool->shared(); }

int BlockBarrier(int predicate) { return t_pool->Barrier(predicate); }

bool RunGrid(const int64_t grid[3], const int64_t block[3], unsigned dynamic_shared_bytes,
             const std::function<void()>& thread_body) {
  static std::mutex mutex;
  static std::unique_ptr<BlockPool> pool;
  std::lock_guard<std::mutex> lock(mutex);
  const int threads = static_cast<int>(block[0] * block[1] * block[2]);
  if (!pool || pool->threads() != threads) {
    pool.reset();
    pool = std::make_unique<BlockPool>(threads);
  }
  const size_t bytes = dynamic_shared_bytes + kGuardBytes;
  std::unique_ptr<unsigned char[], AlignedFree> shared(
      static_cast<unsigned char*>(::operator new[](bytes, std::align_val_t(kSharedAlignment))));
  const dim3 grid_dim{static_cast<unsigned>(grid[0]), static_cast<unsigned>(grid[1]),
                      static_cast<unsigned>(grid[2])};
  const dim3 block_dim{static_cast<unsigned>(block[0]), static_cast<unsigned>(block[1]),
                       static_cast<unsigned>(block[2])};
  for (unsigned z = 0; z < grid_dim.z; ++z) {
    for (unsigned y = 0; y < grid_dim.y; ++y) {
      for (unsigned x = 0; x < grid_dim.x; ++x) {
        std::memset(shared.get(), 0xFF, bytes);
        pool->Run(uint3{x, y, z}, grid_dim, block_dim, shared.get(), thread_body);
        for (size_t n = dynamic_shared_bytes; n < bytes; ++n) {
          if (shared[n] != 0xFF) return false;
        }
      }
    }
  }
  return true;
}

}  // namespace loom::rt::cuda::emulation
