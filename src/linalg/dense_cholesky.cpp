#include "linalg/dense_cholesky.hpp"

#include <algorithm>
#include <vector>

#include "util/parallel.hpp"

namespace lmm::internal {

using Eigen::Index;
using Eigen::MatrixXd;

namespace {

// The panel depth (the trailing update is a GEMM of this depth) and the width of the column
// blocks that the threads share. A deeper panel runs the GEMM nearer its peak but lengthens the
// serial diagonal factor and panel solve of each step; measured on this project's 2-core
// machine (AVX-512, Eigen's GEMM about 60 GFLOPs a core; runs of the two interleaved), depth
// 256 over blocks of 128 columns factors order 3,709 in 0.18-0.22 s against 0.21-0.23 s with
// depth 128, and order 5,003 in 0.41-0.48 s against 0.50-0.59 s; below order 2,048 the two are
// within noise, and depth 128 is ahead under 1,000.
constexpr Index kWidth = 128;
Index panel_depth(Index n) { return n >= 2048 ? 256 : 128; }

// The diagonal block [k, k + kb) factored, then the rows below it divided by its transpose
// (L21 = A21 L11^-T) in blocks of kWidth rows, on `workers` threads.
bool factor_panel(Eigen::Ref<MatrixXd> a, Index k, Index kb, int workers) {
  const Index n = a.rows();
  auto diagonal = a.block(k, k, kb, kb);
  Eigen::LLT<Eigen::Ref<MatrixXd>> llt(diagonal);
  if (llt.info() != Eigen::Success) return false;
  const Index rest = n - k - kb;
  const auto l11 = diagonal.triangularView<Eigen::Lower>();
  const auto blocks = static_cast<int>((rest + kWidth - 1) / kWidth);
  auto solve = [&](int b) {
    const Index r0 = k + kb + b * kWidth;
    auto panel = a.block(r0, k, std::min(kWidth, n - r0), kb);
    l11.transpose().solveInPlace<Eigen::OnTheRight>(panel);
  };
  if (workers > 1) {
    parallel_for(blocks, worker_count(workers, blocks), [&](int b, int) { solve(b); });
  } else {
    for (int b = 0; b < blocks; ++b) solve(b);
  }
  return true;
}

}  // namespace

// Step k subtracts L21 L21' (L21 the panel below diagonal block k) from the trailing matrix by
// column blocks of kWidth, shared among the threads in order. The next panel's column blocks
// come first, in one task that goes on to factor that panel (look-ahead): the diagonal block's
// factor and the panel's solve, serial within a step, overlap the other blocks' updates instead
// of waiting for them. Every entry sees the same operations in the same order as without it.
bool dense_cholesky(Eigen::Ref<MatrixXd> a) {
  const Index n = a.rows();
  if (n < kParallelOrder) {
    Eigen::LLT<Eigen::Ref<MatrixXd>> llt(a);
    return llt.info() == Eigen::Success;
  }
  const int threads = linalg_threads();
  const Index depth = panel_depth(n);
  if (!factor_panel(a, 0, std::min(depth, n), threads)) return false;
  for (Index k = 0; k < n; k += depth) {
    const Index kb = std::min(depth, n - k);
    const Index rest = n - k - kb;
    if (rest == 0) break;
    const Index next = k + kb, next_kb = std::min(depth, rest);
    auto update = [&](int b) {
      const Index c0 = next + b * kWidth;
      const Index cb = std::min(kWidth, n - c0);
      const Index rows = n - c0;
      a.block(c0, c0, rows, cb).noalias() -= a.block(c0, k, rows, kb) * a.block(c0, k, cb, kb).transpose();
    };
    const auto blocks = static_cast<int>((rest + kWidth - 1) / kWidth);
    const auto lead = static_cast<int>((next_kb + kWidth - 1) / kWidth);  // the next panel's blocks
    const int tasks = 1 + blocks - lead;
    bool positive = true;
    parallel_for(tasks, worker_count(threads, tasks), [&](int t, int) {
      if (t > 0) return update(lead + t - 1);
      for (int b = 0; b < lead; ++b) update(b);
      positive = factor_panel(a, next, next_kb, 1);
    });
    if (!positive) return false;
  }
  return true;
}

}  // namespace lmm::internal
