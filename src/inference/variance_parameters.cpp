#include "inference/variance_parameters.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <cstdio>
#include <limits>

namespace lmm::internal {

VarianceParameters::VarianceParameters(const std::vector<RandomEffectsTerm>& terms) {
  for (const RandomEffectsTerm& t : terms) {
    q_.push_back(t.q());
    for (int j = 0; j < t.q(); ++j)
      for (int i = j; i < t.q(); ++i) {
        lower_.push_back(i == j ? 0.0 : -1.0);
        upper_.push_back(i == j ? std::numeric_limits<double>::infinity() : 1.0);
      }
    ntheta_ += static_cast<std::size_t>(t.ntheta());
  }
  lower_.push_back(0.0);
  upper_.push_back(std::numeric_limits<double>::infinity());
}

std::vector<std::string> VarianceParameters::names() const {
  std::vector<std::string> out;
  char buffer[32];
  for (std::size_t i = 0; i < ntheta_; ++i) {
    std::snprintf(buffer, sizeof buffer, ".sig%02zu", i + 1);
    out.emplace_back(buffer);
  }
  out.emplace_back(".sigma");
  return out;
}

std::vector<double> VarianceParameters::from_theta(const std::vector<double>& theta, double sigma) const {
  std::vector<double> out;
  std::size_t next = 0;
  for (const int q : q_) {
    Eigen::MatrixXd t = Eigen::MatrixXd::Zero(q, q);
    for (int j = 0; j < q; ++j)
      for (int i = j; i < q; ++i) t(i, j) = theta[next++];
    const Eigen::MatrixXd cov = sigma * sigma * t * t.transpose();
    for (int j = 0; j < q; ++j)
      for (int i = j; i < q; ++i) {
        if (i == j) {
          out.push_back(std::sqrt(cov(i, i)));
        } else {
          const double denom = std::sqrt(cov(i, i) * cov(j, j));
          out.push_back(denom > 0.0 ? cov(i, j) / denom : std::numeric_limits<double>::quiet_NaN());
        }
      }
  }
  out.push_back(sigma);
  return out;
}

std::optional<std::vector<double>> VarianceParameters::to_theta(const std::vector<double>& sdcor) const {
  const double sigma = sdcor.back();
  if (!(sigma > 0.0) || !std::isfinite(sigma)) return std::nullopt;
  std::vector<double> theta;
  theta.reserve(ntheta_);
  std::size_t next = 0;
  for (const int q : q_) {
    Eigen::MatrixXd cov(q, q);
    Eigen::VectorXd sd(q);
    const std::size_t first = next;
    for (int j = 0; j < q; ++j)
      for (int i = j; i < q; ++i, ++next) {
        if (i == j) sd[i] = sdcor[next] / sigma;
      }
    next = first;
    for (int j = 0; j < q; ++j)
      for (int i = j; i < q; ++i, ++next) {
        const double v = i == j ? sd[i] * sd[i] : sdcor[next] * sd[i] * sd[j];
        cov(i, j) = cov(j, i) = v;
      }
    // Cholesky that accepts zero pivots (a zero standard deviation, a correlation of +-1),
    // as lme4's safe_chol does for its profiles; a negative pivot means an impossible set of
    // correlations.
    Eigen::MatrixXd l = Eigen::MatrixXd::Zero(q, q);
    for (int j = 0; j < q; ++j) {
      double d = cov(j, j);
      for (int k = 0; k < j; ++k) d -= l(j, k) * l(j, k);
      const double scale = std::max(cov(j, j), 1e-300);
      if (d < -1e-10 * scale) return std::nullopt;
      l(j, j) = std::sqrt(std::max(d, 0.0));
      for (int i = j + 1; i < q; ++i) {
        double v = cov(i, j);
        for (int k = 0; k < j; ++k) v -= l(i, k) * l(j, k);
        if (l(j, j) > 0.0) {
          l(i, j) = v / l(j, j);
        } else if (std::abs(v) > 1e-10 * std::sqrt(std::max(cov(i, i), 1e-300) * scale)) {
          return std::nullopt;
        }
      }
    }
    for (int j = 0; j < q; ++j)
      for (int i = j; i < q; ++i) theta.push_back(l(i, j));
  }
  return theta;
}

}  // namespace lmm::internal
