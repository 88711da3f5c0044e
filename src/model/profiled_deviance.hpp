// The profiled deviance and REML criterion as functions of theta (Bates et al. 2015, eqs. 34
// and 41), and the conditional estimates that go with them: one model's likelihood
// (GaussianLikelihood) evaluated on a factor of its own. A ProfiledDeviance is the workspace of
// one caller: it reads the model's shared, read-only state and owns the factor L and the
// relative covariance factors, so that each fit, profile, test or thread has its own.
#pragma once

#include <Eigen/Dense>
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "linalg/blocked_cholesky.hpp"
#include "model/gaussian_likelihood.hpp"
#include "model/model_state.hpp"
#include "model/random_effects_term.hpp"

namespace lmm::internal {

// Everything determined by theta once L is factored.
struct ConditionalEstimates {
  double objective = 0.0;  // the profiled objective at theta
  Eigen::VectorXd beta;
  Eigen::VectorXd b;  // random effects, term by term, level-major within a term
  double sigma = 0.0;
  Eigen::MatrixXd beta_vcov;
};

class ProfiledDeviance {
 public:
  // A workspace for the model: its factor shares the model's structure and crossproducts. The
  // model must outlive it.
  explicit ProfiledDeviance(const ModelState& model);

  // -2 log profiled (restricted) likelihood at theta; +inf where L cannot be factored. Always
  // factors L afresh (an objective evaluation, as optimizers and benchmarks count them).
  double operator()(const std::vector<double>& theta, bool reml);
  // The estimates at theta, from L as factor(theta) leaves it.
  ConditionalEstimates estimates(const std::vector<double>& theta, bool reml);

  // operator() at each point, with the values in the points' order. The second point is
  // evaluated alone and timed; when the points after it would take at least
  // min_parallel_seconds one by one and the dense block is too small to be factored on several
  // threads itself, they are spread over up to `threads` workers (the first uses this
  // deviance, each other a copy of it made for the call). The first point comes last,
  // on this deviance, which stays factored there: the derivatives' first point is the optimum,
  // where the fit's estimates are read next. Each value is the one operator() gives, whatever
  // the number of workers. Below the default, waking the threads and warming a copy's caches
  // cost more than they save (an intercept model on classroom: 9 points of 2.5 us).
  std::vector<double> at_points(const std::vector<std::vector<double>>& points, bool reml, int threads,
                                double min_parallel_seconds = 2e-4);

  // Factors L at theta; false where L cannot be factored. The factor is then read through
  // cholesky() (log determinants, penalized RSS, beta, R_X), as profiles and tests need.
  // Nothing is recomputed when L is already factored at exactly this theta (each evaluation
  // depends on theta alone, so the factor would come out the same to the bit).
  bool factor(const std::vector<double>& theta);
  const BlockedCholesky& cholesky() const { return cholesky_; }
  // How many times L has been factored (each evaluation, and each factor() that had to).
  std::size_t factorizations() const { return factorizations_; }
  double nobs() const { return likelihood_.n; }
  const GaussianLikelihood& likelihood() const { return likelihood_; }

  const std::vector<double>& lower_bounds() const { return model_->design->lower; }
  const std::vector<double>& start() const { return model_->start; }
  std::vector<Eigen::MatrixXd> relative_factors(const std::vector<double>& theta) const;

 private:
  // relative_factors(theta) into factors_, whose matrices are kept from one evaluation to the
  // next (no allocation per evaluation).
  const std::vector<Eigen::MatrixXd>& set_factors(const std::vector<double>& theta);
  bool refactor(const std::vector<double>& theta);  // factors L at theta, whatever it holds
  // The theta at which cholesky_ was last factored successfully; empty when the last attempt
  // failed (L is then partly overwritten) or before the first.
  bool factored_at(const std::vector<double>& theta) const { return !factored_theta_.empty() && theta == factored_theta_; }

  std::vector<double> factored_theta_;
  std::size_t factorizations_ = 0;

  const ModelState* model_;
  BlockedCholesky cholesky_;
  GaussianLikelihood likelihood_;
  std::vector<Eigen::MatrixXd> factors_;
};

// Workspaces kept for a model's next calls: a call takes one (or has one made) and gives it back
// when it is done, so that calls from several threads each have their own and a call does not
// allocate a factor each time (one evaluation of a small model costs microseconds).
class DeviancePool {
 public:
  explicit DeviancePool(const ModelState& model) : model_(&model) {}
  ~DeviancePool() { delete ready_.load(); }
  DeviancePool(const DeviancePool&) = delete;
  DeviancePool& operator=(const DeviancePool&) = delete;
  class Lease {
   public:
    Lease(const DeviancePool& pool, std::unique_ptr<ProfiledDeviance> deviance)
        : pool_(&pool), deviance_(std::move(deviance)) {}
    Lease(Lease&&) = default;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (deviance_) pool_->give_back(std::move(deviance_));
    }
    ProfiledDeviance& operator*() const { return *deviance_; }
    ProfiledDeviance* operator->() const { return deviance_.get(); }

   private:
    const DeviancePool* pool_;
    std::unique_ptr<ProfiledDeviance> deviance_;
  };
  Lease take() const;

 private:
  void give_back(std::unique_ptr<ProfiledDeviance> deviance) const;
  const ModelState* model_;
  // One idle workspace in a slot taken and returned with one atomic exchange each, for the
  // common case of one caller at a time (the mutex costs 2% of an evaluation of a small model);
  // the others wait in idle_.
  mutable std::atomic<ProfiledDeviance*> ready_{nullptr};
  mutable std::mutex mutex_;
  mutable std::vector<std::unique_ptr<ProfiledDeviance>> idle_;
};

}  // namespace lmm::internal
