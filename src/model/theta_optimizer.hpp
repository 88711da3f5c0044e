// The optimizers over theta, from NLopt, set up as lme4 sets up its own: BOBYQA as nloptwrap,
// Nelder-Mead with Nelder_Mead's settings.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "lmm/fit_options.hpp"

namespace lmm::internal {

struct OptimizerOutcome {
  std::vector<double> x;
  double value = 0.0;
  int evaluations = 0;
  int status = 0;         // NLopt's return code, or lme4's Nelder_Mead code (4: evaluation limit)
  bool converged = true;  // false when stopped by the evaluation limit or an error (as lme4 judges)
  std::string message;    // NLopt's name for the status, e.g. "NLOPT_XTOL_REACHED", or Nelder_Mead's message
  std::string optimizer = "nloptwrap";  // lme4's name for the optimizer, as its warnings give it
};

using Objective = std::function<double(const std::vector<double>&)>;

// Minimizes f from x0 subject to lower <= x <= upper (no upper bounds when `upper` is empty),
// with lme4's tolerances (ftol_abs, xtol_abs, xtol_rel from the options). The initial trust
// region is NLopt's default (as nloptr leaves it for lme4) unless `initial_step` gives one per
// parameter (NLopt then rescales each parameter by its step).
OptimizerOutcome minimize_bobyqa(const Objective& f, std::vector<double> x0, const std::vector<double>& lower,
                                 const FitOptions& options, const std::vector<double>& upper = {},
                                 const std::vector<double>& initial_step = {});

// Nelder-Mead from x0 within the lower bounds, with lme4's Nelder_Mead settings: initial simplex
// steps of 0.02, xt 1e-5 on each parameter, XtolRel, FtolAbs and FtolRel 1e-15, maxfun (the
// options' values where set). Stopped by the evaluation limit, its status is lme4's code 4 and
// its message lme4's "failure to converge in N evaluations".
OptimizerOutcome minimize_nelder_mead(const Objective& f, std::vector<double> x0, const std::vector<double>& lower,
                                      const FitOptions& options);

// The optimizer the options name, from x0.
OptimizerOutcome minimize(const Objective& f, std::vector<double> x0, const std::vector<double>& lower,
                          const FitOptions& options);

}  // namespace lmm::internal
