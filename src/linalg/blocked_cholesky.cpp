#include "linalg/blocked_cholesky.hpp"

#include <algorithm>
#include <cmath>

#include "linalg/dense_cholesky.hpp"
#include "linalg/small_kernels.hpp"

namespace lmm::internal {

using Eigen::Index;
using Eigen::MatrixXd;

namespace {

// corner -= sum over levels of C_g C_g' (lower triangle), C_g the levels' (p + 1) x q blocks of
// [X y] rows: one dot product of two entries' arrays per entry of the corner and column of C.
void subtract_corner_crossproduct(const LevelBlocks& xy, Eigen::Block<MatrixXd> corner) {
  const Index stride = xy.stride();  // the padding is zero
  for (int k = 0; k < xy.cols(); ++k)
    for (int c = 0; c < xy.rows(); ++c) {
      const Eigen::Map<const Eigen::VectorXd> vc(xy.entry(c, k), stride);
      for (int r = c; r < xy.rows(); ++r) corner(r, c) -= Eigen::Map<const Eigen::VectorXd>(xy.entry(r, k), stride).dot(vc);
    }
}

}  // namespace

BlockedCholesky::BlockedCholesky(std::shared_ptr<const FactorStructure> structure,
                                 std::shared_ptr<const Crossproducts> crossproducts)
    : s_(std::move(structure)), a_(std::move(crossproducts)) {
  const FactorStructure& s = *s_;
  const std::size_t r = s.chain.size();
  scratch_.resize(static_cast<std::size_t>(s.max_q) * static_cast<std::size_t>(std::max(s.max_q, s.p + 1)));
  pending_.assign(r, std::vector<std::vector<double>>(r + 1));
  chain_.resize(r);
  for (std::size_t j = 0; j < r; ++j) {
    const ChainCrossproducts& a = a_->chain[j];
    ChainFactor& l = chain_[j];
    l.diag = a.diag;
    l.below = a.below;
    l.sparse = a.sparse;
    l.xy = a.xy;
    // Zero except at each heavy level's rows, which every update overwrites.
    if (s.m_re > 0)
      l.dense_columns = MatrixXd::Zero(s.dense_order(), static_cast<Index>(s.chain[j].dense_levels.size()) * s.chain[j].q);
  }
  l22_ = a_->a22;
}

BlockedCholesky::BlockedCholesky(std::shared_ptr<const FactorStructure> structure,
                                 const std::vector<RandomEffectsTerm>& terms, const MatrixXd& x, const Eigen::VectorXd& y)
    : BlockedCholesky(structure, std::make_shared<const Crossproducts>(form_crossproducts(*structure, terms, x, y))) {}

BlockedCholesky::BlockedCholesky(const std::vector<RandomEffectsTerm>& terms, const MatrixXd& x, const Eigen::VectorXd& y)
    : BlockedCholesky(std::make_shared<const FactorStructure>(terms, static_cast<int>(x.cols())), terms, x, y) {}

bool BlockedCholesky::update(const std::vector<MatrixXd>& factors) {
  const FactorStructure& s = *s_;
  if (s.trailing_diagonal) {
    row_scale_.resize(s.m_re);
    for (int row = 0; row < s.m_re; ++row) {
      const std::size_t term = static_cast<std::size_t>(s.row_term[static_cast<std::size_t>(row)]) + s.chain.size();
      row_scale_[row] = factors[term](0, 0);
    }
  }
  for (std::size_t j = 0; j < chain_.size(); ++j) scale_chain_term(static_cast<int>(j), factors);
  scale_trailing(factors);
  for (std::size_t j = 0; j < chain_.size(); ++j)
    if (!eliminate_chain_term(static_cast<int>(j))) return false;
  return dense_cholesky(l22_);
}

void BlockedCholesky::scale_chain_term(int j, const std::vector<MatrixXd>& factors) {
  switch (s_->chain[static_cast<std::size_t>(j)].q) {
    case 1: return scale_chain_term_q<1>(j, factors);
    case 2: return scale_chain_term_q<2>(j, factors);
    case 3: return scale_chain_term_q<3>(j, factors);
    case 4: return scale_chain_term_q<4>(j, factors);
    default: return scale_chain_term_q<0>(j, factors);
  }
}

bool BlockedCholesky::eliminate_chain_term(int j) {
  switch (s_->chain[static_cast<std::size_t>(j)].q) {
    case 1: return eliminate_chain_term_q<1>(j);
    case 2: return eliminate_chain_term_q<2>(j);
    case 3: return eliminate_chain_term_q<3>(j);
    case 4: return eliminate_chain_term_q<4>(j);
    default: return eliminate_chain_term_q<0>(j);
  }
}

// The chain term's blocks of Lambda' A Lambda (+ I on the diagonal). The blocks of every level
// are scaled in lanes of levels (LevelBlocks); the block-sparse rows block by block.
template <int Q>
void BlockedCholesky::scale_chain_term_q(int j, const std::vector<MatrixXd>& factors) {
  const ChainCrossproducts& a = a_->chain[static_cast<std::size_t>(j)];
  ChainFactor& l = chain_[static_cast<std::size_t>(j)];
  const int q = Q > 0 ? Q : s_->chain[static_cast<std::size_t>(j)].q;
  const double* tj = factors[static_cast<std::size_t>(j)].data();
  lanes::sandwich<Q, Q, true>(tj, a.diag, tj, l.diag);
  for (int k = 0; k < q; ++k)  // the padding too: its diagonal blocks become the identity
    Eigen::Map<Eigen::ArrayXd>(l.diag.entry(k, k), l.diag.stride()) += 1.0;
  for (std::size_t ii = 0; ii < a.below.size(); ++ii) {  // T_i' A T_j
    const MatrixXd& ti = factors[static_cast<std::size_t>(j) + 1 + ii];
    small::dispatch<4>(static_cast<int>(ti.rows()),
                       [&](auto QI) { lanes::sandwich<QI, Q>(ti.data(), a.below[ii], tj, l.below[ii]); });
  }
  small::dispatch<8>(s_->p + 1, [&](auto PP) { lanes::sandwich<PP, Q>(nullptr, a.xy, tj, l.xy); });
  if (s_->m_re > 0) scale_trailing_rows<Q>(j, factors);
}

// The chain term's block-sparse rows: T_t' A T_j for each block, t the term of its rows.
template <int Q>
void BlockedCholesky::scale_trailing_rows(int j, const std::vector<MatrixXd>& factors) {
  const ChainPlan& c = s_->chain[static_cast<std::size_t>(j)];
  const ChainCrossproducts& a = a_->chain[static_cast<std::size_t>(j)];
  ChainFactor& l = chain_[static_cast<std::size_t>(j)];
  const int q = Q > 0 ? Q : c.q;
  const double* tj = factors[static_cast<std::size_t>(j)].data();
  if (q == 1 && s_->trailing_diagonal) {  // the sparse entries are at c.rows' positions (q = 1)
    const double t = tj[0];
    const int* rows = c.rows.data();
    for (std::size_t k = 0; k < a.sparse.size(); ++k) l.sparse[k] = a.sparse[k] * (t * row_scale_[rows[k]]);
    return;
  }
  if constexpr (Q > 0) {
    if (s_->trailing_diagonal) {  // T_t' is each row's T(0, 0): scale the rows of A T_j, block by block
      const double* av = a.sparse.data();
      double* lv = l.sparse.data();
      for (const auto& list : c.blocks)
        for (const SparseBlock& b : list) {
          const double* ab = av + b.offset;
          double* lb = lv + b.offset;
          for (int i = 0; i < b.rows; ++i) {
            const double scale = row_scale_[b.row + i];
            for (int col = 0; col < Q; ++col) {
              double sum = 0.0;
              for (int k = 0; k < Q; ++k) sum += ab[i + k * b.rows] * tj[k + col * Q];
              lb[i + col * b.rows] = scale * sum;
            }
          }
        }
      return;
    }
  }
  double* tmp = scratch_.data();
  for (const auto& list : c.blocks)
    for (const SparseBlock& b : list)
      small::dispatch<4>(b.rows, [&](auto R) {
        small::sandwich<R, Q>(factors[static_cast<std::size_t>(b.term)].data(), a.sparse.data() + b.offset, b.rows, q,
                              tj, l.sparse.data() + b.offset, tmp);
      });
}

// Lambda' A22 Lambda + I on the trailing block's random-effects rows, lower triangle only (the
// factor reads no other part; A22 holds its lower blocks and whole diagonal blocks). Where every
// trailing term has one column, Lambda is diagonal and one pass suffices.
void BlockedCholesky::scale_trailing(const std::vector<MatrixXd>& factors) {
  const Index m = s_->dense_order();
  const Index m_re = s_->m_re;
  const MatrixXd& a22 = a_->a22;
  if (s_->trailing_diagonal) {
    Eigen::VectorXd scale = Eigen::VectorXd::Ones(m);
    scale.head(m_re) = row_scale_;
    for (Index j = 0; j < m; ++j)
      l22_.col(j).tail(m - j) = scale[j] * scale.tail(m - j).cwiseProduct(a22.col(j).tail(m - j));
  } else {
    scale_trailing_blocks(factors);
  }
  l22_.diagonal().head(m_re).array() += 1.0;
}

// Each level's block of q columns is multiplied on the right by its term's T, from its diagonal
// block down ([X y] rows included); then each level's block of q rows on the left by T', across
// the columns up to its own last one. Both passes run down columns, in memory order, with
// compile-time-sized loops for q <= 4.
void BlockedCholesky::scale_trailing_blocks(const std::vector<MatrixXd>& factors) {
  const FactorStructure& s = *s_;
  const Index m = s.dense_order();
  const MatrixXd& a22 = a_->a22;
  const std::size_t r = s.chain.size();
  const Index ld = m;
  // f(start, q, factor) for each level's block of q random effects.
  auto each_block = [&](auto&& f) {
    for (int start = 0; start < s.m_re;) {
      const auto t = static_cast<std::size_t>(s.row_term[static_cast<std::size_t>(start)]);
      f(start, s.term_q[t], factors[t + r]);
      start += s.term_q[t];
    }
  };
  each_block([&](int col, int q, const MatrixXd& f) {
    small::dispatch<4>(q, [&](auto Q) {
      if constexpr (Q == 0) {
        l22_.block(col, col, m - col, q).noalias() = a22.block(col, col, m - col, q) * f;
      } else {
        const double* a = a22.data() + col + col * ld;
        double* out = l22_.data() + col + col * ld;
        for (int k = 0; k < Q; ++k)
          for (Index i = 0; i < m - col; ++i) {
            double sum = 0.0;
            for (int l = 0; l < Q; ++l) sum += a[i + l * ld] * f(l, k);
            out[i + k * ld] = sum;
          }
      }
    });
  });
  l22_.bottomRightCorner(s.p + 1, s.p + 1) = a22.bottomRightCorner(s.p + 1, s.p + 1);
  each_block([&](int row, int q, const MatrixXd& f) {
    small::dispatch<4>(q, [&](auto Q) {
      if constexpr (Q == 0) {
        l22_.block(row, 0, q, row + q) = f.transpose() * l22_.block(row, 0, q, row + q);
      } else {
        for (Index j = 0; j < row + Q; ++j) {
          double* x = l22_.data() + row + j * ld;
          double v[Q];
          for (int l = 0; l < Q; ++l) v[l] = x[l];
          for (int k = 0; k < Q; ++k) {
            double sum = 0.0;
            for (int l = 0; l < Q; ++l) sum += f(l, k) * v[l];
            x[k] = sum;
          }
        }
      }
    });
  });
}

// Factors chain term j's diagonal blocks and divides the blocks below them: the levels are
// independent once the earlier terms are eliminated, so this runs in lanes of levels. Then each
// level's outer products are subtracted from the later chain terms (one level of each) and from
// the dense trailing block.
template <int Q>
bool BlockedCholesky::eliminate_chain_term_q(int j) {
  const ChainPlan& c = s_->chain[static_cast<std::size_t>(j)];
  ChainFactor& l = chain_[static_cast<std::size_t>(j)];
  const int q = Q > 0 ? Q : c.q;
  const int pp = s_->p + 1;
  const Index m_re = s_->m_re;
  const Index stride = l.diag.stride();
  inverse_.resize(q * stride);
  double* inv = inverse_.data();
  if (lanes::cholesky<Q>(l.diag, inv) > 0) return false;
  for (auto& below : l.below)
    small::dispatch<4>(below.rows(), [&](auto QI) { lanes::solve_right_transpose<Q, QI>(l.diag, inv, below); });
  small::dispatch<8>(pp, [&](auto PP) { lanes::solve_right_transpose<Q, PP>(l.diag, inv, l.xy); });
  if (m_re > 0) divide_trailing_rows<Q>(j);
  update_later_chain_terms<Q>(j);
  // The dense trailing block: the light levels' scattered updates, then the heavy levels' product.
  if (q == 1 && m_re > 0) {
    downdate_trailing_by_columns(j);
  } else if (m_re > 0) {
    for (int g = 0; g < c.levels; ++g)
      if (!c.blocks[static_cast<std::size_t>(g)].empty() && !c.is_dense[static_cast<std::size_t>(g)]) downdate_trailing(j, g);
  }
  downdate_dense_levels(j);
  subtract_corner_crossproduct(l.xy, l22_.bottomRightCorner(pp, pp));  // the [X y] corner
  return true;
}

// The block-sparse rows divided by the levels' factors: B_g L_g^-T, from the reciprocal pivots
// in inverse_.
template <int Q>
void BlockedCholesky::divide_trailing_rows(int j) {
  const ChainPlan& c = s_->chain[static_cast<std::size_t>(j)];
  ChainFactor& l = chain_[static_cast<std::size_t>(j)];
  const double* inv = inverse_.data();
  const Index stride = l.diag.stride();
  if (c.q == 1) {  // level g's sparse entries are [row_start[g], row_start[g + 1])
    double* v = l.sparse.data();
    for (Index g = 0; g < c.levels; ++g) {
      const auto level = static_cast<std::size_t>(g);
      for (std::size_t k = c.row_start[level]; k < c.row_start[level + 1]; ++k) v[k] *= inv[g];
    }
  } else if constexpr (Q > 0) {  // each level's L_g read once for all its blocks' rows
    double* v = l.sparse.data();
    for (Index g = 0; g < c.levels; ++g) {
      double lg[Q][Q], ig[Q];
      for (int col = 0; col < Q; ++col) {
        ig[col] = inv[col * stride + g];
        for (int k = 0; k < col; ++k) lg[col][k] = l.diag(g, col, k);
      }
      for (const SparseBlock& b : c.blocks[static_cast<std::size_t>(g)]) {
        double* x = v + b.offset;
        for (int r = 0; r < b.rows; ++r)
          for (int col = 0; col < Q; ++col) {
            double sum = x[r + col * b.rows];
            for (int k = 0; k < col; ++k) sum -= x[r + k * b.rows] * lg[col][k];
            x[r + col * b.rows] = sum * ig[col];
          }
      }
    }
  } else {
    for (Index g = 0; g < c.levels; ++g)
      for (const SparseBlock& b : c.blocks[static_cast<std::size_t>(g)])
        lanes::solve_right_transpose(l.diag, inv, g, l.sparse.data() + b.offset, b.rows, b.rows);
  }
}

// Updates of the later chain terms, term by term: each parent level's sums over its children.
// When the next chain term is on the same factor (same levels), it updates the same parents
// (those after it) through the same children: this term's products are left for it to sum
// with its own, one pass over the children for both (pending_).
template <int Q>
void BlockedCholesky::update_later_chain_terms(int j) {
  const ChainPlan& c = s_->chain[static_cast<std::size_t>(j)];
  ChainFactor& l = chain_[static_cast<std::size_t>(j)];
  const int q = Q > 0 ? Q : c.q;
  const int pp = s_->p + 1;
  const auto r = chain_.size();
  const bool defer = c.same_levels.size() > 0 && c.same_levels[0] != 0;
  const bool take_pending = j > 0 && s_->chain[static_cast<std::size_t>(j) - 1].same_levels[0] != 0;
  for (std::size_t ii = 0; ii < l.below.size(); ++ii) {
    const std::size_t i = static_cast<std::size_t>(j) + 1 + ii;
    ChainFactor& outer = chain_[i];
    const int qi = s_->chain[i].q;
    const lanes::Parents parents{c.children[ii].members.data(), c.children[ii].start.data(),
                                 c.parent_order[ii].data(), c.same_levels[ii] != 0};
    // Where this update's products go: summed now, or left in / added to pending_.
    const bool keep = defer && ii > 0, pending = take_pending || keep;
    auto work = [&](std::size_t kind) -> std::vector<double>& { return pending ? pending_[i][kind] : products_; };
    const LevelBlocks& below_i = l.below[ii];
    small::dispatch<4>(qi, [&](auto QI) {
      lanes::subtract_grouped_products<QI, QI, Q, true>(outer.diag, below_i, below_i, parents, work(0),
                                                        take_pending, !keep);
      for (std::size_t i2 = ii + 1; i2 < l.below.size(); ++i2)
        small::dispatch<4>(l.below[i2].rows(), [&](auto Q2) {
          lanes::subtract_grouped_products<Q2, QI, Q>(outer.below[i2 - ii - 1], l.below[i2], below_i, parents,
                                                      work(i2 - ii), take_pending, !keep);
        });
      small::dispatch<8>(pp, [&](auto PP) {
        lanes::subtract_grouped_products<PP, QI, Q>(outer.xy, l.xy, below_i, parents, work(r), take_pending, !keep);
      });
      // The level's blocks in the trailing rows, into the same rows of its parent's column.
      if (s_->m_re == 0) return;
      double* bi = scratch_.data();  // level g's q_i x q block below
      std::size_t first_block = 0;
      for (int g = 0; g < c.levels; ++g) {
        const auto& list = c.blocks[static_cast<std::size_t>(g)];
        for (int k = 0; k < q; ++k)
          for (int i1 = 0; i1 < qi; ++i1) bi[i1 + k * qi] = below_i(g, i1, k);
        for (std::size_t k = 0; k < list.size(); ++k) {
          const SparseBlock& b = list[k];
          small::subtract_product<0, QI, Q>(outer.sparse.data() + c.parent_block[ii][first_block + k], b.rows,
                                            l.sparse.data() + b.offset, b.rows, bi, qi, b.rows, qi, q);
        }
        first_block += list.size();
      }
    });
  }
}

}  // namespace lmm::internal
