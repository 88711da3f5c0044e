#include "linalg/crossproducts.hpp"

#include "linalg/centered_design.hpp"
#include "linalg/small_kernels.hpp"

namespace lmm::internal {

using Eigen::Index;
using Eigen::MatrixXd;

namespace {

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
// same order either way, and each entry's sum on its own: forming a subset of a's columns gives
// those entries to the bit.
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

ChainCrossproducts form_chain_term(const FactorStructure& s, std::size_t j, const std::vector<RandomEffectsTerm>& terms,
                                   const MatrixXd& xy) {
  const ChainPlan& c = s.chain[j];
  const RandomEffectsTerm& term = terms[j];
  ChainCrossproducts a;
  a.diag = level_crossproduct_blocks(term.z, term.z, c.by_level);
  for (std::size_t t = j + 1; t < s.chain.size(); ++t) a.below.push_back(level_crossproduct_blocks(terms[t].z, term.z, c.by_level));
  // The block-sparse rows: each observation's product with each later term, where the plan put it.
  a.sparse.assign(c.sparse_size, 0.0);
  const std::size_t first_later = s.chain.size();
  const std::size_t later = terms.size() - first_later;
  for (Index i = 0; i < term.z.rows(); ++i)
    for (std::size_t k = 0; k < later; ++k) {
      const RandomEffectsTerm& other = terms[first_later + k];
      add_row_crossproduct(a.sparse.data() + c.entry_offset[static_cast<std::size_t>(i) * later + k], other.q(), other.z,
                           term.z, i);
    }
  a.xy = level_crossproduct_blocks(xy, term.z, c.by_level);
  return a;
}

// [X y]'[X y] from column dot products: a few columns, where a general product spends more on
// packing n rows than on the arithmetic.
void form_fixed_corner(const FactorStructure& s, const MatrixXd& xy, Index first_row, MatrixXd& a22) {
  for (Index c = 0; c <= s.p; ++c)
    for (Index row = std::max(c, first_row); row <= s.p; ++row)
      a22(s.m_re + row, s.m_re + c) = a22(s.m_re + c, s.m_re + row) = xy.col(row).dot(xy.col(c));
}

// The first row in the dense trailing block of observation i's level of term t (a term after the chain).
Index trailing_row(const FactorStructure& s, const std::vector<RandomEffectsTerm>& terms, std::size_t t, Index i) {
  const std::size_t k = t - s.chain.size();
  return s.term_offset[k] + static_cast<Index>(terms[t].codes[static_cast<std::size_t>(i)]) * terms[t].q();
}

MatrixXd form_trailing(const FactorStructure& s, const std::vector<RandomEffectsTerm>& terms, const MatrixXd& xy) {
  const Index m = s.dense_order();
  const std::size_t r = s.chain.size();
  MatrixXd a22 = MatrixXd::Zero(m, m);
  form_fixed_corner(s, xy, 0, a22);
  for (Index i = 0; i < xy.rows(); ++i) {
    for (std::size_t t = r; t < terms.size(); ++t) {
      const Index rt = trailing_row(s, terms, t, i);
      for (std::size_t u = r; u <= t; ++u)
        add_row_crossproduct(&a22(rt, trailing_row(s, terms, u, i)), m, terms[t].z, terms[u].z, i);
      add_row_crossproduct(&a22(s.m_re, rt), m, xy, terms[t].z, i);
    }
  }
  return a22;
}

void keep_map_back(CenteredDesign& d, Crossproducts& a) {
  a.basis = std::move(d.t);
  a.basis_shift = std::move(d.b);
  a.y_scale = d.y_scale;
  a.log_abs_det_basis = d.log_abs_det_t;
  a.exact_fit = d.exact_fit;
}

// The terms with each row of Z multiplied by sqrt(w_i).
std::vector<RandomEffectsTerm> weighted_terms(const std::vector<RandomEffectsTerm>& terms, const Eigen::VectorXd& sqrt_w) {
  std::vector<RandomEffectsTerm> out = terms;
  for (RandomEffectsTerm& t : out) t.z = sqrt_w.asDiagonal() * t.z;
  return out;
}

}  // namespace

Crossproducts form_crossproducts(const FactorStructure& s, const std::vector<RandomEffectsTerm>& terms,
                                 const MatrixXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& weights) {
  if (weights.size() > 0) {
    const Eigen::VectorXd sqrt_w = weights.cwiseSqrt();
    const std::vector<RandomEffectsTerm> weighted = weighted_terms(terms, sqrt_w);
    CenteredDesign d = center_design(x, y, sqrt_w);
    Crossproducts a;
    for (std::size_t j = 0; j < s.chain.size(); ++j) a.chain.push_back(form_chain_term(s, j, weighted, d.xy));
    a.a22 = form_trailing(s, weighted, d.xy);
    keep_map_back(d, a);
    return a;
  }
  CenteredDesign d = center_design(x, y);
  Crossproducts a;
  for (std::size_t j = 0; j < s.chain.size(); ++j) a.chain.push_back(form_chain_term(s, j, terms, d.xy));
  a.a22 = form_trailing(s, terms, d.xy);
  keep_map_back(d, a);
  return a;
}

Crossproducts with_response(const Crossproducts& a, const FactorStructure& s, const std::vector<RandomEffectsTerm>& terms,
                            const MatrixXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& weights) {
  Crossproducts out = a;
  const Eigen::VectorXd sqrt_w = weights.cwiseSqrt();
  CenteredDesign d = weights.size() > 0 ? center_design(x, y, sqrt_w) : center_design(x, y);  // X's part as before
  const Index p = s.p;
  // y's centred column times Z's rows, which hold no sqrt(w): y's rows take it instead.
  const MatrixXd yc = weights.size() > 0 ? MatrixXd(d.xy.col(p).cwiseProduct(sqrt_w)) : MatrixXd(d.xy.col(p));
  for (std::size_t j = 0; j < s.chain.size(); ++j) {
    const ChainPlan& c = s.chain[j];
    const LevelBlocks yz = level_crossproduct_blocks(yc, terms[j].z, c.by_level);
    LevelBlocks& xy = out.chain[j].xy;
    for (int k = 0; k < c.q; ++k)
      for (Index g = 0; g < c.levels; ++g) xy(g, static_cast<int>(p), k) = yz(g, 0, k);
  }
  MatrixXd& a22 = out.a22;
  form_fixed_corner(s, d.xy, p, a22);
  a22.row(s.m_re + p).head(s.m_re).setZero();
  for (Index i = 0; i < yc.rows(); ++i)
    for (std::size_t t = s.chain.size(); t < terms.size(); ++t) {
      const Index rt = trailing_row(s, terms, t, i);
      for (Index k = 0; k < terms[t].q(); ++k) a22(s.m_re + p, rt + k) += yc(i, 0) * terms[t].z(i, k);
    }
  keep_map_back(d, out);
  return out;
}

}  // namespace lmm::internal
