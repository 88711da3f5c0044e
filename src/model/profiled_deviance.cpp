#include "model/profiled_deviance.hpp"

#include <chrono>
#include <cmath>
#include <limits>
#include <numbers>

#include "model/start_values.hpp"
#include "util/parallel.hpp"

namespace lmm::internal {

ProfiledDeviance::ProfiledDeviance(const std::vector<RandomEffectsTerm>& terms, const Eigen::MatrixXd& x,
                                   const Eigen::VectorXd& y)
    : terms_(terms), cholesky_(terms, x, y), n_(static_cast<double>(x.rows())), p_(static_cast<double>(x.cols())) {
  for (const RandomEffectsTerm& t : terms) t.append_bounds(lower_, start_);
  if (auto start = intercept_variance_start(terms, y)) start_ = std::move(*start);
}

std::vector<Eigen::MatrixXd> ProfiledDeviance::relative_factors(const std::vector<double>& theta) const {
  std::vector<Eigen::MatrixXd> factors;
  const double* next = theta.data();
  for (const RandomEffectsTerm& t : terms_) {
    factors.push_back(t.relative_factor(next));
    next += t.ntheta();
  }
  return factors;
}

const std::vector<Eigen::MatrixXd>& ProfiledDeviance::set_factors(const std::vector<double>& theta) {
  factors_.resize(terms_.size());
  const double* next = theta.data();
  for (std::size_t k = 0; k < terms_.size(); ++k) {
    terms_[k].relative_factor(next, factors_[k]);
    next += terms_[k].ntheta();
  }
  return factors_;
}

bool ProfiledDeviance::factor(const std::vector<double>& theta) { return cholesky_.update(set_factors(theta)); }

double ProfiledDeviance::operator()(const std::vector<double>& theta, bool reml) {
  if (!cholesky_.update(set_factors(theta))) return std::numeric_limits<double>::infinity();
  return objective_from_factor(reml);
}

std::vector<double> ProfiledDeviance::at_points(const std::vector<std::vector<double>>& points, bool reml,
                                               int threads, double min_parallel_seconds) {
  std::vector<double> values(points.size());
  if (points.empty()) return values;
  // The first point alone, timed.
  const auto started = std::chrono::steady_clock::now();
  values[0] = (*this)(points[0], reml);
  const std::chrono::duration<double> first = std::chrono::steady_clock::now() - started;
  const auto rest = static_cast<int>(points.size()) - 1;
  const int workers = first.count() * rest >= min_parallel_seconds ? worker_count(threads, rest) : 1;
  std::vector<ProfiledDeviance> copies(static_cast<std::size_t>(workers - 1), *this);
  parallel_for(rest, workers, [&](int i, int worker) {
    ProfiledDeviance& deviance = worker == 0 ? *this : copies[static_cast<std::size_t>(worker) - 1];
    values[static_cast<std::size_t>(i) + 1] = deviance(points[static_cast<std::size_t>(i) + 1], reml);
  });
  return values;
}

double ProfiledDeviance::objective_from_factor(bool reml) const {
  const double pwrss = cholesky_.pwrss();
  const double ld = cholesky_.log_det_random();
  const double two_pi = 2.0 * std::numbers::pi;
  if (!reml) return ld + n_ * (1.0 + std::log(two_pi * pwrss / n_));
  const double dof = n_ - p_;
  if (!(dof > 0.0)) return std::numeric_limits<double>::infinity();  // no residual degrees of freedom
  return ld + cholesky_.log_det_fixed() + dof * (1.0 + std::log(two_pi * pwrss / dof));
}

ConditionalEstimates ProfiledDeviance::estimates(const std::vector<double>& theta, bool reml) {
  const auto factors = relative_factors(theta);
  ConditionalEstimates out;
  out.objective = cholesky_.update(factors) ? objective_from_factor(reml) : std::numeric_limits<double>::infinity();
  Eigen::VectorXd u;
  cholesky_.solve(out.beta, u);
  out.b.resize(u.size());
  Eigen::Index offset = 0;
  for (std::size_t t = 0; t < terms_.size(); ++t) {
    const int q = terms_[t].q();
    for (int l = 0; l < terms_[t].nlevels(); ++l, offset += q)
      out.b.segment(offset, q) = factors[t] * u.segment(offset, q);
  }
  out.sigma = std::sqrt(cholesky_.pwrss() / (reml ? n_ - p_ : n_));
  const Eigen::MatrixXd rx = cholesky_.fixed_factor();
  const Eigen::MatrixXd rx_inv = rx.triangularView<Eigen::Lower>().solve(Eigen::MatrixXd::Identity(rx.rows(), rx.cols()));
  out.beta_vcov = out.sigma * out.sigma * (rx_inv.transpose() * rx_inv);
  return out;
}

}  // namespace lmm::internal
