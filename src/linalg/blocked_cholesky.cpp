#include "linalg/blocked_cholesky.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace lmm::internal {

using Eigen::Index;
using Eigen::MatrixXd;

BlockedCholesky::BlockedCholesky(const std::vector<RandomEffectsTerm>& terms, const MatrixXd& x,
                                 const Eigen::VectorXd& y) {
  const RandomEffectsTerm& first = terms.front();
  q1_ = first.q();
  l1_ = first.nlevels();
  p_ = static_cast<int>(x.cols());
  for (std::size_t t = 1; t < terms.size(); ++t) {
    term_offset_.push_back(m_re_);
    term_q_.push_back(terms[t].q());
    for (int r = 0; r < terms[t].nranef(); ++r) row_term_.push_back(static_cast<int>(t) - 1);
    m_re_ += terms[t].nranef();
  }
  MatrixXd xy(x.rows(), p_ + 1);
  xy << x, y;
  build_leading(first);
  build_sparse(terms);
  level_rows_.assign(l1_, {});
  for (int g = 0; g < l1_; ++g)
    for (const Block& b : blocks_[g])
      for (int r = 0; r < b.rows; ++r) level_rows_[g].push_back(b.row + r);
  build_trailing(terms, xy);
  // The trailing rows of A21 are dense: [X y]' Z1.
  a21_xy_ = MatrixXd::Zero(p_ + 1, static_cast<Index>(q1_) * l1_);
  for (Index i = 0; i < xy.rows(); ++i)
    a21_xy_.middleCols(static_cast<Index>(first.codes[i]) * q1_, q1_).noalias() +=
        xy.row(i).transpose() * first.z.row(i);
  l11_ = a11_;
  l21_values_ = a21_values_;
  l21_xy_ = a21_xy_;
  l22_ = a22_;
}

void BlockedCholesky::build_leading(const RandomEffectsTerm& first) {
  a11_ = MatrixXd::Zero(q1_, static_cast<Index>(q1_) * l1_);
  for (Index i = 0; i < first.z.rows(); ++i)
    a11_.middleCols(static_cast<Index>(first.codes[i]) * q1_, q1_).noalias() +=
        first.z.row(i).transpose() * first.z.row(i);
}

void BlockedCholesky::build_sparse(const std::vector<RandomEffectsTerm>& terms) {
  blocks_.assign(l1_, {});
  if (terms.size() < 2) return;
  const RandomEffectsTerm& first = terms.front();
  // (level of the first term, trailing row, term, observation), sorted to merge repeats.
  std::vector<std::tuple<int, int, int, Index>> entries;
  entries.reserve(static_cast<std::size_t>(first.z.rows()) * (terms.size() - 1));
  for (Index i = 0; i < first.z.rows(); ++i)
    for (std::size_t t = 1; t < terms.size(); ++t)
      entries.emplace_back(first.codes[i], term_offset_[t - 1] + terms[t].codes[i] * terms[t].q(),
                           static_cast<int>(t), i);
  std::sort(entries.begin(), entries.end());
  for (std::size_t e = 0; e < entries.size(); ++e) {
    const auto [g, row, t, i] = entries[e];
    auto& list = blocks_[g];
    if (list.empty() || list.back().row != row) {
      list.push_back({row, terms[t].q(), t, a21_values_.size()});
      a21_values_.resize(a21_values_.size() + static_cast<std::size_t>(terms[t].q()) * q1_, 0.0);
    }
    Eigen::Map<MatrixXd> block(a21_values_.data() + list.back().offset, terms[t].q(), q1_);
    block.noalias() += terms[t].z.row(i).transpose() * first.z.row(i);
  }
}

void BlockedCholesky::build_trailing(const std::vector<RandomEffectsTerm>& terms, const MatrixXd& xy) {
  const Index m = m_re_ + p_ + 1;
  a22_ = MatrixXd::Zero(m, m);
  a22_.bottomRightCorner(p_ + 1, p_ + 1).noalias() = xy.transpose() * xy;
  for (Index i = 0; i < xy.rows(); ++i) {
    for (std::size_t t = 1; t < terms.size(); ++t) {
      const Index rt = term_offset_[t - 1] + static_cast<Index>(terms[t].codes[i]) * terms[t].q();
      for (std::size_t s = 1; s <= t; ++s) {
        const Index rs = term_offset_[s - 1] + static_cast<Index>(terms[s].codes[i]) * terms[s].q();
        a22_.block(rt, rs, terms[t].q(), terms[s].q()).noalias() += terms[t].z.row(i).transpose() * terms[s].z.row(i);
      }
      a22_.block(m_re_, rt, p_ + 1, terms[t].q()).noalias() += xy.row(i).transpose() * terms[t].z.row(i);
    }
  }
}

bool BlockedCholesky::update(const std::vector<MatrixXd>& factors) {
  const MatrixXd& t1 = factors.front();
  // Leading block-diagonal part, and the column blocks below it scaled and divided by L11'.
  for (int g = 0; g < l1_; ++g) {
    const Index col = static_cast<Index>(g) * q1_;
    auto l = l11_.middleCols(col, q1_);
    l.noalias() = t1.transpose() * a11_.middleCols(col, q1_) * t1;
    l.diagonal().array() += 1.0;
    if (q1_ == 1) {
      l(0, 0) = std::sqrt(l(0, 0));
    } else {
      Eigen::LLT<Eigen::Ref<MatrixXd>> llt(l);
      l.triangularView<Eigen::StrictlyUpper>().setZero();
    }
    const auto upper = l.triangularView<Eigen::Lower>().transpose();
    for (const Block& b : blocks_[g]) {
      Eigen::Map<const MatrixXd> ab(a21_values_.data() + b.offset, b.rows, q1_);
      Eigen::Map<MatrixXd> lb(l21_values_.data() + b.offset, b.rows, q1_);
      lb.noalias() = factors[b.term].transpose() * ab * t1;
      upper.solveInPlace<Eigen::OnTheRight>(lb);
    }
    auto c = l21_xy_.middleCols(col, q1_);
    c.noalias() = a21_xy_.middleCols(col, q1_) * t1;
    upper.solveInPlace<Eigen::OnTheRight>(c);
  }
  // Trailing block: Lambda' A22 Lambda + I on its random-effects rows, less L21 L21'. Only the
  // lower triangle is used. Columns are scaled on the right by their term's T, then each
  // column's segments by T' on the left: both passes run down columns, in memory order. Where
  // every trailing term has one column, Lambda is diagonal and one pass suffices.
  const Index m = m_re_ + p_ + 1;
  bool diagonal = true;
  for (int q : term_q_) diagonal = diagonal && q == 1;
  if (diagonal) {
    Eigen::VectorXd scale = Eigen::VectorXd::Ones(m);
    for (int r = 0; r < m_re_; ++r) scale[r] = factors[row_term_[r] + 1](0, 0);
    for (Index j = 0; j < m; ++j)
      l22_.col(j).tail(m - j) = scale[j] * scale.tail(m - j).cwiseProduct(a22_.col(j).tail(m - j));
  } else {
    l22_ = a22_;
    for (int r = 0; r < m_re_;) {
      const int q = term_q_[row_term_[r]];
      l22_.middleCols(r, q) = l22_.middleCols(r, q) * factors[row_term_[r] + 1];
      r += q;
    }
    for (Index j = 0; j < m; ++j)
      for (int r = 0; r < m_re_;) {
        const int q = term_q_[row_term_[r]];
        l22_.col(j).segment(r, q) = factors[row_term_[r] + 1].transpose() * l22_.col(j).segment(r, q);
        r += q;
      }
  }
  l22_.diagonal().head(m_re_).array() += 1.0;
  downdate_trailing();
  Eigen::LLT<Eigen::Ref<MatrixXd>> llt(l22_);
  return llt.info() == Eigen::Success;
}

// L22 -= L21 L21' over the nonzero blocks: for each level g of the first term, the blocks of
// its column (stacked into E, K x q1, K the rows they cover) contribute E E' at those rows and
// C E' to the [X y] rows (C = the level's [X y] part of L21). One small product per level, not
// per pair of blocks.
void BlockedCholesky::downdate_trailing() {
  MatrixXd e, ee, ce;
  const Index ld = l22_.outerStride();
  double* l = l22_.data();
  for (int g = 0; g < l1_; ++g) {
    const auto& list = blocks_[g];
    if (list.empty()) continue;
    const std::vector<int>& rows = level_rows_[g];
    const auto k = static_cast<Index>(rows.size());
    e.resize(k, q1_);
    Index r = 0;
    for (const Block& b : list) {
      e.middleRows(r, b.rows) = Eigen::Map<const MatrixXd>(l21_values_.data() + b.offset, b.rows, q1_);
      r += b.rows;
    }
    if (q1_ == 1) {
      const double* v = e.data();
      for (Index j = 0; j < k; ++j) {
        double* column = l + static_cast<Index>(rows[j]) * ld;
        const double vj = v[j];
        for (Index i = j; i < k; ++i) column[rows[i]] -= v[i] * vj;
      }
    } else {
      ee.noalias() = e * e.transpose();
      for (Index j = 0; j < k; ++j) {
        double* column = l + static_cast<Index>(rows[j]) * ld;
        for (Index i = j; i < k; ++i) column[rows[i]] -= ee(i, j);
      }
    }
    ce.noalias() = l21_xy_.middleCols(static_cast<Index>(g) * q1_, q1_) * e.transpose();
    for (Index j = 0; j < k; ++j) l22_.col(rows[j]).segment(m_re_, p_ + 1) -= ce.col(j);
  }
  l22_.bottomRightCorner(p_ + 1, p_ + 1).noalias() -= l21_xy_ * l21_xy_.transpose();
}

double BlockedCholesky::log_det_random() const {
  double sum = 0.0;
  for (int g = 0; g < l1_; ++g)
    for (int k = 0; k < q1_; ++k) sum += std::log(l11_(k, static_cast<Index>(g) * q1_ + k));
  for (int r = 0; r < m_re_; ++r) sum += std::log(l22_(r, r));
  return 2.0 * sum;
}

double BlockedCholesky::log_det_fixed() const {
  double sum = 0.0;
  for (int k = 0; k < p_; ++k) sum += std::log(l22_(m_re_ + k, m_re_ + k));
  return 2.0 * sum;
}

double BlockedCholesky::pwrss() const {
  const Index last = m_re_ + p_;
  return l22_(last, last) * l22_(last, last);
}

MatrixXd BlockedCholesky::fixed_factor() const {
  return l22_.block(m_re_, m_re_, p_, p_).triangularView<Eigen::Lower>();
}

Eigen::VectorXd BlockedCholesky::fixed_effects() const {
  // The last p unknowns of L22_lead' [u_rest; beta] = c depend on the X block of L22 only.
  Eigen::VectorXd beta = l22_.row(m_re_ + p_).segment(m_re_, p_).transpose();
  l22_.block(m_re_, m_re_, p_, p_).triangularView<Eigen::Lower>().transpose().solveInPlace(beta);
  return beta;
}

void BlockedCholesky::solve(Eigen::VectorXd& beta, Eigen::VectorXd& u) const {
  const Index lead = m_re_ + p_;
  // Trailing part: L22_lead' [u_rest; beta] = c, with c the y row of L22.
  Eigen::VectorXd tail = l22_.row(lead).head(lead).transpose();
  l22_.topLeftCorner(lead, lead).triangularView<Eigen::Lower>().transpose().solveInPlace(tail);
  beta = tail.tail(p_);
  u.resize(static_cast<Index>(q1_) * l1_ + m_re_);
  u.tail(m_re_) = tail.head(m_re_);
  // Leading part, level by level: L11' u1 = c1 - L21_lead' [u_rest; beta].
  for (int g = 0; g < l1_; ++g) {
    const Index col = static_cast<Index>(g) * q1_;
    const auto c = l21_xy_.middleCols(col, q1_);
    Eigen::VectorXd rhs = c.row(p_).transpose() - c.topRows(p_).transpose() * beta;
    for (const Block& b : blocks_[g]) {
      Eigen::Map<const MatrixXd> lb(l21_values_.data() + b.offset, b.rows, q1_);
      rhs.noalias() -= lb.transpose() * tail.segment(b.row, b.rows);
    }
    l11_.middleCols(col, q1_).triangularView<Eigen::Lower>().transpose().solveInPlace(rhs);
    u.segment(col, q1_) = rhs;
  }
}

}  // namespace lmm::internal
