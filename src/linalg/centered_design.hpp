// The fixed-effects design [X y] in a basis where its crossproducts keep their digits.
//
// The profiled deviance depends on X only through its column space and on y only through its
// residual from that space, so a fit may use X_c = X T for any invertible T and y_c = y - X_c b
// for any b, and map the estimates back: beta = T (b + beta_c). lme4 forms [X y]'[X y] from the
// raw columns, where a constant of 1e8 added to y, or 1e6 to a predictor, cancels every digit
// of the residual sum of squares that the Cholesky factor's last pivot holds. Here:
// - with an intercept column, every other column is centred at its mean;
// - every column is scaled by a power of two near its root mean square (exact: no rounding);
// - the columns are then made orthonormal (CholeskyQR, twice), which also takes out what an
//   interaction shares with its factor's columns when a predictor is shifted;
// - y is replaced by its residual from a least-squares fit on X_c, refined until it stops
//   shrinking, and scaled by a power of two the same way.
// The centring, the orthonormal basis and the residual change the last digits of every fit.
#pragma once

#include <Eigen/Dense>

namespace lmm::internal {

struct CenteredDesign {
  Eigen::MatrixXd xy;        // n x (p + 1): [X T, (y - X T b) / y_scale]
  Eigen::MatrixXd t;         // p x p: X_c = X T
  Eigen::VectorXd b;         // p: the least-squares fit taken out of y, in the basis of X_c
  double y_scale = 1.0;      // a power of two
  double log_abs_det_t = 0.0;
  // The fixed effects fit y exactly: every residual within 8 (p + 1) units of rounding of its
  // row's |y_i| + sum_k |x_ik b_k| (a constant y with an intercept among them). Never with p = 0.
  bool exact_fit = false;

};

// With prior weights, of W^1/2 [X y] (sqrt_weights: the square roots of the weights; empty for
// none): the columns are centred at their weighted means before the rows are scaled.
CenteredDesign center_design(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                             const Eigen::VectorXd& sqrt_weights = Eigen::VectorXd());

}  // namespace lmm::internal
