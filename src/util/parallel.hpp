// A minimal parallel loop for independent tasks (profile limits, bootstrap replicates, column
// blocks of a factorization): each worker takes the next task index until none are left.
// Results must be written by task index, so they do not depend on the number of threads.
//
// Nested parallelism is avoided through a per-thread budget: the workers of a parallel_for
// with more than one worker run everything inside them on one thread (linalg_threads() is 1
// there), so bootstrap replicates fitted in parallel do not each start threads of their own.
#pragma once

#include <algorithm>
#include <atomic>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace lmm::internal {

// Number of workers for `requested` threads (0: the hardware's), never more than `tasks`.
inline int worker_count(int requested, int tasks) {
  int n = requested > 0 ? requested : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, std::min(n, tasks));
}

// The threads the calling thread may use for one linear-algebra operation.
inline int& linalg_thread_budget() {
  thread_local int budget = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return budget;
}
inline int linalg_threads() { return linalg_thread_budget(); }

// Calls task(index, worker) for index in [0, tasks) on `workers` threads; rethrows the first
// exception a task threw, after all workers stop.
inline void parallel_for(int tasks, int workers, const std::function<void(int, int)>& task) {
  std::atomic<int> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto run = [&](int worker) {
    if (workers > 1) linalg_thread_budget() = 1;
    for (int i = next++; i < tasks; i = next++) {
      try {
        task(i, worker);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        next = tasks;
      }
    }
  };
  if (workers <= 1) {
    run(0);
  } else {
    std::vector<std::thread> pool;
    for (int w = 0; w < workers; ++w) pool.emplace_back(run, w);
    for (std::thread& t : pool) t.join();
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace lmm::internal
