#include "linalg/blocked_cholesky.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>
#include <stdexcept>

#include "linalg/dense_cholesky.hpp"
#include "linalg/log_sum.hpp"
#include "linalg/small_kernels.hpp"
#include "util/parallel.hpp"

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

// level_crossproducts into LevelBlocks (a.cols() x b.cols() per level).
LevelBlocks level_crossproduct_blocks(const MatrixXd& a, const MatrixXd& b, const Grouping& by_level) {
  const auto levels = static_cast<Index>(by_level.start.size()) - 1;
  std::vector<double> blocks(static_cast<std::size_t>(a.cols() * b.cols() * levels), 0.0);
  level_crossproducts(blocks.data(), a, b, by_level);
  return LevelBlocks::from_blocks(blocks.data(), static_cast<int>(a.cols()), static_cast<int>(b.cols()), levels);
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

std::vector<Index> Grouping::by_size() const {
  const std::size_t groups = start.size() - 1;
  Index largest = 0;
  for (std::size_t g = 0; g < groups; ++g) largest = std::max(largest, start[g + 1] - start[g]);
  std::vector<Index> first(static_cast<std::size_t>(largest) + 2, 0), order(groups);
  for (std::size_t g = 0; g < groups; ++g) ++first[static_cast<std::size_t>(start[g + 1] - start[g]) + 1];
  for (std::size_t s = 0; s + 1 < first.size(); ++s) first[s + 1] += first[s];
  for (std::size_t g = 0; g < groups; ++g)
    order[static_cast<std::size_t>(first[static_cast<std::size_t>(start[g + 1] - start[g])]++)] = static_cast<Index>(g);
  return order;
}

bool Grouping::is_identity() const {
  for (std::size_t g = 0; g + 1 < start.size(); ++g)
    if (start[g + 1] != static_cast<Index>(g) + 1 || members[g] != static_cast<Index>(g)) return false;
  return members.size() + 1 == start.size();
}

BlockedCholesky::BlockedCholesky(const std::vector<RandomEffectsTerm>& terms, const MatrixXd& x,
                                 const Eigen::VectorXd& y) {
  p_ = static_cast<int>(x.cols());
  const auto k = static_cast<int>(terms.size());
  const int r = std::max(1, static_cast<int>(nested_chain_length(terms)));
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
  CenteredDesign design = center_design(x, y);
  basis_ = std::move(design.t);
  basis_shift_ = std::move(design.b);
  y_scale_ = design.y_scale;
  log_abs_det_basis_ = design.log_abs_det_t;
  exact_fit_ = design.exact_fit;
  for (int j = 0; j < r; ++j) build_chain_term(j, terms, design.xy);
  pending_.assign(static_cast<std::size_t>(r), std::vector<std::vector<double>>(static_cast<std::size_t>(r) + 1));
  link_parent_blocks();
  build_trailing(terms, design.xy);
  plan_trailing_downdate();
  l22_ = a22_;
}

Index BlockedCholesky::column_block_width() const {
  return std::max<Index>(8, 65536 / std::max<Index>(1, m_re_ + p_ + 1));
}

void BlockedCholesky::plan_trailing_downdate() {
  if (m_re_ == 0) return;
  const Index m = m_re_ + p_ + 1;
  const Index width = column_block_width();
  const auto nblocks = static_cast<std::size_t>((m_re_ + width - 1) / width);
  for (ChainTerm& c : chain_) {
    c.is_dense.assign(static_cast<std::size_t>(c.levels), 0);
    for (int g = 0; g < c.levels; ++g)
      if (static_cast<Index>(c.row_count(g)) * kDenseLevelShare >= m_re_) {
        c.dense_levels.push_back(g);
        c.is_dense[static_cast<std::size_t>(g)] = 1;
      }
    // Zero except at each level's rows, which every update overwrites.
    c.dense_columns = MatrixXd::Zero(m, static_cast<Index>(c.dense_levels.size()) * c.q);
    if (c.q != 1) continue;
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
  const Grouping by_level(term.codes, c.levels);
  c.a_diag = level_crossproduct_blocks(term.z, term.z, by_level);
  for (int t = j + 1; t < r; ++t) {
    const RandomEffectsTerm& outer = terms[static_cast<std::size_t>(t)];
    std::vector<int> parent(static_cast<std::size_t>(c.levels), 0);
    for (Index i = 0; i < n; ++i) parent[static_cast<std::size_t>(term.codes[i])] = outer.codes[i];
    c.a_below.push_back(level_crossproduct_blocks(outer.z, term.z, by_level));
    c.children.emplace_back(parent, outer.nlevels());
    c.parent_order.push_back(c.children.back().by_size());
    c.same_levels.push_back(static_cast<char>(c.children.back().is_identity()));
    c.parent.push_back(std::move(parent));
  }
  // Block-sparse rows in the trailing block: one entry per observation and later term (entry
  // e = i * later + k: observation i, term chain size + k), merged by trailing row within each
  // level, each row's observations summed in ascending order. Two stable counting sorts, by row
  // and then by level, put each level's entries in that order in O(n) (a comparison sort per
  // level took most of the model's construction at 10M rows).
  c.blocks.assign(static_cast<std::size_t>(c.levels), {});
  const std::size_t first_later = chain_.size();
  const auto later = static_cast<Index>(terms.size() - first_later);
  const Index total = n * later;
  std::vector<int> entry_row(static_cast<std::size_t>(total));
  for (Index i = 0; i < n; ++i)
    for (Index k = 0; k < later; ++k) {
      const RandomEffectsTerm& other = terms[first_later + static_cast<std::size_t>(k)];
      entry_row[static_cast<std::size_t>(i * later + k)] = term_offset_[static_cast<std::size_t>(k)] + other.codes[i] * other.q();
    }
  std::vector<Index> next(static_cast<std::size_t>(m_re_) + 1, 0);
  for (const int row : entry_row) ++next[static_cast<std::size_t>(row) + 1];
  std::partial_sum(next.begin(), next.end(), next.begin());
  std::vector<Index> by_row(static_cast<std::size_t>(total));
  for (Index e = 0; e < total; ++e) by_row[static_cast<std::size_t>(next[static_cast<std::size_t>(entry_row[static_cast<std::size_t>(e)])]++)] = e;
  auto observation = [later](Index e) { return later == 1 ? e : e / later; };
  next.resize(static_cast<std::size_t>(c.levels));
  for (int g = 0; g < c.levels; ++g) next[static_cast<std::size_t>(g)] = by_level.first(g) * later;
  std::vector<Index> ordered(static_cast<std::size_t>(total));
  for (const Index e : by_row) ordered[static_cast<std::size_t>(next[static_cast<std::size_t>(term.codes[observation(e)])]++)] = e;
  by_row = {};
  for (int g = 0; g < c.levels; ++g) {
    auto& list = c.blocks[static_cast<std::size_t>(g)];
    for (Index k = by_level.first(g) * later; k < by_level.end(g) * later; ++k) {
      const Index e = ordered[static_cast<std::size_t>(k)];
      const int row = entry_row[static_cast<std::size_t>(e)];
      const auto t = first_later + static_cast<std::size_t>(e % later);
      const RandomEffectsTerm& other = terms[t];
      if (list.empty() || list.back().row != row) {
        list.push_back({row, other.q(), static_cast<int>(t), c.a_sparse.size()});
        c.a_sparse.resize(c.a_sparse.size() + static_cast<std::size_t>(other.q() * q), 0.0);
      }
      add_row_crossproduct(c.a_sparse.data() + list.back().offset, other.q(), other.z, term.z, observation(e));
    }
  }
  c.row_start.assign(static_cast<std::size_t>(c.levels) + 1, 0);
  for (int g = 0; g < c.levels; ++g) {
    for (const Block& b : c.blocks[static_cast<std::size_t>(g)])
      for (int row = 0; row < b.rows; ++row) c.rows.push_back(b.row + row);
    c.row_start[static_cast<std::size_t>(g) + 1] = c.rows.size();
  }
  c.a_xy = level_crossproduct_blocks(xy, term.z, by_level);
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

// The chain term's blocks of Lambda' A Lambda (+ I on the diagonal). The blocks of every level
// are scaled in lanes of levels (LevelBlocks); the block-sparse rows block by block.
template <int Q>
void BlockedCholesky::scale_chain_term_q(int j, const std::vector<MatrixXd>& factors) {
  ChainTerm& c = chain_[static_cast<std::size_t>(j)];
  const int q = Q > 0 ? Q : c.q;
  const double* tj = factors[static_cast<std::size_t>(j)].data();
  lanes::sandwich<Q, Q, true>(tj, c.a_diag, tj, c.l_diag);
  for (int k = 0; k < q; ++k)  // the padding too: its diagonal blocks become the identity
    Eigen::Map<Eigen::ArrayXd>(c.l_diag.entry(k, k), c.l_diag.stride()) += 1.0;
  for (std::size_t ii = 0; ii < c.a_below.size(); ++ii) {  // T_i' A T_j
    const MatrixXd& ti = factors[static_cast<std::size_t>(j) + 1 + ii];
    small::dispatch<4>(static_cast<int>(ti.rows()),
                       [&](auto QI) { lanes::sandwich<QI, Q>(ti.data(), c.a_below[ii], tj, c.l_below[ii]); });
  }
  small::dispatch<8>(p_ + 1, [&](auto PP) { lanes::sandwich<PP, Q>(nullptr, c.a_xy, tj, c.l_xy); });
  if (m_re_ == 0) return;
  if (q == 1 && trailing_diagonal_) {  // l_sparse's entries are at c.rows' positions (q = 1)
    const double t = tj[0];
    const int* rows = c.rows.data();
    for (std::size_t k = 0; k < c.a_sparse.size(); ++k) c.l_sparse[k] = c.a_sparse[k] * (t * row_scale_[rows[k]]);
    return;
  }
  if constexpr (Q > 0) {
    if (trailing_diagonal_) {  // T_t' is each row's T(0, 0): scale the rows of A T_j, block by block
      const double* a = c.a_sparse.data();
      double* l = c.l_sparse.data();
      for (const auto& list : c.blocks)
        for (const Block& b : list) {
          const double* ab = a + b.offset;
          double* lb = l + b.offset;
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
    for (const Block& b : list)
      small::dispatch<4>(b.rows, [&](auto R) {
        small::sandwich<R, Q>(factors[static_cast<std::size_t>(b.term)].data(), c.a_sparse.data() + b.offset, b.rows, q,
                              tj, c.l_sparse.data() + b.offset, tmp);
      });
}

// Lambda' A22 Lambda + I on the trailing block's random-effects rows, lower triangle only (the
// factor reads no other part; A22 holds its lower blocks and whole diagonal blocks). Each
// level's block of q columns is multiplied on the right by its term's T, from its diagonal block
// down ([X y] rows included); then each level's block of q rows on the left by T', across the
// columns up to its own last one. Both passes run down columns, in memory order, with
// compile-time-sized loops for q <= 4. Where every trailing term has one column, Lambda is
// diagonal and one pass suffices.
void BlockedCholesky::scale_trailing(const std::vector<MatrixXd>& factors) {
  const Index m = m_re_ + p_ + 1;
  const std::size_t r = chain_.size();
  if (trailing_diagonal_) {
    Eigen::VectorXd scale = Eigen::VectorXd::Ones(m);
    scale.head(m_re_) = row_scale_;
    for (Index j = 0; j < m; ++j)
      l22_.col(j).tail(m - j) = scale[j] * scale.tail(m - j).cwiseProduct(a22_.col(j).tail(m - j));
  } else {
    const Index ld = m;
    // f(start, q, factor) for each level's block of q random effects.
    auto each_block = [&](auto&& f) {
      for (int start = 0; start < m_re_;) {
        const auto t = static_cast<std::size_t>(row_term_[start]);
        f(start, term_q_[t], factors[t + r]);
        start += term_q_[t];
      }
    };
    each_block([&](int col, int q, const MatrixXd& f) {
      small::dispatch<4>(q, [&](auto Q) {
        if constexpr (Q == 0) {
          l22_.block(col, col, m - col, q).noalias() = a22_.block(col, col, m - col, q) * f;
        } else {
          const double* a = a22_.data() + col + col * ld;
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
    l22_.bottomRightCorner(p_ + 1, p_ + 1) = a22_.bottomRightCorner(p_ + 1, p_ + 1);
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
  l22_.diagonal().head(m_re_).array() += 1.0;
}

// Factors chain term j's diagonal blocks and divides the blocks below them: the levels are
// independent once the earlier terms are eliminated, so this runs in lanes of levels. Then each
// level's outer products are subtracted from the later chain terms (one level of each) and from
// the dense trailing block.
template <int Q>
bool BlockedCholesky::eliminate_chain_term_q(int j) {
  ChainTerm& c = chain_[static_cast<std::size_t>(j)];
  const int q = Q > 0 ? Q : c.q;
  const int pp = p_ + 1;
  const Index stride = c.l_diag.stride();
  inverse_.resize(q * stride);
  double* inv = inverse_.data();
  if (lanes::cholesky<Q>(c.l_diag, inv) > 0) return false;
  for (auto& below : c.l_below)
    small::dispatch<4>(below.rows(), [&](auto QI) { lanes::solve_right_transpose<Q, QI>(c.l_diag, inv, below); });
  small::dispatch<8>(pp, [&](auto PP) { lanes::solve_right_transpose<Q, PP>(c.l_diag, inv, c.l_xy); });
  if (m_re_ > 0) {
    if (q == 1) {  // level g's entries of l_sparse are [row_start[g], row_start[g + 1])
      double* v = c.l_sparse.data();
      for (Index g = 0; g < c.levels; ++g) {
        const auto level = static_cast<std::size_t>(g);
        for (std::size_t k = c.row_start[level]; k < c.row_start[level + 1]; ++k) v[k] *= inv[g];
      }
    } else if constexpr (Q > 0) {  // each level's L_g read once for all its blocks' rows
      double* v = c.l_sparse.data();
      for (Index g = 0; g < c.levels; ++g) {
        double lg[Q][Q], ig[Q];
        for (int col = 0; col < Q; ++col) {
          ig[col] = inv[col * stride + g];
          for (int k = 0; k < col; ++k) lg[col][k] = c.l_diag(g, col, k);
        }
        for (const Block& b : c.blocks[static_cast<std::size_t>(g)]) {
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
        for (const Block& b : c.blocks[static_cast<std::size_t>(g)])
          lanes::solve_right_transpose(c.l_diag, inv, g, c.l_sparse.data() + b.offset, b.rows, b.rows);
    }
  }

  // Updates of the later chain terms, term by term: each parent level's sums over its children.
  // When the next chain term is on the same factor (same levels), it updates the same parents
  // (those after it) through the same children: this term's products are left for it to sum
  // with its own, one pass over the children for both (pending_).
  const auto r = chain_.size();
  const bool defer = c.same_levels.size() > 0 && c.same_levels[0] != 0;
  const bool take_pending = j > 0 && chain_[static_cast<std::size_t>(j) - 1].same_levels[0] != 0;
  for (std::size_t ii = 0; ii < c.l_below.size(); ++ii) {
    const std::size_t i = static_cast<std::size_t>(j) + 1 + ii;
    ChainTerm& outer = chain_[i];
    const int qi = outer.q;
    const lanes::Parents parents{c.children[ii].members.data(), c.children[ii].start.data(),
                                 c.parent_order[ii].data(), c.same_levels[ii] != 0};
    // Where this update's products go: summed now, or left in / added to pending_.
    const bool keep = defer && ii > 0, pending = take_pending || keep;
    auto work = [&](std::size_t kind) -> std::vector<double>& { return pending ? pending_[i][kind] : products_; };
    const LevelBlocks& below_i = c.l_below[ii];
    small::dispatch<4>(qi, [&](auto QI) {
      lanes::subtract_grouped_products<QI, QI, Q, true>(outer.l_diag, below_i, below_i, parents, work(0),
                                                        take_pending, !keep);
      for (std::size_t i2 = ii + 1; i2 < c.l_below.size(); ++i2)
        small::dispatch<4>(c.l_below[i2].rows(), [&](auto Q2) {
          lanes::subtract_grouped_products<Q2, QI, Q>(outer.l_below[i2 - ii - 1], c.l_below[i2], below_i, parents,
                                                      work(i2 - ii), take_pending, !keep);
        });
      small::dispatch<8>(pp, [&](auto PP) {
        lanes::subtract_grouped_products<PP, QI, Q>(outer.l_xy, c.l_xy, below_i, parents, work(r), take_pending,
                                                    !keep);
      });
      // The level's blocks in the trailing rows, into the same rows of its parent's column.
      if (m_re_ == 0) return;
      double* bi = scratch_.data();  // level g's q_i x q block below
      std::size_t first_block = 0;
      for (int g = 0; g < c.levels; ++g) {
        const auto& list = c.blocks[static_cast<std::size_t>(g)];
        for (int k = 0; k < q; ++k)
          for (int i = 0; i < qi; ++i) bi[i + k * qi] = below_i(g, i, k);
        for (std::size_t k = 0; k < list.size(); ++k) {
          const Block& b = list[k];
          small::subtract_product<0, QI, Q>(outer.l_sparse.data() + c.parent_block[ii][first_block + k], b.rows,
                                            c.l_sparse.data() + b.offset, b.rows, bi, qi, b.rows, qi, q);
        }
        first_block += list.size();
      }
    });
  }
  // The dense trailing block: the light levels' scattered updates, then the heavy levels' product.
  if (q == 1 && m_re_ > 0) {
    downdate_trailing_by_columns(c);
  } else if (m_re_ > 0) {
    for (int g = 0; g < c.levels; ++g)
      if (!c.blocks[static_cast<std::size_t>(g)].empty() && !c.is_dense[static_cast<std::size_t>(g)])
        downdate_trailing(c, g);
  }
  downdate_dense_levels(c);
  subtract_corner_crossproduct(c.l_xy, l22_.bottomRightCorner(pp, pp));  // the [X y] corner
  return true;
}

// L22 -= L21 L21' for level g's column of a chain term with q > 1 (q = 1 terms go by column
// blocks): its rows in the trailing block (K of them, each a row of q values, gathered into E)
// contribute E E' at those rows and C E' to the [X y] rows (C = the level's [X y] part). Plain
// loops over E's rows with q known at compile time (q <= 4): a level has few rows, and Eigen's
// dynamic-size products cost more to set up than to run (two thirds of an evaluation of a
// (1 + x | subject) + (1 | item) design with 20k subjects of 6 rows). The [X y] corner is done
// per term.
void BlockedCholesky::downdate_trailing(const ChainTerm& c, int g) {
  const auto& list = c.blocks[static_cast<std::size_t>(g)];
  const int* rows = c.rows.data() + c.row_start[static_cast<std::size_t>(g)];
  const auto k = static_cast<Index>(c.row_count(g));
  const int q = c.q, pp = p_ + 1;
  const Index ld = l22_.outerStride();
  double* l = l22_.data();
  // E row by row (row i: q values at e + i q), then C the same way (row r at x + r q), in one
  // workspace that only grows.
  const auto need = static_cast<std::size_t>((k + pp) * q);
  if (level_rows_.size() < need) level_rows_.resize(need);
  double* e = level_rows_.data();
  double* x = e + k * q;
  Index r = 0;
  for (const Block& b : list)
    for (int i = 0; i < b.rows; ++i, ++r)
      for (int kk = 0; kk < q; ++kk) e[r * q + kk] = c.l_sparse[b.offset + static_cast<std::size_t>(kk * b.rows + i)];
  for (int row = 0; row < pp; ++row)
    for (int kk = 0; kk < q; ++kk) x[row * q + kk] = c.l_xy(g, row, kk);
  const Index m_re = m_re_;
  small::dispatch<4>(q, [&](auto Q) {
    const int qq = small::extent<Q>(q);
    auto dot = [qq](const double* a, const double* b) {
      double s = a[0] * b[0];
      for (int kk = 1; kk < qq; ++kk) s += a[kk] * b[kk];
      return s;
    };
    for (Index j = 0; j < k; ++j) {
      const double* ej = e + j * qq;
      double* column = l + static_cast<Index>(rows[j]) * ld;
      for (Index i = j; i < k; ++i) column[rows[i]] -= dot(e + i * qq, ej);
      for (int row = 0; row < pp; ++row) column[m_re + row] -= dot(x + row * qq, ej);
    }
  });
}

// The same for every level of a q = 1 chain term at once, by blocks of trailing columns: each
// block (about 512 KB of L22) stays in cache while every level's entries in it are subtracted,
// where level by level the updates land all over L22. A block visits only the levels with rows
// in it (its segments, planned once), not every level. Blocks are independent, so they are
// shared among linalg_threads() threads; each entry is updated in the same order either way.
// The heavy levels (dense_levels) are left to downdate_dense_levels.
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
  const double* xy = c.l_xy.entry(0, 0);  // row r of level g's (p + 1) x 1 block at xy[r * xy_stride + g]
  const Index xy_stride = c.l_xy.stride();
  const Index m_re = m_re_;
  parallel_for(nblocks, worker_count(linalg_threads(), nblocks), [&, l, ld, pp](int block, int) {
    const Index c1 = std::min<Index>(m_re, (block + 1) * width);
    std::vector<double> cg(static_cast<std::size_t>(pp));  // the segment's level's [X y] rows
    const std::size_t s1 = c.segment_start[static_cast<std::size_t>(block) + 1];
    for (std::size_t s = c.segment_start[static_cast<std::size_t>(block)]; s < s1; ++s) {
      // The segments' data lie all over memory: fetch the one after next while this one runs.
      if (s + 2 < s1) {
        const ChainTerm::Segment& ahead = c.segments[s + 2];
        __builtin_prefetch(rows + ahead.first);
        __builtin_prefetch(v + ahead.first);
        __builtin_prefetch(row_start + ahead.level + 1);
        for (int r = 0; r < pp; ++r) __builtin_prefetch(xy + r * xy_stride + ahead.level);
      }
      const ChainTerm::Segment seg = c.segments[s];
      const std::size_t end = row_start[static_cast<std::size_t>(seg.level) + 1];
      for (int r = 0; r < pp; ++r) cg[static_cast<std::size_t>(r)] = xy[r * xy_stride + seg.level];
      for (std::size_t j = seg.first; j < end && rows[j] < c1; ++j) {
        double* column = l + static_cast<Index>(rows[j]) * ld;
        const double vj = v[j];
        for (std::size_t i = j; i < end; ++i) column[rows[i]] -= v[i] * vj;
        for (int r = 0; r < pp; ++r) column[m_re + r] -= cg[static_cast<std::size_t>(r)] * vj;
      }
    }
  });
}

// L22 -= D D' for the heavy levels (dense_levels): D holds their columns of L21, q per level,
// with their [X y] rows, zero where a level has no rows. One product by column panels of the
// random-effects columns (lower part; the [X y] corner is done per term), a GEMM each, shared
// among the threads.
void BlockedCholesky::downdate_dense_levels(ChainTerm& c) {
  if (c.dense_levels.empty()) return;
  MatrixXd& d = c.dense_columns;
  const int q = c.q, pp = p_ + 1;
  for (std::size_t h = 0; h < c.dense_levels.size(); ++h) {
    const int g = c.dense_levels[h];
    const Index first = static_cast<Index>(h) * q;
    for (const Block& b : c.blocks[static_cast<std::size_t>(g)])
      for (int k = 0; k < q; ++k)
        for (int i = 0; i < b.rows; ++i) d(b.row + i, first + k) = c.l_sparse[b.offset + static_cast<std::size_t>(k * b.rows + i)];
    for (int k = 0; k < q; ++k)
      for (int r = 0; r < pp; ++r) d(m_re_ + r, first + k) = c.l_xy(g, r, k);
  }
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
  for (const ChainTerm& c : chain_)  // the diagonal entries of the q x q blocks, each over the levels
    for (int k = 0; k < c.q; ++k) sum.add(c.l_diag.entry(k, k), c.levels, 1);
  sum.add(l22_.data(), m_re_, l22_.rows() + 1);
  return 2.0 * sum.value();
}

// X_c = X T gives X_c' V^-1 X_c = T' (X' V^-1 X) T: log det(X' V^-1 X) = log |R_c|^2 - 2 log |det T|.
double BlockedCholesky::log_det_fixed() const {
  double sum = 0.0;
  for (int k = 0; k < p_; ++k) sum += std::log(l22_(m_re_ + k, m_re_ + k));
  return 2.0 * (sum - log_abs_det_basis_);
}

double BlockedCholesky::pwrss() const {
  const Index last = m_re_ + p_;
  const double r = l22_(last, last) * y_scale_;
  return r * r;
}

// R_X' = T^-T R_c' in X's basis, so its inverse is R_c'^-1 T'.
MatrixXd BlockedCholesky::fixed_factor_inverse() const {
  MatrixXd w = basis_.transpose();
  l22_.block(m_re_, m_re_, p_, p_).triangularView<Eigen::Lower>().solveInPlace(w);
  return w;
}

Eigen::VectorXd BlockedCholesky::fixed_factor_inverse_column(int j) const {
  Eigen::VectorXd w = basis_.row(j).transpose();
  l22_.block(m_re_, m_re_, p_, p_).triangularView<Eigen::Lower>().solveInPlace(w);
  return w;
}

Eigen::VectorXd BlockedCholesky::centered_fixed_effects() const {
  // The last p unknowns of L22_lead' [u_rest; beta] = c depend on the X block of L22 only.
  Eigen::VectorXd beta = l22_.row(m_re_ + p_).segment(m_re_, p_).transpose();
  l22_.block(m_re_, m_re_, p_, p_).triangularView<Eigen::Lower>().transpose().solveInPlace(beta);
  return beta;
}

Eigen::VectorXd BlockedCholesky::fixed_effects() const {
  return basis_ * (basis_shift_ + y_scale_ * centered_fixed_effects());
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
  for (std::size_t j = chain_.size(); j-- > 0;) {
    const ChainTerm& c = chain_[j];
    const int q = c.q;
    for (int g = 0; g < c.levels; ++g) {
      const Index col = static_cast<Index>(g) * q;
      for (int k = 0; k < q; ++k) {
        double s = c.l_xy(g, p_, k);
        for (int r = 0; r < p_; ++r) s -= c.l_xy(g, r, k) * beta[r];
        for (const Block& b : c.blocks[static_cast<std::size_t>(g)]) {
          const double* lb = c.l_sparse.data() + b.offset + k * b.rows;
          for (int i = 0; i < b.rows; ++i) s -= lb[i] * tail[b.row + i];
        }
        for (std::size_t ii = 0; ii < c.l_below.size(); ++ii) {
          const int qi = c.l_below[ii].rows();
          const Index h = c.parent[ii][static_cast<std::size_t>(g)];
          const double* uh = u.data() + offset[j + 1 + ii] + h * qi;
          for (int i = 0; i < qi; ++i) s -= c.l_below[ii](g, i, k) * uh[i];
        }
        rhs[static_cast<std::size_t>(k)] = s;
      }
      for (int k = q; k-- > 0;) {  // back substitution with L_g'
        double s = rhs[static_cast<std::size_t>(k)];
        for (int i = k + 1; i < q; ++i) s -= c.l_diag(g, i, k) * rhs[static_cast<std::size_t>(i)];
        rhs[static_cast<std::size_t>(k)] = s / c.l_diag(g, k, k);
        u[offset[j] + col + k] = rhs[static_cast<std::size_t>(k)];
      }
    }
  }
  // Back from the scaled residual of y to y: u scales with it, beta also takes back the fit.
  u *= y_scale_;
  beta = basis_ * (basis_shift_ + y_scale_ * beta);
}

}  // namespace lmm::internal
