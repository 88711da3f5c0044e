// Diagonal blocks of the inverse of the random-effects part of the blocked Cholesky factor,
// (Lambda'Z'Z Lambda + I)^{-1}: the conditional covariances of the spherical random effects.
//
// With the random-effects rows and columns of L written as L_Z = [A 0; B C] (A the nested chain,
// B its block-sparse rows in the trailing block, C the leading m x m part of the dense L22),
//   M^{-1} = L_Z^{-T} L_Z^{-1},
// and a diagonal block of M^{-1} is the crossproduct of the matching column block of L_Z^{-1}.
// - Level g of chain term j: forward substitution through A touches one level of each later
//   chain term only (the ones containing g): X_j = A_{jj,g}^{-1}, and for i > j
//   X_i = -A_{ii,h_i}^{-1} sum_{l=j}^{i-1} A_{il,h_l} X_l, h_i the level of term i containing g.
//   The trailing part is W = -C^{-1} sum_l B_{l,h_l} X_l, and the block is sum_i X_i'X_i + W'W.
// - A column block r of C: (C^{-1})_{:,r}' (C^{-1})_{:,r}.
// Only C^{-1} is formed (lower triangular, the size of C, which is dense already).

#include "linalg/blocked_cholesky.hpp"

#include <algorithm>

namespace lmm::internal {

using Eigen::Index;
using Eigen::MatrixXd;

std::vector<MatrixXd> BlockedCholesky::random_effects_inverse_blocks() const {
  const Index m = s_->m_re;
  MatrixXd c_inv = MatrixXd::Identity(m, m);
  if (m > 0) l22_.topLeftCorner(m, m).triangularView<Eigen::Lower>().solveInPlace(c_inv);

  std::vector<MatrixXd> out;
  const std::size_t r = chain_.size();
  std::vector<MatrixXd> x(r);
  std::vector<Index> level(r);
  for (std::size_t j = 0; j < r; ++j) {
    const ChainPlan& c = s_->chain[j];
    const ChainFactor& lj = chain_[j];
    const Index q = c.q;
    MatrixXd blocks(q, q * c.levels);
    for (int g = 0; g < c.levels; ++g) {
      level[j] = g;
      for (std::size_t i = j + 1; i < r; ++i) level[i] = c.parent[i - j - 1][static_cast<std::size_t>(g)];
      x[j] = MatrixXd::Identity(q, q);
      lj.diag.block(g).triangularView<Eigen::Lower>().solveInPlace(x[j]);
      MatrixXd block = x[j].transpose() * x[j];
      for (std::size_t i = j + 1; i < r; ++i) {
        MatrixXd sum = MatrixXd::Zero(s_->chain[i].q, q);
        for (std::size_t l = j; l < i; ++l)
          sum.noalias() -= chain_[l].below[i - l - 1].block(level[l]) * x[l];
        chain_[i].diag.block(level[i]).triangularView<Eigen::Lower>().solveInPlace(sum);
        x[i] = std::move(sum);
        block.noalias() += x[i].transpose() * x[i];
      }
      if (m > 0) {
        // C^{-1} is lower triangular: rows of W above the first nonzero row of B x are zero.
        Index top = m;
        for (std::size_t l = j; l < r; ++l)
          for (const SparseBlock& b : s_->chain[l].blocks[static_cast<std::size_t>(level[l])]) top = std::min<Index>(top, b.row);
        if (top < m) {
          MatrixXd w = MatrixXd::Zero(m - top, q);
          for (std::size_t l = j; l < r; ++l)
            for (const SparseBlock& b : s_->chain[l].blocks[static_cast<std::size_t>(level[l])]) {
              Eigen::Map<const MatrixXd> lb(chain_[l].sparse.data() + b.offset, b.rows, s_->chain[l].q);
              w.noalias() += c_inv.block(top, b.row, m - top, b.rows) * (lb * x[l]);
            }
          block.noalias() += w.transpose() * w;
        }
      }
      blocks.middleCols(g * q, q) = block;
    }
    out.push_back(std::move(blocks));
  }

  append_trailing_inverse_blocks(c_inv, out);
  return out;
}

// Each trailing term's blocks: a column block r of C gives (C^{-1})_{:,r}' (C^{-1})_{:,r}.
void BlockedCholesky::append_trailing_inverse_blocks(const MatrixXd& c_inv, std::vector<MatrixXd>& out) const {
  const FactorStructure& s = *s_;
  const Index m = s.m_re;
  for (std::size_t t = 0; t < s.term_q.size(); ++t) {
    const Index q = s.term_q[t];
    const Index begin = s.term_offset[t];
    const Index end = t + 1 < s.term_offset.size() ? s.term_offset[t + 1] : m;
    MatrixXd blocks(q, end - begin);
    for (Index row = begin; row < end; row += q) {
      const auto xr = c_inv.block(row, row, m - row, q);  // zero above row `row`
      blocks.middleCols(row - begin, q).noalias() = xr.transpose() * xr;
    }
    out.push_back(std::move(blocks));
  }
}

}  // namespace lmm::internal
