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

}  // namespace

bool dense_cholesky(Eigen::Ref<MatrixXd> a) {
  const Index n = a.rows();
  if (n < kParallelOrder) {
    Eigen::LLT<Eigen::Ref<MatrixXd>> llt(a);
    return llt.info() == Eigen::Success;
  }
  const int threads = linalg_threads();
  const Index depth = panel_depth(n);
  for (Index k = 0; k < n; k += depth) {
    const Index kb = std::min(depth, n - k);
    auto diagonal = a.block(k, k, kb, kb);
    Eigen::LLT<Eigen::Ref<MatrixXd>> llt(diagonal);
    if (llt.info() != Eigen::Success) return false;
    const Index rest = n - k - kb;
    if (rest == 0) break;
    // Blocks of kWidth rows (then columns) of the trailing matrix: the panel's rows are solved
    // first (L21 = A21 L11^-T), then each column block, from its diagonal down, is updated by
    // L21 L21'. Blocks are taken in order by whichever thread is free, which balances the
    // shrinking heights; each block's arithmetic does not depend on the thread count.
    const auto l11 = diagonal.triangularView<Eigen::Lower>();
    const auto blocks = static_cast<int>((rest + kWidth - 1) / kWidth);
    const int workers = worker_count(threads, blocks);
    parallel_for(blocks, workers, [&](int b, int) {
      const Index r0 = k + kb + b * kWidth;
      auto panel = a.block(r0, k, std::min(kWidth, n - r0), kb);
      l11.transpose().solveInPlace<Eigen::OnTheRight>(panel);
    });
    parallel_for(blocks, workers, [&](int b, int) {
      const Index c0 = k + kb + b * kWidth;
      const Index cb = std::min(kWidth, n - c0);
      const Index rows = n - c0;
      a.block(c0, c0, rows, cb).noalias() -= a.block(c0, k, rows, kb) * a.block(c0, k, cb, kb).transpose();
    });
  }
  return true;
}

}  // namespace lmm::internal
