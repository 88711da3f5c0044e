#include "linalg/centered_design.hpp"

#include <cmath>
#include <limits>

namespace lmm::internal {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

// A power of two within a factor of two of the root mean square of v (1 for a zero vector), so
// that dividing by it is exact.
double power_of_two_scale(const Eigen::Ref<const VectorXd>& v) {
  if (v.size() == 0) return 1.0;
  double norm = v.norm();
  if (!std::isfinite(norm) || norm < 1e-150) norm = v.stableNorm();  // the squares over- or underflow
  const double rms = norm / std::sqrt(static_cast<double>(v.size()));
  if (!(rms > 0.0) || !std::isfinite(rms)) return 1.0;
  int exponent = 0;
  std::frexp(rms, &exponent);
  return std::ldexp(1.0, exponent - 1);
}

// The first column whose every entry is 1: R's (Intercept). -1 when there is none.
Index intercept_column(const MatrixXd& x) {
  for (Index j = 0; j < x.cols(); ++j)
    if ((x.col(j).array() == 1.0).all()) return j;
  return -1;
}

// X_c = X T: the columns other than the intercept centred at their (weighted) means, the rows
// then multiplied by the square roots of the weights, and each column divided by its
// power-of-two scale.
void center_columns(const MatrixXd& x, Index intercept, const VectorXd& sqrt_weights, CenteredDesign& d) {
  const Index p = x.cols();
  d.t = MatrixXd::Identity(p, p);
  d.log_abs_det_t = 0.0;
  for (Index j = 0; j < p; ++j) {
    auto column = d.xy.col(j);
    column = x.col(j);
    if (intercept >= 0 && j != intercept) {
      const double mean = sqrt_weights.size() == 0 ? column.mean()
                                                   : column.dot(sqrt_weights.cwiseAbs2()) / sqrt_weights.squaredNorm();
      column.array() -= mean;
      d.t(intercept, j) = -mean;
    }
    if (sqrt_weights.size() > 0) column.array() *= sqrt_weights.array();
    const double scale = power_of_two_scale(column);
    column /= scale;
    d.t.col(j) /= scale;
    d.log_abs_det_t -= std::log(scale);
  }
}

// X_c R^-1, R the Cholesky factor of X_c'X_c (CholeskyQR); false, leaving X_c as it is, where
// that Gram matrix cannot be factored. Centring removes what an intercept shares with a
// shifted column, but not what an interaction shares with its factor's columns ((x + c):f is
// x:f + c f): this does, for any column space.
bool orthonormalize_columns(CenteredDesign& d) {
  const Index p = d.t.cols();
  auto xc = d.xy.leftCols(p);
  MatrixXd gram = MatrixXd::Zero(p, p);
  gram.selfadjointView<Eigen::Lower>().rankUpdate(xc.transpose());
  const Eigen::LLT<MatrixXd> cholesky(gram);
  if (cholesky.info() != Eigen::Success) return false;
  const auto r = cholesky.matrixU();
  const VectorXd pivots = cholesky.matrixLLT().diagonal();
  if (!(pivots.array() > 0.0).all() || !pivots.allFinite()) return false;
  r.solveInPlace<Eigen::OnTheRight>(xc);
  r.solveInPlace<Eigen::OnTheRight>(d.t);
  d.log_abs_det_t -= pivots.array().log().sum();
  return true;
}

// y - X_c b for the least-squares b, by the normal equations of the well-scaled X_c, refined
// from each residual while that shrinks it (any b would be exact; a small residual is what
// keeps the digits). The intercept's part is taken first, on its own: y_i - b_0 is exact where
// y is far from 0, and the rest is of the residual's size. A Gram matrix that cannot be
// factored leaves y as it is.
void take_out_least_squares_fit(const VectorXd& y, Index intercept, CenteredDesign& d) {
  const Index p = d.t.cols();
  auto xc = d.xy.leftCols(p);
  auto residual = d.xy.col(p);
  residual = y;
  d.b = VectorXd::Zero(p);
  if (p == 0) return;
  MatrixXd gram = MatrixXd::Zero(p, p);
  gram.selfadjointView<Eigen::Lower>().rankUpdate(xc.transpose());
  const Eigen::LDLT<MatrixXd> normal(gram);
  if (normal.info() != Eigen::Success) return;
  double norm = residual.squaredNorm();
  for (int step = 0; step < 3; ++step) {
    const VectorXd delta = normal.solve(xc.transpose() * residual);
    if (!delta.allFinite()) break;
    VectorXd slopes = delta;
    VectorXd next = residual;
    if (intercept >= 0) {
      next.array() -= delta[intercept] * xc(0, intercept);  // the column is constant
      slopes[intercept] = 0.0;
    }
    next.noalias() -= xc * slopes;
    const double next_norm = next.squaredNorm();
    if (!(next_norm < norm)) break;
    residual = next;
    d.b += delta;
    norm = next_norm;
  }
}

// Whether every residual is rounding error of its own row: within 8 (p + 1) units of
// |y_i| + sum_k |x_ik b_k|, what forming y_i - x_i'b can lose. Row by row, so that one huge
// value a column isolates does not make the other rows' residuals look like rounding. A bound
// over all rows comes first: data that varies pays one pass over the residual.
bool fits_exactly(const VectorXd& y, const CenteredDesign& d) {
  const Index p = d.t.cols();
  const auto xc = d.xy.leftCols(p);
  const auto residual = d.xy.col(p);
  const double units = 8.0 * static_cast<double>(p + 1) * std::numeric_limits<double>::epsilon();
  const double largest_fit = (xc.cwiseAbs().colwise().maxCoeff().transpose().array() * d.b.array().abs()).sum();
  if (!(residual.lpNorm<Eigen::Infinity>() <= units * (y.lpNorm<Eigen::Infinity>() + largest_fit))) return false;
  for (Index i = 0; i < y.size(); ++i) {
    const double scale = std::fabs(y[i]) + (xc.row(i).cwiseAbs().transpose().array() * d.b.array().abs()).sum();
    if (!(std::fabs(residual[i]) <= units * scale)) return false;
  }
  return true;
}

}  // namespace

CenteredDesign center_design(const MatrixXd& x, const VectorXd& y, const VectorXd& sqrt_weights) {
  CenteredDesign d;
  d.xy.resize(x.rows(), x.cols() + 1);
  const Index intercept = x.rows() > 0 ? intercept_column(x) : -1;
  center_columns(x, intercept, sqrt_weights, d);
  // Twice (CholeskyQR2): the second pass makes the columns orthonormal to rounding wherever the
  // first could factor, up to condition numbers of about 1e7, beyond which lme4's rank check
  // has dropped the column.
  if (x.rows() > 0 && x.cols() > 0 && orthonormalize_columns(d)) orthonormalize_columns(d);
  // Weighted, the intercept's column is sqrt(w), not a constant to take out on its own.
  const bool weighted = sqrt_weights.size() > 0;
  const VectorXd weighted_y = weighted ? VectorXd(y.cwiseProduct(sqrt_weights)) : VectorXd();
  const VectorXd& yw = weighted ? weighted_y : y;
  take_out_least_squares_fit(yw, weighted ? -1 : intercept, d);
  auto residual = d.xy.col(x.cols());
  d.exact_fit = x.cols() > 0 && x.rows() > 0 && fits_exactly(yw, d);
  d.y_scale = power_of_two_scale(residual);
  residual /= d.y_scale;
  return d;
}

}  // namespace lmm::internal
