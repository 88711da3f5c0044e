#include "linalg/blocked_cholesky.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "linalg/dense_cholesky.hpp"
#include "linalg/log_sum.hpp"
#include "linalg/small_kernels.hpp"
#include "util/parallel.hpp"

namespace lmm::internal {

using Eigen::Index;
using Eigen::MatrixXd;

namespace {

// Whether every level of `inner` occurs with one level of `outer` only.
// corner -= x x' (lower triangle) for x with pp <= 8 rows and many columns: a fixed-size
// accumulator held in registers, where a general product pays more to set up than to run.
template <int PP>
void corner_crossproduct_fixed(const MatrixXd& x, Eigen::Block<MatrixXd> corner) {
  double sum[PP][PP] = {};  // [col][row], row >= col: independent accumulators
  const double* v = x.data();
  for (Index k = 0; k < x.cols(); ++k, v += PP)
    for (int col = 0; col < PP; ++col)
      for (int row = col; row < PP; ++row) sum[col][row] += v[row] * v[col];
  for (int col = 0; col < PP; ++col)
    for (int row = col; row < PP; ++row) corner(row, col) -= sum[col][row];
}

void corner_crossproduct(const MatrixXd& x, int pp, Eigen::Block<MatrixXd> corner) {
  switch (pp) {
    case 1: return corner_crossproduct_fixed<1>(x, corner);
    case 2: return corner_crossproduct_fixed<2>(x, corner);
    case 3: return corner_crossproduct_fixed<3>(x, corner);
    case 4: return corner_crossproduct_fixed<4>(x, corner);
    case 5: return corner_crossproduct_fixed<5>(x, corner);
    case 6: return corner_crossproduct_fixed<6>(x, corner);
    case 7: return corner_crossproduct_fixed<7>(x, corner);
    default: return corner_crossproduct_fixed<8>(x, corner);
  }
}

// out (a.cols() x b.cols(), leading dimension ld) += a.row(i)' b.row(i): one observation's
// contribution to a crossproduct block, by plain loops: Eigen's general outer product costs more
// to set up than these few multiplications, once per observation and block.
void add_row_crossproduct(double* out, Index ld, const MatrixXd& a, const MatrixXd& b, Index i) {
  for (Index c = 0; c < b.cols(); ++c) {
    const double bc = b(i, c);
    for (Index r = 0; r < a.cols(); ++r) out[r + c * ld] += a(i, r) * bc;
  }
}

// out_g += a.row(i)' b.row(i) over level g's observations, for every level: out_g is a.cols() x
// b.cols() at out + g * a.cols() * b.cols(). At compile-time widths the sums run in registers
// per level, not through memory observation by observation. The observations are added in the
// same order either way; only the compiler's fusing of multiply-adds can differ, in the last bit.
void level_crossproducts(double* out, const MatrixXd& a, const MatrixXd& b, const Grouping& by_level) {
  const auto ca = static_cast<int>(a.cols()), cb = static_cast<int>(b.cols());
  const auto levels = static_cast<Index>(by_level.start.size()) - 1;
  small::dispatch<8>(ca, [&](auto CA) {
    small::dispatch<4>(cb, [&](auto CB) {
      if constexpr (CA() > 0 && CB() > 0) {
        const Index n = a.rows();
        const double* pa = a.data();
        const double* pb = b.data();
        for (Index g = 0; g < levels; ++g) {
          double acc[CA() * CB()] = {};
          for (Index k = by_level.first(g); k < by_level.end(g); ++k) {
            const Index i = by_level.member(k);
            for (int c = 0; c < CB(); ++c) {
              const double bc = pb[i + c * n];
              for (int r = 0; r < CA(); ++r) acc[r + c * CA()] += pa[i + r * n] * bc;
            }
          }
          double* o = out + g * CA() * CB();
          for (int e = 0; e < CA() * CB(); ++e) o[e] += acc[e];
        }
      } else {
        for (Index g = 0; g < levels; ++g)
          for (Index k = by_level.first(g); k < by_level.end(g); ++k)
            add_row_crossproduct(out + g * ca * cb, ca, a, b, by_level.member(k));
      }
    });
  });
}

bool nests_in(const RandomEffectsTerm& inner, const RandomEffectsTerm& outer) {
  std::vector<int> parent(static_cast<std::size_t>(inner.nlevels()), -1);
  for (std::size_t i = 0; i < inner.codes.size(); ++i) {
    int& p = parent[static_cast<std::size_t>(inner.codes[i])];
    if (p < 0) p = outer.codes[i];
    if (p != outer.codes[i]) return false;
  }
  return true;
}

}  // namespace

Grouping::Grouping(const std::vector<int>& codes, int groups)
    : start(static_cast<std::size_t>(groups) + 1, 0), members(codes.size()) {
  for (int g : codes) ++start[static_cast<std::size_t>(g) + 1];
  for (std::size_t g = 0; g + 1 < start.size(); ++g) start[g + 1] += start[g];
  std::vector<Index> next(start.begin(), start.end() - 1);
  for (std::size_t i = 0; i < codes.size(); ++i)
    members[static_cast<std::size_t>(next[static_cast<std::size_t>(codes[i])]++)] = static_cast<Index>(i);
}

BlockedCholesky::BlockedCholesky(const std::vector<RandomEffectsTerm>& terms, const MatrixXd& x,
                                 const Eigen::VectorXd& y) {
  p_ = static_cast<int>(x.cols());
  const auto k = static_cast<int>(terms.size());
  int r = 1;
  while (r < k && nests_in(terms[static_cast<std::size_t>(r) - 1], terms[static_cast<std::size_t>(r)])) ++r;
  chain_.resize(static_cast<std::size_t>(r));
  int max_q = 1;
  for (const RandomEffectsTerm& t : terms) max_q = std::max(max_q, t.q());
  scratch_.resize(static_cast<std::size_t>(max_q) * static_cast<std::size_t>(std::max(max_q, p_ + 1)));
  for (int t = r; t < k; ++t) {
    const RandomEffectsTerm& term = terms[static_cast<std::size_t>(t)];
    term_offset_.push_back(m_re_);
    term_q_.push_back(term.q());
    trailing_diagonal_ = trailing_diagonal_ && term.q() == 1;
    for (int row = 0; row < term.nranef(); ++row) row_term_.push_back(t - r);
    m_re_ += term.nranef();
  }
  MatrixXd xy(x.rows(), p_ + 1);
  xy << x, y;
  for (int j = 0; j < r; ++j) build_chain_term(j, terms, xy);
  link_parent_blocks();
  build_trailing(terms, xy);
  plan_column_blocked_downdate();
  l22_ = a22_;
}

Index BlockedCholesky::column_block_width() const {
  return std::max<Index>(8, 65536 / std::max<Index>(1, m_re_ + p_ + 1));
}

void BlockedCholesky::plan_column_blocked_downdate() {
  if (m_re_ < kColumnBlockedOrder) return;
  const Index m = m_re_ + p_ + 1;
  const Index width = column_block_width();
  const auto nblocks = static_cast<std::size_t>((m_re_ + width - 1) / width);
  for (ChainTerm& c : chain_) {
    if (c.q != 1) continue;
    c.is_dense.assign(static_cast<std::size_t>(c.levels), 0);
    for (int g = 0; g < c.levels; ++g)
      if (static_cast<Index>(c.row_count(g)) * kDenseLevelShare >= m_re_) {
        c.dense_levels.push_back(g);
        c.is_dense[static_cast<std::size_t>(g)] = 1;
      }
    // Zero except at each level's rows, which every update overwrites.
    c.dense_columns = MatrixXd::Zero(m, static_cast<Index>(c.dense_levels.size()));
    // Segments: count per block, then fill in level order (a counting sort by block).
    auto each_segment = [&](auto&& emit) {
      for (int g = 0; g < c.levels; ++g) {
        if (c.is_dense[static_cast<std::size_t>(g)]) continue;
        Index last = -1;
        for (std::size_t j = c.row_start[static_cast<std::size_t>(g)]; j < c.row_start[static_cast<std::size_t>(g) + 1]; ++j)
          if (const Index b = c.rows[j] / width; b != last) {
            emit(static_cast<std::size_t>(b), g, j);
            last = b;
          }
      }
    };
    c.segment_start.assign(nblocks + 1, 0);
    each_segment([&](std::size_t b, int, std::size_t) { ++c.segment_start[b + 1]; });
    for (std::size_t b = 0; b < nblocks; ++b) c.segment_start[b + 1] += c.segment_start[b];
    c.segments.resize(c.segment_start.back());
    std::vector<std::size_t> next(c.segment_start.begin(), c.segment_start.end() - 1);
    each_segment([&](std::size_t b, int g, std::size_t j) { c.segments[next[b]++] = {j, g}; });
  }
}

int BlockedCholesky::dense_downdate_levels() const {
  std::size_t count = 0;
  for (const ChainTerm& c : chain_) count += c.dense_levels.size();
  return static_cast<int>(count);
}

void BlockedCholesky::build_chain_term(int j, const std::vector<RandomEffectsTerm>& terms, const MatrixXd& xy) {
  ChainTerm& c = chain_[static_cast<std::size_t>(j)];
  const RandomEffectsTerm& term = terms[static_cast<std::size_t>(j)];
  const auto r = static_cast<int>(chain_.size());
  const Index n = term.z.rows();
  c.q = term.q();
  c.levels = term.nlevels();
  const Index q = c.q;
  const Index width = q * c.levels;
  const Grouping by_level(term.codes, c.levels);
  c.a_diag = MatrixXd::Zero(q, width);
  level_crossproducts(c.a_diag.data(), term.z, term.z, by_level);
  for (int t = j + 1; t < r; ++t) {
    const RandomEffectsTerm& outer = terms[static_cast<std::size_t>(t)];
    std::vector<int> parent(static_cast<std::size_t>(c.levels), 0);
    MatrixXd below = MatrixXd::Zero(outer.q(), width);
    for (Index i = 0; i < n; ++i) parent[static_cast<std::size_t>(term.codes[i])] = outer.codes[i];
    level_crossproducts(below.data(), outer.z, term.z, by_level);
    c.children.emplace_back(parent, outer.nlevels());
    c.parent.push_back(std::move(parent));
    c.a_below.push_back(std::move(below));
  }
  // Block-sparse rows in the trailing block: the (trailing row, term, observation) entries of
  // each level, ordered by row and observation to merge repeats. Taken level by level (each
  // level's observations ascending), only each level's few entries are left to sort.
  c.blocks.assign(static_cast<std::size_t>(c.levels), {});
  struct Entry {
    int row, term;
    Index i;
  };
  const std::size_t later = terms.size() - chain_.size();
  std::vector<Entry> entries;
  entries.reserve(static_cast<std::size_t>(n) * later);
  for (int g = 0; g < c.levels; ++g)
    for (Index k = by_level.first(g); k < by_level.end(g); ++k) {
      const Index i = by_level.member(k);
      for (std::size_t t = chain_.size(); t < terms.size(); ++t)
        entries.push_back(
            {term_offset_[t - chain_.size()] + terms[t].codes[i] * terms[t].q(), static_cast<int>(t), i});
    }
  const auto per_level = static_cast<Index>(later);
  for (int g = 0; g < c.levels; ++g) {
    const auto first = entries.begin() + by_level.first(g) * per_level;
    const auto last = entries.begin() + by_level.end(g) * per_level;
    std::sort(first, last, [](const Entry& a, const Entry& b) { return a.row != b.row ? a.row < b.row : a.i < b.i; });
    auto& list = c.blocks[static_cast<std::size_t>(g)];
    for (auto e = first; e != last; ++e) {
      const RandomEffectsTerm& other = terms[static_cast<std::size_t>(e->term)];
      if (list.empty() || list.back().row != e->row) {
        list.push_back({e->row, other.q(), e->term, c.a_sparse.size()});
        c.a_sparse.resize(c.a_sparse.size() + static_cast<std::size_t>(other.q() * q), 0.0);
      }
      add_row_crossproduct(c.a_sparse.data() + list.back().offset, other.q(), other.z, term.z, e->i);
    }
  }
  c.row_start.assign(static_cast<std::size_t>(c.levels) + 1, 0);
  for (int g = 0; g < c.levels; ++g) {
    for (const Block& b : c.blocks[static_cast<std::size_t>(g)])
      for (int row = 0; row < b.rows; ++row) c.rows.push_back(b.row + row);
    c.row_start[static_cast<std::size_t>(g) + 1] = c.rows.size();
  }
  c.a_xy = MatrixXd::Zero(p_ + 1, width);
  level_crossproducts(c.a_xy.data(), xy, term.z, by_level);
  c.l_diag = c.a_diag;
  c.l_below = c.a_below;
  c.l_sparse = c.a_sparse;
  c.l_xy = c.a_xy;
}

// A level's trailing rows are among those of the level containing it in a later chain term
// (an observation of the one is an observation of the other), so eliminating it only updates
// existing blocks of that column: find them once.
void BlockedCholesky::link_parent_blocks() {
  for (std::size_t j = 0; j < chain_.size(); ++j) {
    ChainTerm& c = chain_[j];
    for (std::size_t i = j + 1; i < chain_.size(); ++i) {
      const ChainTerm& outer = chain_[i];
      std::vector<std::size_t> offsets;
      for (int g = 0; g < c.levels; ++g) {
        const auto& list = outer.blocks[static_cast<std::size_t>(c.parent[i - j - 1][static_cast<std::size_t>(g)])];
        for (const Block& b : c.blocks[static_cast<std::size_t>(g)]) {
          const auto it = std::lower_bound(list.begin(), list.end(), b.row,
                                           [](const Block& x, int row) { return x.row < row; });
          if (it == list.end() || it->row != b.row)
            throw std::logic_error("blocked Cholesky: a nested level has a trailing block its parent lacks");
          offsets.push_back(it->offset);
        }
      }
      c.parent_block.push_back(std::move(offsets));
    }
  }
}

void BlockedCholesky::build_trailing(const std::vector<RandomEffectsTerm>& terms, const MatrixXd& xy) {
  const Index m = m_re_ + p_ + 1;
  const std::size_t r = chain_.size();
  a22_ = MatrixXd::Zero(m, m);
  // [X y]'[X y] from column dot products: a few columns, where a general product spends more
  // on packing n rows than on the arithmetic.
  for (Index c = 0; c <= p_; ++c)
    for (Index row = c; row <= p_; ++row)
      a22_(m_re_ + row, m_re_ + c) = a22_(m_re_ + c, m_re_ + row) = xy.col(row).dot(xy.col(c));
  for (Index i = 0; i < xy.rows(); ++i) {
    for (std::size_t t = r; t < terms.size(); ++t) {
      const Index rt = term_offset_[t - r] + static_cast<Index>(terms[t].codes[i]) * terms[t].q();
      for (std::size_t s = r; s <= t; ++s) {
        const Index rs = term_offset_[s - r] + static_cast<Index>(terms[s].codes[i]) * terms[s].q();
        add_row_crossproduct(&a22_(rt, rs), m, terms[t].z, terms[s].z, i);
      }
      add_row_crossproduct(&a22_(m_re_, rt), m, xy, terms[t].z, i);
    }
  }
}

bool BlockedCholesky::update(const std::vector<MatrixXd>& factors) {
  if (trailing_diagonal_) {
    row_scale_.resize(m_re_);
    for (int row = 0; row < m_re_; ++row) {
      const std::size_t term = static_cast<std::size_t>(row_term_[static_cast<std::size_t>(row)]) + chain_.size();
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
  switch (chain_[static_cast<std::size_t>(j)].q) {
    case 1: return scale_chain_term_q<1>(j, factors);
    case 2: return scale_chain_term_q<2>(j, factors);
    case 3: return scale_chain_term_q<3>(j, factors);
    case 4: return scale_chain_term_q<4>(j, factors);
    default: return scale_chain_term_q<0>(j, factors);
  }
}

bool BlockedCholesky::eliminate_chain_term(int j) {
  switch (chain_[static_cast<std::size_t>(j)].q) {
    case 1: return eliminate_chain_term_q<1>(j);
    case 2: return eliminate_chain_term_q<2>(j);
    case 3: return eliminate_chain_term_q<3>(j);
    case 4: return eliminate_chain_term_q<4>(j);
    default: return eliminate_chain_term_q<0>(j);
  }
}

// The chain term's blocks of Lambda' A Lambda (+ I on the diagonal).
template <int Q>
void BlockedCholesky::scale_chain_term_q(int j, const std::vector<MatrixXd>& factors) {
  ChainTerm& c = chain_[static_cast<std::size_t>(j)];
  const int q = Q > 0 ? Q : c.q;
  const double* tj = factors[static_cast<std::size_t>(j)].data();
  if (q == 1) {  // Lambda_j is a scalar: whole arrays at once
    const double t = tj[0];
    c.l_diag.array() = c.a_diag.array() * (t * t) + 1.0;
    for (std::size_t ii = 0; ii < c.a_below.size(); ++ii) {  // T_i' a t, level by level
      const MatrixXd& ti = factors[static_cast<std::size_t>(j) + 1 + ii];
      small::dispatch<4>(static_cast<int>(ti.rows()), [&](auto QI) {
        const int qi = small::extent<QI>(static_cast<int>(ti.rows()));
        for (int g = 0; g < c.levels; ++g) {
          const double* a = c.a_below[ii].data() + static_cast<Index>(g) * qi;
          double* l = c.l_below[ii].data() + static_cast<Index>(g) * qi;
          for (int r = 0; r < qi; ++r) {
            double s = 0.0;
            for (int k = 0; k < qi; ++k) s += ti.data()[k + r * qi] * a[k];
            l[r] = s * t;
          }
        }
      });
    }
    if (trailing_diagonal_ && m_re_ > 0) {  // l_sparse's entries are at c.rows' positions (q = 1)
      const int* rows = c.rows.data();
      for (std::size_t k = 0; k < c.a_sparse.size(); ++k) c.l_sparse[k] = c.a_sparse[k] * (t * row_scale_[rows[k]]);
    } else if (m_re_ > 0) {
      for (const auto& list : c.blocks)
        for (const Block& b : list)
          Eigen::Map<MatrixXd>(c.l_sparse.data() + b.offset, b.rows, 1).noalias() =
              t * factors[static_cast<std::size_t>(b.term)].transpose() *
              Eigen::Map<const MatrixXd>(c.a_sparse.data() + b.offset, b.rows, 1);
    }
    c.l_xy = c.a_xy * t;
    return;
  }
  double* tmp = scratch_.data();
  if constexpr (Q == 2) {
    // vec(T_i' A T_j) = (T_j' kron T_i') vec(A): one fixed 4 x 4 (or 2 x 2) map for all levels,
    // a few SIMD multiply-adds per level where the two-sided product chains its partial sums.
    const Eigen::Matrix2d t2 = factors[static_cast<std::size_t>(j)];
    const Eigen::Matrix4d k_diag = small::kron<2, 2, 2, 2>(t2.transpose(), t2.transpose());
    const Index n = c.levels;
    {
      const double* a = c.a_diag.data();
      double* l = c.l_diag.data();
      for (Index g = 0; g < n; ++g) {
        Eigen::Map<Eigen::Vector4d> lg(l + g * 4);
        lg.noalias() = k_diag * Eigen::Map<const Eigen::Vector4d>(a + g * 4);
        lg[0] += 1.0;
        lg[3] += 1.0;
      }
    }
    for (std::size_t ii = 0; ii < c.a_below.size(); ++ii) {
      const MatrixXd& ti = factors[static_cast<std::size_t>(j) + 1 + ii];
      const double* a = c.a_below[ii].data();
      double* l = c.l_below[ii].data();
      if (ti.rows() == 2) {
        const Eigen::Matrix4d k = small::kron<2, 2, 2, 2>(t2.transpose(), ti.transpose());
        for (Index g = 0; g < n; ++g)
          Eigen::Map<Eigen::Vector4d>(l + g * 4).noalias() = k * Eigen::Map<const Eigen::Vector4d>(a + g * 4);
      } else if (ti.rows() == 1) {
        const Eigen::Matrix2d k = ti(0, 0) * t2.transpose();
        for (Index g = 0; g < n; ++g)
          Eigen::Map<Eigen::Vector2d>(l + g * 2).noalias() = k * Eigen::Map<const Eigen::Vector2d>(a + g * 2);
      } else {
        const auto qi = static_cast<int>(ti.rows());
        for (int g = 0; g < c.levels; ++g) {
          const Index at = static_cast<Index>(g) * q * qi;
          small::sandwich<0, Q>(ti.data(), c.a_below[ii].data() + at, qi, q, tj, c.l_below[ii].data() + at, tmp);
        }
      }
    }
  } else {
    for (int g = 0; g < c.levels; ++g) {
      const Index at = static_cast<Index>(g) * q * q;
      small::sandwich<Q, Q>(tj, c.a_diag.data() + at, q, q, tj, c.l_diag.data() + at, tmp);
      for (int k = 0; k < q; ++k) c.l_diag.data()[at + k + k * q] += 1.0;
    }
    for (std::size_t ii = 0; ii < c.a_below.size(); ++ii) {
      const MatrixXd& ti = factors[static_cast<std::size_t>(j) + 1 + ii];
      const auto qi = static_cast<int>(ti.rows());
      small::dispatch<4>(qi, [&](auto QI) {
        for (int g = 0; g < c.levels; ++g) {
          const Index at = static_cast<Index>(g) * q * qi;
          small::sandwich<QI, Q>(ti.data(), c.a_below[ii].data() + at, qi, q, tj, c.l_below[ii].data() + at, tmp);
        }
      });
    }
  }
  if (m_re_ > 0)  // the blocks in the trailing rows
    for (const auto& list : c.blocks)
      for (const Block& b : list)
        small::dispatch<4>(b.rows, [&](auto R) {
          small::sandwich<R, Q>(factors[static_cast<std::size_t>(b.term)].data(), c.a_sparse.data() + b.offset, b.rows,
                                q, tj, c.l_sparse.data() + b.offset, tmp);
        });
  const int pp = p_ + 1;
  small::dispatch<8>(pp, [&](auto PP) {
    if constexpr (Q > 0 && PP() > 0) {  // each level's (p + 1) x q block times T_j, at fixed size
      using XyBlock = Eigen::Matrix<double, PP(), Q>;
      const Eigen::Matrix<double, Q, Q> t = factors[static_cast<std::size_t>(j)];
      const double* a = c.a_xy.data();
      double* l = c.l_xy.data();
      const Index n = c.levels;
      for (Index g = 0; g < n; ++g)
        Eigen::Map<XyBlock>(l + g * Q * PP()).noalias() = Eigen::Map<const XyBlock>(a + g * Q * PP()) * t;
    } else {
      for (int g = 0; g < c.levels; ++g) {
        const Index at = static_cast<Index>(g) * q * pp;
        small::sandwich<PP, Q>(nullptr, c.a_xy.data() + at, pp, q, tj, c.l_xy.data() + at, tmp);
      }
    }
  });
}

// Lambda' A22 Lambda + I on the trailing block's random-effects rows. Only the lower triangle is
// used. Columns are scaled on the right by their term's T, then each column's segments by T' on
// the left: both passes run down columns, in memory order. Where every trailing term has one
// column, Lambda is diagonal and one pass suffices.
void BlockedCholesky::scale_trailing(const std::vector<MatrixXd>& factors) {
  const Index m = m_re_ + p_ + 1;
  const std::size_t r = chain_.size();
  if (trailing_diagonal_) {
    Eigen::VectorXd scale = Eigen::VectorXd::Ones(m);
    scale.head(m_re_) = row_scale_;
    for (Index j = 0; j < m; ++j)
      l22_.col(j).tail(m - j) = scale[j] * scale.tail(m - j).cwiseProduct(a22_.col(j).tail(m - j));
  } else {
    l22_ = a22_;
    for (int row = 0; row < m_re_;) {
      const int q = term_q_[static_cast<std::size_t>(row_term_[row])];
      l22_.middleCols(row, q) = l22_.middleCols(row, q) * factors[static_cast<std::size_t>(row_term_[row]) + r];
      row += q;
    }
    for (Index j = 0; j < m; ++j)
      for (int row = 0; row < m_re_;) {
        const int q = term_q_[static_cast<std::size_t>(row_term_[row])];
        l22_.col(j).segment(row, q) =
            factors[static_cast<std::size_t>(row_term_[row]) + r].transpose() * l22_.col(j).segment(row, q);
        row += q;
      }
  }
  l22_.diagonal().head(m_re_).array() += 1.0;
}

// Factors chain term j's diagonal blocks and divides the blocks below them: the levels are
// independent once the earlier terms are eliminated, so with q = 1 this runs on whole arrays.
// Then each level's outer products are subtracted from the later chain terms (one level of each)
// and from the dense trailing block.
template <int Q>
bool BlockedCholesky::eliminate_chain_term_q(int j) {
  ChainTerm& c = chain_[static_cast<std::size_t>(j)];
  const int q = Q > 0 ? Q : c.q;
  const int pp = p_ + 1;
  if (q == 1) {  // contiguous arrays over the levels, in SIMD lanes
    const Index n = c.levels;
    double* pivot = c.l_diag.data();
    Index not_positive = 0;  // NaN included
    for (Index g = 0; g < n; ++g) not_positive += !(pivot[g] > 0.0);
    if (not_positive > 0) return false;
    Eigen::Map<Eigen::ArrayXd> d(pivot, n);
    d = d.sqrt();
    inverse_.resize(n);
    inverse_.array() = d.inverse();
    const double* inv = inverse_.data();
    for (auto& below : c.l_below) {
      const auto qi = static_cast<int>(below.rows());
      small::dispatch<4>(qi, [&](auto QI) {
        const int rows = small::extent<QI>(qi);
        double* v = below.data();
        for (Index g = 0; g < n; ++g)
          for (int r = 0; r < rows; ++r) v[g * rows + r] *= inv[g];
      });
    }
    small::dispatch<8>(pp, [&](auto PP) {
      const int rows = small::extent<PP>(pp);
      double* v = c.l_xy.data();
      for (Index g = 0; g < n; ++g)
        for (int r = 0; r < rows; ++r) v[g * rows + r] *= inv[g];
    });
    if (m_re_ > 0)  // with q = 1, level g's entries of l_sparse are [row_start[g], row_start[g + 1])
      for (Index g = 0; g < n; ++g) {
        double* v = c.l_sparse.data();
        const auto level = static_cast<std::size_t>(g);
        for (std::size_t k = c.row_start[level]; k < c.row_start[level + 1]; ++k) v[k] *= inv[g];
      }
  } else if constexpr (Q == 2) {
    // First every level's 2 x 2 factor and the reciprocals of its pivots, in a loop of
    // independent iterations (so the square roots and divisions of many levels overlap), then
    // the divisions of the blocks below as multiplications.
    const Index n = c.levels;
    inverse_.resize(2 * n);
    double* inv = inverse_.data();
    double* diag = c.l_diag.data();
    Index not_positive = 0;  // NaN included
    for (Index g = 0; g < n; ++g) {
      double* l = diag + 4 * g;
      not_positive += !(l[0] > 0.0);
      const double l00 = std::sqrt(l[0]), r0 = 1.0 / l00, l10 = l[1] * r0, d1 = l[3] - l10 * l10;
      not_positive += !(d1 > 0.0);
      const double l11 = std::sqrt(d1);
      l[0] = l00;
      l[1] = l10;
      l[3] = l11;
      inv[2 * g] = r0;
      inv[2 * g + 1] = 1.0 / l11;
    }
    if (not_positive > 0) return false;
    // b (rows x 2, column-major) <- b L_g^{-T}.
    auto divide = [&](auto rows_constant, double* b, int rows_, Index g) {
      const int rows = small::extent<decltype(rows_constant)::value>(rows_);
      const double r0 = inv[2 * g], r1 = inv[2 * g + 1], l10 = diag[4 * g + 1];
      for (int i = 0; i < rows; ++i) {
        b[i] *= r0;
        b[i + rows] = (b[i + rows] - b[i] * l10) * r1;
      }
    };
    for (auto& below : c.l_below) {
      const auto qi = static_cast<int>(below.rows());
      double* data = below.data();
      small::dispatch<4>(qi, [&](auto QI) {
        for (Index g = 0; g < n; ++g) divide(QI, data + g * 2 * qi, qi, g);
      });
    }
    if (m_re_ > 0)
      for (Index g = 0; g < n; ++g)
        for (const Block& b : c.blocks[static_cast<std::size_t>(g)])
          divide(std::integral_constant<int, 0>{}, c.l_sparse.data() + b.offset, b.rows, g);
    double* xy = c.l_xy.data();
    small::dispatch<8>(pp, [&](auto PP) {
      for (Index g = 0; g < n; ++g) divide(PP, xy + g * 2 * pp, pp, g);
    });
  } else {
    for (int g = 0; g < c.levels; ++g) {
      double* lg = c.l_diag.data() + static_cast<Index>(g) * q * q;
      if (!small::cholesky<Q>(lg, q)) return false;
      for (auto& below : c.l_below) {
        const auto qi = static_cast<int>(below.rows());
        small::solve_right_transpose<Q>(lg, q, below.data() + static_cast<Index>(g) * q * qi, qi, qi);
      }
      for (const Block& b : c.blocks[static_cast<std::size_t>(g)])
        small::solve_right_transpose<Q>(lg, q, c.l_sparse.data() + b.offset, b.rows, b.rows);
    }
    small::dispatch<8>(pp, [&](auto PP) {
      for (int g = 0; g < c.levels; ++g)
        small::solve_right_transpose<Q, PP>(c.l_diag.data() + static_cast<Index>(g) * q * q, q,
                                            c.l_xy.data() + static_cast<Index>(g) * q * pp, pp, pp);
    });
  }

  // Updates of the later chain terms, term by term.
  for (std::size_t ii = 0; ii < c.l_below.size(); ++ii) {
    ChainTerm& outer = chain_[static_cast<std::size_t>(j) + 1 + ii];
    const int qi = outer.q;
    const std::vector<int>& parent = c.parent[ii];
    // At compile-time sizes, each parent's updates are summed over its children first
    // (subtract_grouped_products); otherwise level by level.
    const Index* children = c.children[ii].members.data();
    const Index* start = c.children[ii].start.data();
    const double* below_i = c.l_below[ii].data();
    small::dispatch<4>(qi, [&](auto QI) {
      if constexpr (Q > 0 && QI() > 0) {
        small::subtract_grouped_products<QI(), QI(), Q>(outer.l_diag.data(), below_i, below_i, children, start,
                                                        outer.levels);
      } else {
        for (int g = 0; g < c.levels; ++g) {
          const Index h = parent[static_cast<std::size_t>(g)];
          const double* bi = below_i + static_cast<Index>(g) * q * qi;
          small::subtract_product<QI, QI, Q>(outer.l_diag.data() + h * qi * qi, qi, bi, qi, bi, qi, qi, qi, q);
        }
      }
      for (std::size_t i2 = ii + 1; i2 < c.l_below.size(); ++i2) {
        const auto q2 = static_cast<int>(c.l_below[i2].rows());
        small::dispatch<4>(q2, [&](auto Q2) {
          double* out = outer.l_below[i2 - ii - 1].data();
          if constexpr (Q > 0 && QI() > 0 && Q2() > 0) {
            small::subtract_grouped_products<Q2(), QI(), Q>(out, c.l_below[i2].data(), below_i, children, start,
                                                            outer.levels);
          } else {
            for (int g = 0; g < c.levels; ++g) {
              const Index h = parent[static_cast<std::size_t>(g)];
              const double* bi = below_i + static_cast<Index>(g) * q * qi;
              const double* b2 = c.l_below[i2].data() + static_cast<Index>(g) * q * q2;
              small::subtract_product<Q2, QI, Q>(out + h * qi * q2, q2, b2, q2, bi, qi, q2, qi, q);
            }
          }
        });
      }
      small::dispatch<8>(pp, [&](auto PP) {
        if constexpr (Q > 0 && QI() > 0 && PP() > 0) {
          small::subtract_grouped_products<PP(), QI(), Q>(outer.l_xy.data(), c.l_xy.data(), below_i, children, start,
                                                          outer.levels);
        } else {
          for (int g = 0; g < c.levels; ++g) {
            const Index h = parent[static_cast<std::size_t>(g)];
            const double* bi = below_i + static_cast<Index>(g) * q * qi;
            small::subtract_product<PP, QI, Q>(outer.l_xy.data() + h * qi * pp, pp,
                                               c.l_xy.data() + static_cast<Index>(g) * q * pp, pp, bi, qi, pp, qi, q);
          }
        }
      });
    });
    // The level's blocks in the trailing rows, into the same rows of its parent's column.
    if (m_re_ > 0) small::dispatch<4>(qi, [&](auto QI) {
      std::size_t first_block = 0;
      for (int g = 0; g < c.levels; ++g) {
        const auto& list = c.blocks[static_cast<std::size_t>(g)];
        const double* bi = c.l_below[ii].data() + static_cast<Index>(g) * q * qi;
        for (std::size_t k = 0; k < list.size(); ++k) {
          const Block& b = list[k];
          small::subtract_product<0, QI, Q>(outer.l_sparse.data() + c.parent_block[ii][first_block + k], b.rows,
                                         c.l_sparse.data() + b.offset, b.rows, bi, qi, b.rows, qi, q);
        }
        first_block += list.size();
      }
    });
  }
  // The dense trailing block.
  if (q == 1 && m_re_ >= kColumnBlockedOrder) {
    downdate_trailing_by_columns(c);
  } else if (m_re_ > 0) {
    for (int g = 0; g < c.levels; ++g)
      if (!c.blocks[static_cast<std::size_t>(g)].empty()) downdate_trailing(c, g);
  }
  // The [X y] corner: L22 -= C C' over all levels (lower triangle; small p by plain loops).
  if (pp <= 8) {
    corner_crossproduct(c.l_xy, pp, l22_.bottomRightCorner(pp, pp));
  } else {
    l22_.bottomRightCorner(pp, pp).template selfadjointView<Eigen::Lower>().rankUpdate(c.l_xy, -1.0);
  }
  return true;
}

// L22 -= L21 L21' for level g's column: its blocks (stacked into E, K x q, K the rows they
// cover) contribute E E' at those rows and C E' to the [X y] rows (C = the level's [X y] part).
// One small product per level, not per pair of blocks. The [X y] corner is done per term.
void BlockedCholesky::downdate_trailing(const ChainTerm& c, int g) {
  const auto& list = c.blocks[static_cast<std::size_t>(g)];
  const int* rows = c.rows.data() + c.row_start[static_cast<std::size_t>(g)];
  const auto k = static_cast<Index>(c.row_count(g));
  const int q = c.q;
  const Index ld = l22_.outerStride();
  double* l = l22_.data();
  e_.resize(k, q);
  Index r = 0;
  for (const Block& b : list) {
    e_.middleRows(r, b.rows) = Eigen::Map<const MatrixXd>(c.l_sparse.data() + b.offset, b.rows, q);
    r += b.rows;
  }
  if (q == 1) {
    const double* v = e_.data();
    for (Index j = 0; j < k; ++j) {
      double* column = l + static_cast<Index>(rows[j]) * ld;
      const double vj = v[j];
      for (Index i = j; i < k; ++i) column[rows[i]] -= v[i] * vj;
    }
  } else {
    ee_.noalias() = e_ * e_.transpose();
    for (Index j = 0; j < k; ++j) {
      double* column = l + static_cast<Index>(rows[j]) * ld;
      for (Index i = j; i < k; ++i) column[rows[i]] -= ee_(i, j);
    }
  }
  ce_.noalias() = c.l_xy.middleCols(static_cast<Index>(g) * q, q) * e_.transpose();
  for (Index j = 0; j < k; ++j) l22_.col(rows[j]).segment(m_re_, p_ + 1) -= ce_.col(j);
}


// The same for every level of a q = 1 chain term at once, by blocks of trailing columns: each
// block (about 512 KB of L22) stays in cache while every level's entries in it are subtracted,
// where level by level the updates land all over L22. A block visits only the levels with rows
// in it (its segments, planned once), not every level. Blocks are independent, so they are
// shared among linalg_threads() threads; each entry is updated in the same order either way.
// The heavy levels (dense_levels) come after the others, as one product D D' of their columns.
void BlockedCholesky::downdate_trailing_by_columns(ChainTerm& c) {
  const Index ld = l22_.outerStride();
  const Index width = column_block_width();
  const auto nblocks = static_cast<int>(c.segment_start.size() - 1);
  const int pp = p_ + 1;
  double* l = l22_.data();
  // Per segment, the level's rows and values from its first row in the block to its last row:
  // rows[first, end) and v[first, end) (l_sparse is in the order of rows when q = 1).
  const int* rows = c.rows.data();
  const double* v = c.l_sparse.data();
  const std::size_t* row_start = c.row_start.data();
  const double* xy = c.l_xy.data();
  const Index m_re = m_re_;
  parallel_for(nblocks, worker_count(linalg_threads(), nblocks), [&, l, ld, pp](int block, int) {
    const Index c1 = std::min<Index>(m_re, (block + 1) * width);
    const std::size_t s1 = c.segment_start[static_cast<std::size_t>(block) + 1];
    for (std::size_t s = c.segment_start[static_cast<std::size_t>(block)]; s < s1; ++s) {
      // The segments' data lie all over memory: fetch the one after next while this one runs.
      if (s + 2 < s1) {
        const ChainTerm::Segment& ahead = c.segments[s + 2];
        __builtin_prefetch(rows + ahead.first);
        __builtin_prefetch(v + ahead.first);
        __builtin_prefetch(row_start + ahead.level + 1);
        __builtin_prefetch(xy + static_cast<Index>(ahead.level) * pp);
      }
      const ChainTerm::Segment seg = c.segments[s];
      const std::size_t end = row_start[static_cast<std::size_t>(seg.level) + 1];
      const double* cg = xy + static_cast<Index>(seg.level) * pp;
      for (std::size_t j = seg.first; j < end && rows[j] < c1; ++j) {
        double* column = l + static_cast<Index>(rows[j]) * ld;
        const double vj = v[j];
        for (std::size_t i = j; i < end; ++i) column[rows[i]] -= v[i] * vj;
        for (int r = 0; r < pp; ++r) column[m_re + r] -= cg[r] * vj;
      }
    }
  });
  if (c.dense_levels.empty()) return;
  MatrixXd& d = c.dense_columns;
  for (Index h = 0; h < d.cols(); ++h) {
    const int g = c.dense_levels[static_cast<std::size_t>(h)];
    double* column = d.col(h).data();
    for (std::size_t i = c.row_start[static_cast<std::size_t>(g)]; i < c.row_start[static_cast<std::size_t>(g) + 1]; ++i)
      column[c.rows[i]] = c.l_sparse[i];
    d.col(h).tail(pp) = c.l_xy.col(g);
  }
  // L22 -= D D' on the random-effects columns (lower part; the [X y] corner is done per term),
  // by column panels: a GEMM each.
  constexpr Index kPanel = 128;
  const Index m = m_re_ + pp;
  const auto panels = static_cast<int>((m_re_ + kPanel - 1) / kPanel);
  parallel_for(panels, worker_count(linalg_threads(), panels), [&](int b, int) {
    const Index c0 = b * kPanel;
    const Index cb = std::min<Index>(kPanel, m_re_ - c0);
    l22_.block(c0, c0, m - c0, cb).noalias() -= d.middleRows(c0, m - c0) * d.middleRows(c0, cb).transpose();
  });
}

double BlockedCholesky::log_det_random() const {
  LogSum sum;
  for (const ChainTerm& c : chain_)  // the diagonal of each q x q block, stored side by side
    for (int k = 0; k < c.q; ++k) sum.add(c.l_diag.data() + k + k * c.q, c.levels, c.q * c.q);
  sum.add(l22_.data(), m_re_, l22_.rows() + 1);
  return 2.0 * sum.value();
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
  std::vector<Index> offset(chain_.size() + 1, 0);
  for (std::size_t j = 0; j < chain_.size(); ++j)
    offset[j + 1] = offset[j] + static_cast<Index>(chain_[j].q) * chain_[j].levels;
  u.resize(offset.back() + m_re_);
  u.tail(m_re_) = tail.head(m_re_);
  // The chain, last term first, level by level: L_g' u_g = c_g - (the blocks below)' (their
  // unknowns). Plain loops on the small blocks: no temporaries per level.
  int max_q = 1;
  for (const ChainTerm& c : chain_) max_q = std::max(max_q, c.q);
  std::vector<double> rhs(static_cast<std::size_t>(max_q));
  const Index pp = p_ + 1;
  for (std::size_t j = chain_.size(); j-- > 0;) {
    const ChainTerm& c = chain_[j];
    const Index q = c.q;
    for (int g = 0; g < c.levels; ++g) {
      const Index col = static_cast<Index>(g) * q;
      for (Index k = 0; k < q; ++k) {
        const double* xy = c.l_xy.data() + (col + k) * pp;
        double s = xy[p_];
        for (Index r = 0; r < p_; ++r) s -= xy[r] * beta[r];
        for (const Block& b : c.blocks[static_cast<std::size_t>(g)]) {
          const double* lb = c.l_sparse.data() + b.offset + k * b.rows;
          for (int i = 0; i < b.rows; ++i) s -= lb[i] * tail[b.row + i];
        }
        for (std::size_t ii = 0; ii < c.l_below.size(); ++ii) {
          const Index qi = c.l_below[ii].rows();
          const Index h = c.parent[ii][static_cast<std::size_t>(g)];
          const double* below = c.l_below[ii].data() + (col + k) * qi;
          const double* uh = u.data() + offset[j + 1 + ii] + h * qi;
          for (Index i = 0; i < qi; ++i) s -= below[i] * uh[i];
        }
        rhs[static_cast<std::size_t>(k)] = s;
      }
      const double* lg = c.l_diag.data() + col * q;  // back substitution with L_g'
      for (Index k = q; k-- > 0;) {
        double s = rhs[static_cast<std::size_t>(k)];
        for (Index i = k + 1; i < q; ++i) s -= lg[i + k * q] * rhs[static_cast<std::size_t>(i)];
        rhs[static_cast<std::size_t>(k)] = s / lg[k + k * q];
        u[offset[j] + col + k] = rhs[static_cast<std::size_t>(k)];
      }
    }
  }
}

}  // namespace lmm::internal
