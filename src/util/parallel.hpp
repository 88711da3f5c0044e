// A minimal parallel loop for independent tasks (profile limits, bootstrap replicates, column
// blocks of a factorization): each worker takes the next task index until none are left.
// Results must be written by task index, so they do not depend on the number of threads.
//
// Nested parallelism is avoided through a per-thread budget: the workers of a parallel_for
// with more than one worker run everything inside them on one thread (linalg_threads() is 1
// there), so bootstrap replicates fitted in parallel do not each start threads of their own.
#pragma once

#include <algorithm>
#include <functional>
#include <thread>

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

// Calls task(index, worker) for index in [0, tasks) on `workers` threads of an OpenMP team (the
// caller is worker 0; the team's threads persist between calls, so a call costs microseconds, not
// thread start-ups); worker < workers. Rethrows the first exception a task threw, after all
// workers stop. Defined in parallel.cpp, the one file compiled with OpenMP.
void parallel_for(int tasks, int workers, const std::function<void(int, int)>& task);

}  // namespace lmm::internal
