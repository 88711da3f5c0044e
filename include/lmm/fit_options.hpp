// lmm/fit_options.hpp: what to fit and how (inputs only; results are in fit_result.hpp).
#pragma once

#include <string>
#include <vector>

namespace lmm {

struct FitOptions {
  // Restricted maximum likelihood (lme4's default) or maximum likelihood. A model without fixed
  // effects is fitted and reported as ML, as lme4 does (the two criteria are then the same).
  bool reml = true;

  // BOBYQA stopping rules, lme4's nloptwrap defaults.
  double ftol_abs = 1e-8;
  double xtol_abs = 1e-8;
  double xtol_rel = 1e-4;  // nloptr's default, which lme4's nloptwrap leaves in place
  int max_evaluations = 100000;

  // isSingular(): a diagonal element of a relative covariance factor below this is singular.
  double singular_tolerance = 1e-4;
  // lme4's restart_edge and boundary.tol: re-examine parameters that end on or near a bound.
  bool restart_edge = true;
  double boundary_tolerance = 1e-5;
  // When a variance parameter ends within 10 x singular_tolerance of 0, BOBYQA is restarted
  // from its optimum, up to this many times, while that improves the objective by more than
  // ftol_abs; elsewhere lmm follows lme4's single run exactly. 0 always reproduces lme4's run,
  // whose stop near a boundary depends on rounding noise.
  int max_restarts = 5;

  // lme4's calc.derivs and checkConv(): after the fit, the gradient and Hessian of the objective
  // in theta by central differences (2k^2 + 1 evaluations for k parameters, spread over the
  // threads where they take long enough; the values do not depend on that), then the scaled
  // gradient checked against gradient_tolerance (check.conv.grad) and the Hessian's eigenvalues
  // against hessian_tolerance (check.conv.hess). Singular fits skip the checks, as in lme4.
  bool calc_derivatives = true;
  double gradient_tolerance = 2e-3;
  double hessian_tolerance = 1e-6;

  // Starting theta; empty for lme4's start: 1 on diagonals and 0 elsewhere, except where every
  // random-effects term is an intercept on its own grouping factor, where lme4 starts from the
  // variances of y's group means (theta_k = sqrt(v_k / (var(y) - sum v)), mkLmerDevfun). Refitting
  // a REML fit by ML starts from the REML optimum, as lme4's refitML() does.
  std::vector<double> start;

  // Fills *error with the first invalid field and its constraint; true when all are valid.
  bool IsValid(std::string* error) const;
};

}  // namespace lmm
