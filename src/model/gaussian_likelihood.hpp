// The likelihood of a linear mixed model in one place: -2 log L at (theta, sigma) or profiled
// over sigma, beta's conditional estimate and its covariance, all read from the blocked Cholesky
// factor at theta (Bates et al. 2015, JSS 67(1), eqs. 32-41). The fit, the likelihood profile,
// Satterthwaite's tests and the bootstrap all evaluate it here.
//
// With L factored at theta, r^2 = pwrss, log |L_Z|^2 and log |R_X|^2:
//   ML:   -2 log L(theta, sigma)   = log |L_Z|^2 + r^2 / sigma^2 + n log(2 pi sigma^2)
//   REML: -2 log L_R(theta, sigma) = the same + log |R_X|^2 - p log(2 pi sigma^2)
// With prior weights w (residual variances sigma^2 / w_i) the factor holds W^1/2-weighted
// crossproducts and each criterion loses sum(log w_i), as lme4's (its ldW).
// and profiled over sigma (sigma^2 = r^2 / n, or r^2 / (n - p) for REML) these become the
// profiled deviance and REML criterion.
//
// A GLMM plugs in beside it: its Laplace approximation is log |L_Z|^2 plus the penalized
// deviance at the conditional modes, read from the same factor after PIRLS has re-formed the
// crossproducts with its working weights (see docs/architecture.md).
#pragma once

#include <Eigen/Dense>

#include "linalg/blocked_cholesky.hpp"

namespace lmm::internal {

struct GaussianLikelihood {
  double n = 0.0;  // observations
  double p = 0.0;  // fixed effects
  double log_weights = 0.0;  // sum of log w_i over the prior weights (0 without)

  // The profiled deviance (ML) or REML criterion at the factor's theta; +inf for REML without
  // residual degrees of freedom.
  double profiled(const BlockedCholesky& l, bool reml) const;
  // -2 log L (REML: restricted) at (theta, sigma), beta at its conditional estimate for theta
  // (lmerTest's devfun_vp).
  double at_sigma(const BlockedCholesky& l, double sigma, bool reml) const;
  // The ML deviance with beta_j held at `value`, profiled over sigma and the other fixed effects:
  // the penalized RSS grows by (value - beta_j)^2 / V_jj, V = (R_X' R_X)^{-1}.
  double with_fixed_coefficient(const BlockedCholesky& l, int j, double value) const;
  // sigma's estimate at theta: sqrt(r^2 / n), or sqrt(r^2 / (n - p)) for REML.
  double sigma(const BlockedCholesky& l, bool reml) const;
  // vcov(beta) = sigma^2 (X' V^-1 X)^{-1} at theta.
  Eigen::MatrixXd beta_covariance(const BlockedCholesky& l, double sigma) const;
};

}  // namespace lmm::internal
