// Profile likelihood of a linear mixed model, as lme4's profile.merMod defines it: for each
// parameter (the sdcor values .sig01..., .sigma, and the fixed effects) the signed square root
// zeta(x) = sign(x - x_hat) * sqrt(D(x) - D_hat), where D(x) is the ML deviance minimized over
// all other parameters with this one held at x. Confidence limits are where zeta crosses the
// normal quantiles; lmm finds those crossings by root finding on zeta itself (lme4
// interpolates a spline through a grid of profile points).
#pragma once

#include <string>
#include <vector>

#include "inference/variance_parameters.hpp"
#include "lmm/fit_result.hpp"
#include "model/model_state.hpp"
#include "model/profiled_deviance.hpp"

namespace lmm::internal {

struct ProfilePoint {
  double value = 0.0;
  double zeta = 0.0;
  double deviance = 0.0;       // the minimized ML deviance
  std::vector<double> others;  // the optimized other parameters (inner start for neighbours)
  bool ok = true;              // false when the inner optimization failed
};

// Where zeta crosses a target, searching outward from the estimate.
struct ProfileCrossing {
  double value = 0.0;
  bool at_boundary = false;  // the parameter's bound was reached before zeta got to the target
  bool non_monotone = false;  // zeta moved towards 0 somewhere on the way out
  bool failed = false;        // no crossing found (inner optimizations failed)
  int evaluations = 0;        // profile points computed
};

class LikelihoodProfile {
 public:
  // `ml_fit` must be the maximum likelihood fit of the model held by `state`.
  LikelihoodProfile(const ModelState& state, const FitResult& ml_fit);

  std::size_t size() const { return names_.size(); }
  const std::vector<std::string>& names() const { return names_; }
  std::size_t nvarpar() const { return varpar_.size(); }
  double estimate(std::size_t k) const { return estimates_[k]; }
  double lower(std::size_t k) const;
  double upper(std::size_t k) const;
  double base_deviance() const { return base_; }

  // zeta at `value` of parameter k; `start` holds the other parameters to start the inner
  // optimization from (empty: the estimates).
  ProfilePoint evaluate(std::size_t k, double value, const std::vector<double>& start = {});

  // Searches outward from the estimate (downwards for a negative target) for zeta = target.
  ProfileCrossing crossing(std::size_t k, double target);

 private:
  double varpar_deviance(const std::vector<double>& sdcor);
  double fixef_deviance(std::size_t j, double value, const std::vector<double>& theta);
  std::vector<double> default_start(std::size_t k) const;

  ProfiledDeviance deviance_;
  VarianceParameters varpar_;
  std::vector<std::string> names_;
  std::vector<double> estimates_;  // sdcor values, sigma, fixed effects at the ML optimum
  std::vector<double> theta_hat_;
  std::vector<double> theta_lower_;
  std::vector<double> fixef_se_;
  double base_ = 0.0;
};

}  // namespace lmm::internal
