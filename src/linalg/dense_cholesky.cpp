#include "linalg/dense_cholesky.hpp"

#include <algorithm>
#include <vector>

#include "util/parallel.hpp"

namespace lmm::internal {

using Eigen::Index;
using Eigen::MatrixXd;

namespace {

constexpr Index kPanel = 128;  // panel width: the trailing update is a GEMM of depth kPanel

}  // namespace

bool dense_cholesky(Eigen::Ref<MatrixXd> a) {
  const Index n = a.rows();
  if (n < kParallelOrder) {
    Eigen::LLT<Eigen::Ref<MatrixXd>> llt(a);
    return llt.info() == Eigen::Success;
  }
  const int threads = linalg_threads();
  for (Index k = 0; k < n; k += kPanel) {
    const Index kb = std::min(kPanel, n - k);
    auto diagonal = a.block(k, k, kb, kb);
    Eigen::LLT<Eigen::Ref<MatrixXd>> llt(diagonal);
    if (llt.info() != Eigen::Success) return false;
    const Index rest = n - k - kb;
    if (rest == 0) break;
    // Column blocks of the trailing matrix, each with the rows from its diagonal down: the
    // panel's rows for that block are solved first (L21 = A21 L11^-T), then the block is updated
    // by L21 L21'. Blocks are dealt out round-robin, which balances the shrinking heights.
    const auto l11 = diagonal.triangularView<Eigen::Lower>();
    const Index blocks = (rest + kPanel - 1) / kPanel;
    parallel_for(static_cast<int>(blocks), worker_count(threads, static_cast<int>(blocks)), [&](int b, int) {
      const Index r0 = k + kb + b * kPanel;
      const Index rb = std::min(kPanel, n - r0);
      auto panel = a.block(r0, k, rb, kb);
      l11.transpose().solveInPlace<Eigen::OnTheRight>(panel);
    });
    parallel_for(static_cast<int>(blocks), worker_count(threads, static_cast<int>(blocks)), [&](int b, int) {
      const Index c0 = k + kb + b * kPanel;
      const Index cb = std::min(kPanel, n - c0);
      const Index rows = n - c0;
      a.block(c0, c0, rows, cb).noalias() -= a.block(c0, k, rows, kb) * a.block(c0, k, cb, kb).transpose();
    });
  }
  return true;
}

}  // namespace lmm::internal
