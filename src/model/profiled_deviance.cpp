#include "model/profiled_deviance.hpp"

#include <chrono>
#include <cmath>
#include <limits>
#include <numbers>

#include "linalg/dense_cholesky.hpp"
#include "util/parallel.hpp"

namespace lmm::internal {

ProfiledDeviance::ProfiledDeviance(const ModelState& model)
    : model_(&model),
      cholesky_(model.design->structure, model.crossproducts),
      likelihood_{static_cast<double>(model.x.matrix.rows()), static_cast<double>(model.x.matrix.cols()),
                  model.design->log_weights} {}

DeviancePool::Lease DeviancePool::take() const {
  std::unique_ptr<ProfiledDeviance> deviance(ready_.exchange(nullptr, std::memory_order_acquire));
  if (deviance) return Lease(*this, std::move(deviance));
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      deviance = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!deviance) deviance = std::make_unique<ProfiledDeviance>(*model_);
  return Lease(*this, std::move(deviance));
}

void DeviancePool::give_back(std::unique_ptr<ProfiledDeviance> deviance) const {
  ProfiledDeviance* empty = nullptr;
  if (ready_.compare_exchange_strong(empty, deviance.get(), std::memory_order_release, std::memory_order_relaxed)) {
    (void)deviance.release();
    return;
  }
  const std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(std::move(deviance));
}

std::vector<Eigen::MatrixXd> ProfiledDeviance::relative_factors(const std::vector<double>& theta) const {
  return internal::relative_factors(model_->terms, theta);
}

const std::vector<Eigen::MatrixXd>& ProfiledDeviance::set_factors(const std::vector<double>& theta) {
  const auto& terms = model_->terms;
  factors_.resize(terms.size());
  const double* next = theta.data();
  for (std::size_t k = 0; k < terms.size(); ++k) {
    terms[k].relative_factor(next, factors_[k]);
    next += terms[k].ntheta();
  }
  return factors_;
}

bool ProfiledDeviance::refactor(const std::vector<double>& theta) {
  ++factorizations_;
  const bool ok = cholesky_.update(set_factors(theta));
  if (ok) factored_theta_ = theta;
  else factored_theta_.clear();
  return ok;
}

bool ProfiledDeviance::factor(const std::vector<double>& theta) { return factored_at(theta) || refactor(theta); }

double ProfiledDeviance::operator()(const std::vector<double>& theta, bool reml) {
  if (!refactor(theta)) return std::numeric_limits<double>::infinity();
  return likelihood_.profiled(cholesky_, reml);
}

std::vector<double> ProfiledDeviance::at_points(const std::vector<std::vector<double>>& points, bool reml,
                                               int threads, double min_parallel_seconds) {
  std::vector<double> values(points.size());
  if (points.size() > 1) {
    // The second point alone, timed; then the ones after it.
    const auto started = std::chrono::steady_clock::now();
    values[1] = (*this)(points[1], reml);
    const std::chrono::duration<double> one = std::chrono::steady_clock::now() - started;
    const auto rest = static_cast<int>(points.size()) - 2;
    // Where the dense block is factored on the threads already, one point after the other is
    // faster than a point per thread, whose two dense blocks share the caches and the memory
    // bus (MovieLens' order 3,709: 9 points in 2.18 s against 2.55 s; InstEval's 1,145: even),
    // and needs no copy of the block.
    const bool parallel_points =
        one.count() * rest >= min_parallel_seconds && cholesky_.dense_order() < kParallelOrder;
    const int workers = parallel_points ? worker_count(threads, rest) : 1;
    std::vector<ProfiledDeviance> copies(static_cast<std::size_t>(workers - 1), *this);
    parallel_for(rest, workers, [&](int i, int worker) {
      ProfiledDeviance& deviance = worker == 0 ? *this : copies[static_cast<std::size_t>(worker) - 1];
      values[static_cast<std::size_t>(i) + 2] = deviance(points[static_cast<std::size_t>(i) + 2], reml);
    });
  }
  if (!points.empty()) values[0] = (*this)(points[0], reml);  // last: this deviance stays factored there
  return values;
}

ConditionalEstimates ProfiledDeviance::estimates(const std::vector<double>& theta, bool reml) {
  const auto factors = relative_factors(theta);
  ConditionalEstimates out;
  out.objective = factor(theta) ? likelihood_.profiled(cholesky_, reml) : std::numeric_limits<double>::infinity();
  Eigen::VectorXd u;
  cholesky_.solve(out.beta, u);
  out.b.resize(u.size());
  Eigen::Index offset = 0;
  const auto& terms = model_->terms;
  for (std::size_t t = 0; t < terms.size(); ++t) {
    const int q = terms[t].q();
    for (int l = 0; l < terms[t].nlevels(); ++l, offset += q)
      out.b.segment(offset, q) = factors[t] * u.segment(offset, q);
  }
  out.sigma = likelihood_.sigma(cholesky_, reml);
  out.beta_vcov = likelihood_.beta_covariance(cholesky_, out.sigma);
  return out;
}

}  // namespace lmm::internal
