// The blocked Cholesky factor of the penalized crossproduct of [Z X y] (Bates et al. 2015, JSS
// 67(1), section 3; MixedModels.jl's updateL!).
//
// With Lambda(theta) block diagonal, L is the lower Cholesky factor of
//   [ Lambda'Z'Z Lambda + I   Lambda'Z'X   Lambda'Z'y ]
//   [ X'Z Lambda              X'X          X'y        ]
//   [ y'Z Lambda              y'X          y'y        ]
// Its blocks are where the FactorStructure puts them; the crossproducts are formed elsewhere
// (Crossproducts), once. Each update only rescales them by Lambda and refactors, so it never
// touches the n rows again. A BlockedCholesky holds the factor and its workspaces: it is what
// varies from one theta to the next, so each caller (a fit, a profile, a thread) owns its own,
// while the structure and the crossproducts are shared, read-only. Every result below is mapped
// back from the crossproducts' centred basis to X's and y's.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <memory>
#include <vector>

#include "linalg/crossproducts.hpp"
#include "linalg/factor_structure.hpp"
#include "linalg/level_blocks.hpp"
#include "model/random_effects_term.hpp"

namespace lmm::internal {

class BlockedCholesky {
 public:
  BlockedCholesky(std::shared_ptr<const FactorStructure> structure, std::shared_ptr<const Crossproducts> crossproducts);
  // Plans the structure and forms the crossproducts of these terms, X and y (tests, one-off use).
  BlockedCholesky(const std::vector<RandomEffectsTerm>& terms, const Eigen::MatrixXd& x, const Eigen::VectorXd& y);
  // Forms the crossproducts of these terms, X and y on a given structure.
  BlockedCholesky(std::shared_ptr<const FactorStructure> structure, const std::vector<RandomEffectsTerm>& terms,
                  const Eigen::MatrixXd& x, const Eigen::VectorXd& y);

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

  int nfixed() const { return s_->p; }
  // Whether the fixed effects fit y exactly (CenteredDesign::exact_fit): no residual is left.
  bool response_fitted_exactly() const { return a_->exact_fit; }
  // How many leading terms form the nested chain (the rest are in the dense trailing block).
  int nested_terms() const { return static_cast<int>(s_->chain.size()); }
  // Order of the dense trailing block: random effects of the terms after the chain, plus p + 1.
  int dense_order() const { return static_cast<int>(s_->dense_order()); }
  // How many levels of the chain terms are downdated by a dense product.
  int dense_downdate_levels() const { return s_->dense_downdate_levels(); }
  const FactorStructure& structure() const { return *s_; }
  const Crossproducts& crossproducts() const { return *a_; }

  // The diagonal blocks of (Lambda'Z'Z Lambda + I)^{-1} at the current factor, as lme4's
  // condVar needs them: for each term, one q x q block per level, side by side (q x q * levels,
  // level-major as u). Never forms the whole inverse. Defined in blocked_inverse.cpp.
  std::vector<Eigen::MatrixXd> random_effects_inverse_blocks() const;

 private:
  // Chain term j's blocks of L, laid out as its crossproducts.
  struct ChainFactor {
    LevelBlocks diag;                // q x q per level
    std::vector<LevelBlocks> below;  // [i - j - 1]: q_i x q per level
    std::vector<double> sparse;      // the plan's blocks in the trailing rows
    LevelBlocks xy;                  // (p + 1) x q per level
    Eigen::MatrixXd dense_columns;   // trailing order x (q x dense_levels): the heavy levels' L21 columns
  };

  void append_trailing_inverse_blocks(const Eigen::MatrixXd& c_inv, std::vector<Eigen::MatrixXd>& out) const;
  // The coefficients in the centred basis: L22's fixed-effects block against its y row.
  Eigen::VectorXd centered_fixed_effects() const;
  void scale_chain_term(int j, const std::vector<Eigen::MatrixXd>& factors);
  void scale_trailing(const std::vector<Eigen::MatrixXd>& factors);
  void scale_trailing_blocks(const std::vector<Eigen::MatrixXd>& factors);
  bool eliminate_chain_term(int j);
  // The same with the term's q known at compile time (Q > 0), so that the small kernels unroll;
  // Q = 0 reads it at run time.
  template <int Q>
  void scale_chain_term_q(int j, const std::vector<Eigen::MatrixXd>& factors);
  template <int Q>
  void scale_trailing_rows(int j, const std::vector<Eigen::MatrixXd>& factors);
  template <int Q>
  bool eliminate_chain_term_q(int j);
  template <int Q>
  void divide_trailing_rows(int j);
  template <int Q>
  void update_later_chain_terms(int j);
  void downdate_trailing(int j, int g);
  void downdate_trailing_by_columns(int j);
  void downdate_dense_levels(int j);

  std::shared_ptr<const FactorStructure> s_;
  std::shared_ptr<const Crossproducts> a_;
  std::vector<ChainFactor> chain_;
  Eigen::MatrixXd l22_;                    // (m_re + p + 1) square
  std::vector<double> level_rows_;         // workspace of downdate_trailing
  std::vector<double> scratch_;            // workspace of the small kernels
  std::vector<double> products_;           // workspace of lanes::subtract_grouped_products
  // Products left for a later chain term on the same factor to sum with its own: [i][kind] for
  // chain term i's diagonal blocks (kind 0), its blocks below in term i + k (kind k), its [X y]
  // rows (kind = chain size).
  std::vector<std::vector<std::vector<double>>> pending_;
  Eigen::VectorXd inverse_;                // workspace: 1 / the pivots of a chain term (q x stride)
  Eigen::VectorXd row_scale_;              // each trailing random-effects row's T(0, 0), where Lambda is diagonal there
};

}  // namespace lmm::internal
