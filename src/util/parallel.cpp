#include "util/parallel.hpp"

#include <omp.h>

#include <atomic>
#include <exception>
#include <mutex>

namespace lmm::internal {

void parallel_for(int tasks, int workers, const std::function<void(int, int)>& task) {
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
  if (workers <= 1 || tasks <= 1) {
    run(0);
  } else {
#pragma omp parallel num_threads(workers)
    {
      // Work inside a worker runs on that one thread; the caller's own budget comes back after.
      int& budget = linalg_thread_budget();
      const int saved = budget;
      budget = 1;
      run(omp_get_thread_num());
      budget = saved;
    }
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace lmm::internal
