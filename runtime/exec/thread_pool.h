// ThreadPool: a fixed number of threads that run the workgroups of a kernel launch.
//
// Determinism (DESIGN.md §4): ParallelFor splits [0, n) into one contiguous chunk per thread,
// but every index's work is fixed by the caller (a kernel's workgroup, a GEMM row block), and
// no index reads what another writes, so the result is bit-identical whatever the thread count
// and the scheduling. The calling thread works too, as thread 0.
#ifndef LOOM_RUNTIME_EXEC_THREAD_POOL_H_
#define LOOM_RUNTIME_EXEC_THREAD_POOL_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace loom::rt {

class ThreadPool {
 public:
  // `num_threads` >= 1 (values below 1 mean 1), the caller included.
  explicit ThreadPool(int num_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int num_threads() const { return static_cast<int>(workers_.size()) + 1; }

  // Calls fn(i) for every i in [0, n) and returns when all calls have returned. Callers from
  // several threads (programs of one Session) take turns. `fn` must not throw.
  void ParallelFor(int64_t n, const std::function<void(int64_t)>& fn);

 private:
  void WorkerLoop(int thread_index);
  void RunChunk(int thread_index);

  std::vector<std::thread> workers_;
  std::mutex call_mutex_;  // one ParallelFor at a time
  std::mutex mutex_;
  std::condition_variable start_;
  std::condition_variable done_;
  // Bumped (under mutex_) for every job; workers run each generation once. Atomic so that a
  // worker that just finished a job can spin on it for a while before sleeping: a plan's
  // launches come tens of microseconds apart, and waking a sleeping thread costs about as much.
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};  // workers still running the current job
  std::atomic<bool> stop_{false};
  int64_t n_ = 0;
  const std::function<void(int64_t)>* fn_ = nullptr;
};

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_EXEC_THREAD_POOL_H_
