// BOBYQA from NLopt, set up as lme4's nloptwrap sets it up.
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
  int status = 0;       // NLopt's return code
  bool converged = true;  // false when stopped by the evaluation limit or an error (as lme4 judges)
  std::string message;  // NLopt's name for the status, e.g. "NLOPT_XTOL_REACHED"
};

using Objective = std::function<double(const std::vector<double>&)>;

// Minimizes f from x0 subject to lower <= x <= upper (no upper bounds when `upper` is empty),
// with lme4's tolerances (ftol_abs, xtol_abs, xtol_rel from the options). The initial trust
// region is NLopt's default (as nloptr leaves it for lme4) unless `initial_step` gives one per
// parameter.
OptimizerOutcome minimize_bobyqa(const Objective& f, std::vector<double> x0, const std::vector<double>& lower,
                                 const FitOptions& options, const std::vector<double>& upper = {},
                                 const std::vector<double>& initial_step = {});

}  // namespace lmm::internal
