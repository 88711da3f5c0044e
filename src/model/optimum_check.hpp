// The soundness check of an optimum (FitOptions::check_optimum): whether a fit's stop is in
// doubt, and BOBYQA from it with a trust region scaled to each parameter.
#pragma once

#include <vector>

#include "lmm/fit_options.hpp"
#include "model/theta_optimizer.hpp"
#include "model/convergence_check.hpp"

namespace lmm::internal {

// True when the derivatives lme4 takes at the optimum (checkConv()'s, computed anyway) doubt it:
// checkConv() would warn, or the Hessian is not positive definite, or the Newton step from them
// predicts a decrease of the objective above `threshold`. A singular fit (a parameter bounded at
// 0 below singular_tolerance) is not in doubt: checkConv() skips it and the near-singular
// restarts have confirmed it. Without derivatives every optimum is in doubt.
bool optimum_in_doubt(const ThetaDerivatives* derivatives, const std::vector<double>& theta,
                      const std::vector<double>& lower, const FitOptions& options, double threshold);

// The Newton step's predicted decrease g' H^-1 g / 2; NaN when H is not positive definite.
double newton_decrease(const ThetaDerivatives& derivatives);

// BOBYQA from the optimum with initial steps max(0.1 |theta_i|, 1e-3) (NLopt rescales each
// parameter by its step), BOBYQA's stopping rules (those set in `options` apply). Its answer
// replaces the optimum when lower by more than BOBYQA's ftol_abs, and is then checked again, up
// to max_restarts more times. The evaluations are added; status and message stay the optimizer's.
OptimizerOutcome check_optimum(const Objective& f, OptimizerOutcome opt, const std::vector<double>& lower,
                               const FitOptions& options);

}  // namespace lmm::internal
