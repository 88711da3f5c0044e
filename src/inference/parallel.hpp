// A minimal parallel loop for independent tasks (profile limits, bootstrap replicates): each
// worker takes the next task index until none are left. Results must be written by task index,
// so they do not depend on the number of threads.
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

// Calls task(index, worker) for index in [0, tasks) on `workers` threads; rethrows the first
// exception a task threw, after all workers stop.
inline void parallel_for(int tasks, int workers, const std::function<void(int, int)>& task) {
  std::atomic<int> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto run = [&](int worker) {
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
