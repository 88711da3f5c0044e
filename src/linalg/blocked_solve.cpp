// What the blocked Cholesky factor gives once it is factored: the log determinants, the
// penalized residual sum of squares, and the conditional estimates by back substitution, mapped
// back from the crossproducts' centred basis to X's and y's.
#include <algorithm>
#include <cmath>

#include "linalg/blocked_cholesky.hpp"
#include "linalg/log_sum.hpp"

namespace lmm::internal {

using Eigen::Index;
using Eigen::MatrixXd;

double BlockedCholesky::log_det_random() const {
  LogSum sum;
  for (std::size_t j = 0; j < chain_.size(); ++j)  // the diagonal entries of the q x q blocks, each over the levels
    for (int k = 0; k < s_->chain[j].q; ++k) sum.add(chain_[j].diag.entry(k, k), s_->chain[j].levels, 1);
  sum.add(l22_.data(), s_->m_re, l22_.rows() + 1);
  return 2.0 * sum.value();
}

// X_c = X T gives X_c' V^-1 X_c = T' (X' V^-1 X) T: log det(X' V^-1 X) = log |R_c|^2 - 2 log |det T|.
double BlockedCholesky::log_det_fixed() const {
  double sum = 0.0;
  for (int k = 0; k < s_->p; ++k) sum += std::log(l22_(s_->m_re + k, s_->m_re + k));
  return 2.0 * (sum - a_->log_abs_det_basis);
}

double BlockedCholesky::pwrss() const {
  const Index last = s_->m_re + s_->p;
  const double r = l22_(last, last) * a_->y_scale;
  return r * r;
}

// R_X' = T^-T R_c' in X's basis, so its inverse is R_c'^-1 T'.
MatrixXd BlockedCholesky::fixed_factor_inverse() const {
  MatrixXd w = a_->basis.transpose();
  l22_.block(s_->m_re, s_->m_re, s_->p, s_->p).triangularView<Eigen::Lower>().solveInPlace(w);
  return w;
}

Eigen::VectorXd BlockedCholesky::fixed_factor_inverse_column(int j) const {
  Eigen::VectorXd w = a_->basis.row(j).transpose();
  l22_.block(s_->m_re, s_->m_re, s_->p, s_->p).triangularView<Eigen::Lower>().solveInPlace(w);
  return w;
}

Eigen::VectorXd BlockedCholesky::centered_fixed_effects() const {
  // The last p unknowns of L22_lead' [u_rest; beta] = c depend on the X block of L22 only.
  const Index m_re = s_->m_re, p = s_->p;
  Eigen::VectorXd beta = l22_.row(m_re + p).segment(m_re, p).transpose();
  l22_.block(m_re, m_re, p, p).triangularView<Eigen::Lower>().transpose().solveInPlace(beta);
  return beta;
}

Eigen::VectorXd BlockedCholesky::fixed_effects() const {
  return a_->basis * (a_->basis_shift + a_->y_scale * centered_fixed_effects());
}

void BlockedCholesky::solve(Eigen::VectorXd& beta, Eigen::VectorXd& u) const {
  const FactorStructure& s = *s_;
  const int p = s.p;
  const Index lead = s.m_re + p;
  // Trailing part: L22_lead' [u_rest; beta] = c, with c the y row of L22.
  Eigen::VectorXd tail = l22_.row(lead).head(lead).transpose();
  l22_.topLeftCorner(lead, lead).triangularView<Eigen::Lower>().transpose().solveInPlace(tail);
  beta = tail.tail(p);
  std::vector<Index> offset(chain_.size() + 1, 0);
  for (std::size_t j = 0; j < chain_.size(); ++j)
    offset[j + 1] = offset[j] + static_cast<Index>(s.chain[j].q) * s.chain[j].levels;
  u.resize(offset.back() + s.m_re);
  u.tail(s.m_re) = tail.head(s.m_re);
  // The chain, last term first, level by level: L_g' u_g = c_g - (the blocks below)' (their
  // unknowns). Plain loops on the small blocks: no temporaries per level.
  std::vector<double> rhs(static_cast<std::size_t>(s.max_q));
  for (std::size_t j = chain_.size(); j-- > 0;) {
    const ChainPlan& c = s.chain[j];
    const ChainFactor& l = chain_[j];
    const int q = c.q;
    for (int g = 0; g < c.levels; ++g) {
      const Index col = static_cast<Index>(g) * q;
      for (int k = 0; k < q; ++k) {
        double sum = l.xy(g, p, k);
        for (int r = 0; r < p; ++r) sum -= l.xy(g, r, k) * beta[r];
        for (const SparseBlock& b : c.blocks[static_cast<std::size_t>(g)]) {
          const double* lb = l.sparse.data() + b.offset + k * b.rows;
          for (int i = 0; i < b.rows; ++i) sum -= lb[i] * tail[b.row + i];
        }
        for (std::size_t ii = 0; ii < l.below.size(); ++ii) {
          const int qi = l.below[ii].rows();
          const Index h = c.parent[ii][static_cast<std::size_t>(g)];
          const double* uh = u.data() + offset[j + 1 + ii] + h * qi;
          for (int i = 0; i < qi; ++i) sum -= l.below[ii](g, i, k) * uh[i];
        }
        rhs[static_cast<std::size_t>(k)] = sum;
      }
      for (int k = q; k-- > 0;) {  // back substitution with L_g'
        double sum = rhs[static_cast<std::size_t>(k)];
        for (int i = k + 1; i < q; ++i) sum -= l.diag(g, i, k) * rhs[static_cast<std::size_t>(i)];
        rhs[static_cast<std::size_t>(k)] = sum / l.diag(g, k, k);
        u[offset[j] + col + k] = rhs[static_cast<std::size_t>(k)];
      }
    }
  }
  // Back from the scaled residual of y to y: u scales with it, beta also takes back the fit.
  u *= a_->y_scale;
  beta = a_->basis * (a_->basis_shift + a_->y_scale * beta);
}

}  // namespace lmm::internal
