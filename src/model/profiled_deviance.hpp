// The profiled deviance and REML criterion as functions of theta (Bates et al. 2015, eqs. 34
// and 41), and the conditional estimates that go with them.
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "linalg/blocked_cholesky.hpp"
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
  ProfiledDeviance(const std::vector<RandomEffectsTerm>& terms, const Eigen::MatrixXd& x, const Eigen::VectorXd& y);

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
  double nobs() const { return n_; }

  const std::vector<double>& lower_bounds() const { return lower_; }
  const std::vector<double>& start() const { return start_; }
  std::vector<Eigen::MatrixXd> relative_factors(const std::vector<double>& theta) const;

 private:
  double objective_from_factor(bool reml) const;  // from the current factor L
  // relative_factors(theta) into factors_, whose matrices are kept from one evaluation to the
  // next (no allocation per evaluation).
  const std::vector<Eigen::MatrixXd>& set_factors(const std::vector<double>& theta);
  bool refactor(const std::vector<double>& theta);  // factors L at theta, whatever it holds
  // The theta at which cholesky_ was last factored successfully; empty when the last attempt
  // failed (L is then partly overwritten) or before the first.
  bool factored_at(const std::vector<double>& theta) const { return !factored_theta_.empty() && theta == factored_theta_; }

  std::vector<double> factored_theta_;
  std::size_t factorizations_ = 0;

  const std::vector<RandomEffectsTerm>& terms_;
  BlockedCholesky cholesky_;
  double n_ = 0.0;
  double p_ = 0.0;
  std::vector<double> lower_, start_;
  std::vector<Eigen::MatrixXd> factors_;
};

}  // namespace lmm::internal
