// The blocked Cholesky factor of the penalized crossproduct of [Z X y] (Bates et al. 2015, JSS
// 67(1), section 3; MixedModels.jl's updateL!).
//
// With Lambda(theta) block diagonal, L is the lower Cholesky factor of
//   [ Lambda'Z'Z Lambda + I   Lambda'Z'X   Lambda'Z'y ]
//   [ X'Z Lambda              X'X          X'y        ]
//   [ y'Z Lambda              y'X          y'y        ]
// It is kept in two block rows. The first random-effects term (the one with the most levels)
// gives a block-diagonal leading block L11 (one q1 x q1 block per level, or a diagonal when
// q1 = 1) and a block-sparse L21 below it. Every other column (the other terms, X and y) forms
// the dense trailing block L22. The crossproduct blocks A = [Z X y]'[Z X y] are formed once;
// each update only rescales them by Lambda and refactors, so it never touches the n rows again.
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "model/random_effects_term.hpp"

namespace lmm::internal {

class BlockedCholesky {
 public:
  BlockedCholesky(const std::vector<RandomEffectsTerm>& terms, const Eigen::MatrixXd& x, const Eigen::VectorXd& y);

  // Refactors L for the relative covariance factors T_k of each term. Returns false when the
  // trailing block is not positive definite.
  bool update(const std::vector<Eigen::MatrixXd>& factors);

  double log_det_random() const;  // log |L_Z|^2 = log det(Lambda'Z'Z Lambda + I)
  double log_det_fixed() const;   // log |R_X|^2
  double pwrss() const;           // penalized weighted residual sum of squares, r^2

  // The conditional estimates at the current theta: beta and the spherical random effects u
  // (in term order, level-major within a term).
  void solve(Eigen::VectorXd& beta, Eigen::VectorXd& u) const;
  // beta alone (cheaper than solve(): only the fixed-effects block of L is used).
  Eigen::VectorXd fixed_effects() const;
  // R_X' (lower triangular p x p): vcov(beta) = sigma^2 (R_X R_X')^{-1}.
  Eigen::MatrixXd fixed_factor() const;

  int nfixed() const { return p_; }

  // The diagonal blocks of (Lambda'Z'Z Lambda + I)^{-1} at the current factor, as lme4's
  // condVar needs them: for each term, one q x q block per level, side by side (q x q * levels,
  // level-major as u). Never forms the whole inverse: with L_Z = [A 0; B C] the random-effects
  // rows of L (A = L11 block diagonal, B the random-effects rows of L21, C the leading m x m of
  // L22), the inverse's block for level g of the first term is
  //   A_g^{-T} A_g^{-1} + W_g' W_g,   W_g = C^{-1} B_g A_g^{-1}
  // (B_g has a few nonzero blocks), and for the other terms the blocks of C^{-T} C^{-1}. Only
  // C^{-1}, the size of the already dense C, is formed. Defined in blocked_inverse.cpp.
  std::vector<Eigen::MatrixXd> random_effects_inverse_blocks() const;

 private:
  // One nonzero q_t x q1 block of A21 / L21: rows [row, row + rows) of the trailing block.
  struct Block {
    int row;
    int rows;
    int term;
    std::size_t offset;  // into values_, column-major rows x q1
  };

  void build_leading(const RandomEffectsTerm& first);
  void build_sparse(const std::vector<RandomEffectsTerm>& terms);
  void build_trailing(const std::vector<RandomEffectsTerm>& terms, const Eigen::MatrixXd& xy);
  void downdate_trailing();

  int q1_ = 0, l1_ = 0;       // first term's columns and levels
  int m_re_ = 0;              // random effects of the other terms (rows of the trailing block)
  int p_ = 0;                 // fixed effects
  std::vector<int> row_term_; // for each random-effects row of the trailing block, its term
  std::vector<int> term_offset_, term_q_;  // trailing-block offset and width of terms 1..k-1

  Eigen::MatrixXd a11_, l11_;                 // q1 x (q1 * l1): per-level blocks side by side
  std::vector<std::vector<Block>> blocks_;    // per level of the first term
  std::vector<std::vector<int>> level_rows_;  // per level: the trailing rows its blocks cover, ascending
  std::vector<double> a21_values_, l21_values_;
  Eigen::MatrixXd a21_xy_, l21_xy_;           // (p + 1) x (q1 * l1)
  Eigen::MatrixXd a22_, l22_;                 // (m_re + p + 1) square
};

}  // namespace lmm::internal
