#include "runtime/exec/thread_pool.h"

#include <chrono>
#include <thread>

namespace loom::rt {
namespace {

// How long a thread spins for the next job (a worker) or for the job's end (the caller) before
// it blocks on a condition variable.
constexpr auto kSpin = std::chrono::microseconds(50);

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Spins until `ready()` or kSpin has passed; whether it became ready.
template <typename Ready>
bool SpinUntil(Ready ready) {
  const auto deadline = std::chrono::steady_clock::now() + kSpin;
  while (!ready()) {
    for (int i = 0; i < 16; ++i) CpuRelax();
    // Yield, so that on a loaded machine the spinner never keeps the thread it waits for
    // (or anyone else) off a core.
    std::this_thread::yield();
    if (std::chrono::steady_clock::now() > deadline) return ready();
  }
  return true;
}

}  // namespace

ThreadPool::ThreadPool(int num_threads) {
  for (int t = 1; t < num_threads; ++t) workers_.emplace_back([this, t] { WorkerLoop(t); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_.store(true);
  }
  start_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

void ThreadPool::RunChunk(int thread_index) {
  const int64_t threads = num_threads();
  const int64_t begin = n_ * thread_index / threads;
  const int64_t end = n_ * (thread_index + 1) / threads;
  for (int64_t i = begin; i < end; ++i) (*fn_)(i);
}

void ThreadPool::ParallelFor(int64_t n, const std::function<void(int64_t)>& fn) {
  if (n <= 0) return;
  std::lock_guard<std::mutex> call_lock(call_mutex_);
  if (workers_.empty() || n == 1) {
    for (int64_t i = 0; i < n; ++i) fn(i);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    n_ = n;
    fn_ = &fn;
    pending_.store(static_cast<int>(workers_.size()));
    generation_.fetch_add(1, std::memory_order_release);  // publishes n_ and fn_
  }
  start_.notify_all();
  RunChunk(0);
  if (!SpinUntil([this] { return pending_.load(std::memory_order_acquire) == 0; })) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_.load(std::memory_order_acquire) == 0; });
  }
  fn_ = nullptr;
}

void ThreadPool::WorkerLoop(int thread_index) {
  uint64_t seen = 0;
  auto has_work = [&] {
    return stop_.load(std::memory_order_acquire) ||
           generation_.load(std::memory_order_acquire) != seen;
  };
  while (true) {
    if (!SpinUntil(has_work)) {
      std::unique_lock<std::mutex> lock(mutex_);
      start_.wait(lock, has_work);
    }
    if (stop_.load(std::memory_order_acquire)) return;
    seen = generation_.load(std::memory_order_acquire);
    RunChunk(thread_index);  // n_ and fn_ stay fixed until every worker has reported
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      // Under the mutex, so that a caller about to block cannot miss the notification.
      std::lock_guard<std::mutex> lock(mutex_);
      done_.notify_one();
    }
  }
}

}  // namespace loom::rt
