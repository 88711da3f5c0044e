// lmm/fit_options.hpp: what to fit and how (inputs only; results are in fit_result.hpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace lmm {

// The optimizer over theta: lme4's default nloptwrap (NLopt's BOBYQA), or lme4's Nelder_Mead
// (lmerControl(optimizer = "Nelder_Mead")), here NLopt's Nelder-Mead with lme4's settings.
enum class Optimizer { kBobyqa, kNelderMead };

// "bobyqa", "nelder-mead": the CLI's --optimizer spellings.
const char* to_string(Optimizer optimizer);
// False, leaving *optimizer alone, for any other spelling.
bool optimizer_from_string(const std::string& name, Optimizer* optimizer);

struct FitOptions {
  // Restricted maximum likelihood (lme4's default) or maximum likelihood. A model without fixed
  // effects is fitted and reported as ML, as lme4 does (the two criteria are then the same).
  bool reml = true;

  Optimizer optimizer = Optimizer::kBobyqa;

  // Stopping rules; unset, lme4's defaults for the optimizer (the *_or_default() below):
  //   BOBYQA (nloptwrap): ftol_abs 1e-8, xtol_abs 1e-8, xtol_rel 1e-4 (nloptr's default, which
  //     nloptwrap leaves in place), 100000 evaluations;
  //   Nelder-Mead (Nelder_Mead): FtolAbs 1e-5, xt = 5e-4 x its initial step 0.02 = 1e-5,
  //     XtolRel 1e-7, maxfun 10000 (and FtolRel 1e-15, fixed).
  std::optional<double> ftol_abs;
  std::optional<double> xtol_abs;
  std::optional<double> xtol_rel;
  std::optional<int> max_evaluations;

  double ftol_abs_or_default() const;
  double xtol_abs_or_default() const;
  double xtol_rel_or_default() const;
  int max_evaluations_or_default() const;

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
  // A derivative-free optimizer's stop is a claim: where lme4's derivatives at the optimum doubt
  // it (checkConv() would warn, the Hessian is not positive definite, or the Newton step predicts
  // a decrease above 1e-4; always without calc_derivatives), lmm runs BOBYQA once more from the
  // optimum with a trust region scaled to each parameter (0.1 |theta_i|, at least 1e-3), which
  // a badly scaled theta (e.g. unscaled time and time^2) needs. Its answer is adopted when it lowers the objective by more than BOBYQA's ftol_abs
  // (1e-8 unless set, after Nelder-Mead too), and is then checked again, up to max_restarts
  // times. false reproduces lme4's run exactly.
  bool check_optimum = true;

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
