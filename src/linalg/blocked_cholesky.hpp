// The blocked Cholesky factor of the penalized crossproduct of [Z X y] (Bates et al. 2015, JSS
// 67(1), section 3; MixedModels.jl's updateL!).
//
// With Lambda(theta) block diagonal, L is the lower Cholesky factor of
//   [ Lambda'Z'Z Lambda + I   Lambda'Z'X   Lambda'Z'y ]
//   [ X'Z Lambda              X'X          X'y        ]
//   [ y'Z Lambda              y'X          y'y        ]
// The terms come in lme4's order (most levels first). Each block of L keeps the structure the
// factorization leaves it, as MixedModels.jl types its blocks:
// - The leading chain of nested terms (each term's levels nest in the next term's: classes in
//   schools, or two terms on one grouping factor as `(x || g)` makes) keeps block-diagonal
//   diagonal blocks, one q x q block per level, and one block per column level below them in the
//   chain: eliminating a level only touches the one level of each later chain term containing it.
//   The first term always starts the chain.
// - Every later term, crossed with the chain (students and instructors), and [X y] form a dense
//   trailing block, refactored by a dense Cholesky. The chain's columns reach it through
//   block-sparse rows (the levels each chain level co-occurs with) and dense [X y] rows.
// The crossproduct blocks are formed once; each update only rescales them by Lambda and
// refactors, so it never touches the n rows again. They are formed from [X y] in a centred and
// scaled basis (CenteredDesign); every result below is mapped back to X's and y's.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <vector>

#include "linalg/centered_design.hpp"
#include "linalg/level_blocks.hpp"
#include "model/random_effects_term.hpp"

namespace lmm::internal {

// The members of each group, from one code per member (a counting sort): group g's members are
// members[start[g]] .. members[start[g + 1] - 1], ascending. The observations of each level of a
// term, or the levels of a term nested in each level of another.
struct Grouping {
  std::vector<Eigen::Index> start, members;
  Grouping() = default;
  Grouping(const std::vector<int>& codes, int groups);
  Eigen::Index first(Eigen::Index g) const { return start[static_cast<std::size_t>(g)]; }
  Eigen::Index end(Eigen::Index g) const { return start[static_cast<std::size_t>(g) + 1]; }
  Eigen::Index member(Eigen::Index k) const { return members[static_cast<std::size_t>(k)]; }
  // The groups ordered by size (ascending; equal sizes in group order).
  std::vector<Eigen::Index> by_size() const;
  // Whether group g's one member is g, for every group.
  bool is_identity() const;
};

class BlockedCholesky {
 public:
  BlockedCholesky(const std::vector<RandomEffectsTerm>& terms, const Eigen::MatrixXd& x, const Eigen::VectorXd& y);

  // Refactors L for the relative covariance factors T_k of each term. Returns false when L is
  // not positive definite.
  bool update(const std::vector<Eigen::MatrixXd>& factors);

  double log_det_random() const;  // log |L_Z|^2 = log det(Lambda'Z'Z Lambda + I)
  double log_det_fixed() const;   // log |R_X|^2
  double pwrss() const;           // penalized weighted residual sum of squares, r^2

  // The conditional estimates at the current theta: beta and the spherical random effects u
  // (in term order, level-major within a term).
  void solve(Eigen::VectorXd& beta, Eigen::VectorXd& u) const;
  // beta alone (cheaper than solve(): only the fixed-effects block of L is used).
  Eigen::VectorXd fixed_effects() const;
  // W (p x p) with (X' V^-1 X)^{-1} = W' W, so vcov(beta) = sigma^2 W' W: the inverse of R_X'
  // (lower triangular where the intercept is the first column), formed from the centred basis.
  Eigen::MatrixXd fixed_factor_inverse() const;
  // Its column j alone (one triangular solve): V_jj = sigma^2 |w_j|^2, as profiles need it.
  Eigen::VectorXd fixed_factor_inverse_column(int j) const;

  int nfixed() const { return p_; }
  // Whether the fixed effects fit y exactly (CenteredDesign::exact_fit): no residual is left.
  bool response_fitted_exactly() const { return exact_fit_; }
  // How many leading terms form the nested chain (the rest are in the dense trailing block).
  int nested_terms() const { return static_cast<int>(chain_.size()); }
  // Order of the dense trailing block: random effects of the terms after the chain, plus p + 1.
  int dense_order() const { return m_re_ + p_ + 1; }
  // How many levels of the chain terms are downdated by a dense product (see ChainTerm).
  int dense_downdate_levels() const;

  // The diagonal blocks of (Lambda'Z'Z Lambda + I)^{-1} at the current factor, as lme4's
  // condVar needs them: for each term, one q x q block per level, side by side (q x q * levels,
  // level-major as u). Never forms the whole inverse. Defined in blocked_inverse.cpp.
  std::vector<Eigen::MatrixXd> random_effects_inverse_blocks() const;

 private:
  // One nonzero q_t x q_j block of a chain term's column in the dense trailing rows: rows
  // [row, row + rows) of the trailing block, from term t.
  struct Block {
    int row;
    int rows;
    int term;
    std::size_t offset;  // into the term's values, column-major rows x q_j
  };

  // A term of the nested chain, j. Its levels' columns of L: the diagonal block, one block in
  // the block row of each later chain term i (at the level containing it), block-sparse rows in
  // the dense trailing block, and the [X y] rows. "a_" members hold the crossproducts, "l_" the
  // factor. The blocks of every level are stored entry by entry (LevelBlocks), except the
  // block-sparse rows, whose blocks differ from level to level.
  struct ChainTerm {
    int q = 0;
    int levels = 0;
    LevelBlocks a_diag, l_diag;                    // q x q per level
    std::vector<std::vector<int>> parent;          // [i - j - 1][g]: level of chain term i containing g
    std::vector<Grouping> children;                // [i - j - 1]: the levels in each level of term i
    std::vector<std::vector<Eigen::Index>> parent_order;  // [i - j - 1]: term i's levels, children.by_size()
    std::vector<char> same_levels;                 // [i - j - 1]: children.is_identity() (one factor)
    std::vector<LevelBlocks> a_below, l_below;     // [i - j - 1]: q_i x q per level
    std::vector<std::vector<Block>> blocks;        // per level, ascending rows
    // The trailing rows each level's blocks cover, ascending: level g's are
    // rows[row_start[g], row_start[g + 1]). With q = 1 they are also the level's entries of
    // l_sparse, at the same positions.
    std::vector<std::size_t> row_start;
    std::vector<int> rows;
    std::size_t row_count(int g) const { return row_start[static_cast<std::size_t>(g) + 1] - row_start[static_cast<std::size_t>(g)]; }
    std::vector<double> a_sparse, l_sparse;
    // [i - j - 1]: for each block (levels in order, blocks in order), the offset into chain term
    // i's l_sparse of the block at the same rows in the column of the level containing this one.
    std::vector<std::vector<std::size_t>> parent_block;
    LevelBlocks a_xy, l_xy;                        // (p + 1) x q per level
    // Levels that meet a large share of the trailing rows (heavy users; every subject of a fully
    // crossed design): their downdate is one dense product, not scattered updates
    // (downdate_dense_levels).
    std::vector<int> dense_levels;
    std::vector<char> is_dense;                    // per level
    Eigen::MatrixXd dense_columns;                 // trailing order x (q x dense_levels): their L21 columns
    // The other levels' work by column block of L22 (downdate_trailing_by_columns): block b's
    // segments are [segment_start[b], segment_start[b + 1]), levels ascending, each a level and
    // the position (into rows) of its first row in the block.
    struct Segment {
      std::size_t first;
      int level;
    };
    std::vector<std::size_t> segment_start;
    std::vector<Segment> segments;
  };

  // The coefficients in the centred basis: L22's fixed-effects block against its y row.
  Eigen::VectorXd centered_fixed_effects() const;
  void build_chain_term(int j, const std::vector<RandomEffectsTerm>& terms, const Eigen::MatrixXd& xy);
  void link_parent_blocks();
  void build_trailing(const std::vector<RandomEffectsTerm>& terms, const Eigen::MatrixXd& xy);
  void scale_chain_term(int j, const std::vector<Eigen::MatrixXd>& factors);
  void scale_trailing(const std::vector<Eigen::MatrixXd>& factors);
  bool eliminate_chain_term(int j);
  // The same with the term's q known at compile time (Q > 0), so that the small kernels unroll;
  // Q = 0 reads it at run time.
  template <int Q>
  void scale_chain_term_q(int j, const std::vector<Eigen::MatrixXd>& factors);
  template <int Q>
  bool eliminate_chain_term_q(int j);
  void downdate_trailing(const ChainTerm& c, int g);
  void downdate_trailing_by_columns(ChainTerm& c);
  void downdate_dense_levels(ChainTerm& c);
  // For each chain term: which levels are heavy (downdated by a dense product); for q = 1 terms,
  // also the other levels' segments by column block (downdate_trailing_by_columns, at any order:
  // with one block it is still a plain loop over the levels, where downdate_trailing pays for
  // small dynamic-size products per level).
  void plan_trailing_downdate();
  // Columns of L22 per block of that downdate: about 512 KB of L22 (at least 8 columns).
  Eigen::Index column_block_width() const;
  // A level with at least 1 / kDenseLevelShare of the trailing random effects among its rows is
  // downdated by a dense product: a scattered update costs about as much as 1/6 of the dense one
  // per entry it touches, once per pair of its rows.
  static constexpr int kDenseLevelShare = 6;

  int p_ = 0;                 // fixed effects
  // The centred basis's map back to X's (CenteredDesign without its n rows).
  Eigen::MatrixXd basis_;
  Eigen::VectorXd basis_shift_;
  double y_scale_ = 1.0;
  double log_abs_det_basis_ = 0.0;
  bool exact_fit_ = false;
  int m_re_ = 0;              // random effects of the terms after the chain
  std::vector<ChainTerm> chain_;
  std::vector<int> row_term_; // for each random-effects row of the trailing block, its term
  std::vector<int> term_offset_, term_q_;  // trailing-block offset and width of the terms after the chain
  Eigen::MatrixXd a22_, l22_;              // (m_re + p + 1) square
  std::vector<double> level_rows_;         // workspace of downdate_trailing
  std::vector<double> scratch_;            // workspace of the small kernels
  std::vector<double> products_;           // workspace of lanes::subtract_grouped_products
  // Products left for a later chain term on the same factor to sum with its own: [i][kind] for
  // chain term i's diagonal blocks (kind 0), its blocks below in term i + k (kind k), its [X y]
  // rows (kind = chain size).
  std::vector<std::vector<std::vector<double>>> pending_;
  Eigen::VectorXd inverse_;                // workspace: 1 / the pivots of a chain term (q x stride)
  bool trailing_diagonal_ = true;  // every term after the chain has q = 1 (Lambda diagonal there)
  Eigen::VectorXd row_scale_;      // then each trailing random-effects row's T(0, 0), set by update
};

}  // namespace lmm::internal
