#include "model/gaussian_likelihood.hpp"

#include <cmath>
#include <limits>
#include <numbers>

namespace lmm::internal {

double GaussianLikelihood::profiled(const BlockedCholesky& l, bool reml) const {
  const double pwrss = l.pwrss();
  const double ld = l.log_det_random();
  const double two_pi = 2.0 * std::numbers::pi;
  if (!reml) return ld + n * (1.0 + std::log(two_pi * pwrss / n)) - log_weights;
  const double dof = n - p;
  if (!(dof > 0.0)) return std::numeric_limits<double>::infinity();  // no residual degrees of freedom
  return ld + l.log_det_fixed() + dof * (1.0 + std::log(two_pi * pwrss / dof)) - log_weights;
}

double GaussianLikelihood::at_sigma(const BlockedCholesky& l, double sigma, bool reml) const {
  const double sigma2 = sigma * sigma;
  const double log_2pi_sigma2 = std::log(2.0 * std::numbers::pi * sigma2);
  double dev = l.log_det_random() + l.pwrss() / sigma2 + n * log_2pi_sigma2 - log_weights;
  if (reml) dev += l.log_det_fixed() - l.nfixed() * log_2pi_sigma2;
  return dev;
}

double GaussianLikelihood::with_fixed_coefficient(const BlockedCholesky& l, int j, double value) const {
  const Eigen::VectorXd w = l.fixed_factor_inverse_column(j);
  const double shift = value - l.fixed_effects()[static_cast<Eigen::Index>(j)];
  const double r2 = l.pwrss() + shift * shift / w.squaredNorm();
  return l.log_det_random() + n * (1.0 + std::log(2.0 * std::numbers::pi * r2 / n)) - log_weights;
}

double GaussianLikelihood::sigma(const BlockedCholesky& l, bool reml) const {
  return std::sqrt(l.pwrss() / (reml ? n - p : n));
}

Eigen::MatrixXd GaussianLikelihood::beta_covariance(const BlockedCholesky& l, double sigma) const {
  const Eigen::MatrixXd rx_inv = l.fixed_factor_inverse();
  return sigma * sigma * (rx_inv.transpose() * rx_inv);
}

}  // namespace lmm::internal
