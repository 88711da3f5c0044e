// Diagonal blocks of the inverse of the random-effects part of the blocked Cholesky factor,
// (Lambda'Z'Z Lambda + I)^{-1}: the conditional covariances of the spherical random effects.
//
// With the random-effects rows and columns of L written as L_Z = [A 0; B C] (A = L11, block
// diagonal by level of the first term; B the random-effects rows of L21, block sparse; C the
// leading m x m part of the dense L22), L_Z^{-1} = [A^{-1} 0; -C^{-1} B A^{-1}  C^{-1}] and
//   M^{-1} = L_Z^{-T} L_Z^{-1}.
// A diagonal block of M^{-1} is the crossproduct of the matching column block of L_Z^{-1}:
//   level g of the first term:  A_g^{-T} A_g^{-1} + W_g' W_g  with  W_g = C^{-1} B_g A_g^{-1};
//   a column block r of C:      (C^{-1})_{:,r}' (C^{-1})_{:,r}.
// Only C^{-1} is formed (lower triangular, the size of C, which is dense already); the first
// term's levels, usually the most numerous, each cost a product with B_g's few nonzero blocks.

#include "linalg/blocked_cholesky.hpp"

#include <algorithm>

namespace lmm::internal {

using Eigen::Index;
using Eigen::MatrixXd;

std::vector<MatrixXd> BlockedCholesky::random_effects_inverse_blocks() const {
  const Index m = m_re_;
  MatrixXd c_inv = MatrixXd::Identity(m, m);
  if (m > 0) l22_.topLeftCorner(m, m).triangularView<Eigen::Lower>().solveInPlace(c_inv);

  std::vector<MatrixXd> out;
  MatrixXd first(q1_, static_cast<Index>(q1_) * l1_);
  for (int g = 0; g < l1_; ++g) {
    const Index col = static_cast<Index>(g) * q1_;
    MatrixXd a_inv = MatrixXd::Identity(q1_, q1_);
    l11_.middleCols(col, q1_).triangularView<Eigen::Lower>().solveInPlace(a_inv);
    MatrixXd block = a_inv.transpose() * a_inv;
    const auto& list = blocks_[g];
    if (!list.empty()) {
      // C^{-1} is lower triangular: rows of W_g above B_g's first nonzero row are zero.
      Index top = m;
      for (const Block& b : list) top = std::min<Index>(top, b.row);
      MatrixXd w = MatrixXd::Zero(m - top, q1_);
      for (const Block& b : list) {
        Eigen::Map<const MatrixXd> lb(l21_values_.data() + b.offset, b.rows, q1_);
        w.noalias() += c_inv.block(top, b.row, m - top, b.rows) * lb;
      }
      const MatrixXd wa = w * a_inv;
      block.noalias() += wa.transpose() * wa;
    }
    first.middleCols(col, q1_) = block;
  }
  out.push_back(std::move(first));

  for (std::size_t t = 0; t < term_q_.size(); ++t) {
    const Index q = term_q_[t];
    const Index begin = term_offset_[t];
    const Index end = t + 1 < term_offset_.size() ? term_offset_[t + 1] : m;
    MatrixXd blocks(q, end - begin);
    for (Index r = begin; r < end; r += q) {
      const auto x = c_inv.block(r, r, m - r, q);  // zero above row r
      blocks.middleCols(r - begin, q).noalias() = x.transpose() * x;
    }
    out.push_back(std::move(blocks));
  }
  return out;
}

}  // namespace lmm::internal
