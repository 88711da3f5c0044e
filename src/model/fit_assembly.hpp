// Turns the optimum of the profiled objective into lme4's reported quantities.
#pragma once

#include <string>
#include <vector>

#include "formula/model_frame.hpp"
#include "formula/model_matrix.hpp"
#include "formula/term_expansion.hpp"
#include "lmm/fit_result.hpp"
#include "model/theta_optimizer.hpp"
#include "model/convergence_check.hpp"
#include "model/model_state.hpp"
#include "model/profiled_deviance.hpp"

namespace lmm::internal {

// lme4's names for the terms' groups in VarCorr: make.unique() of the grouping factors' names.
std::vector<std::string> varcorr_group_names(const std::vector<RandomEffectsTerm>& terms);

// `derivatives` (lme4's optinfo$derivs at opt.x, or null when not computed) feed checkConv().
FitResult assemble_fit(const ModelState& in, ProfiledDeviance& deviance, const OptimizerOutcome& opt,
                       const ThetaDerivatives* derivatives, const FitOptions& options);

}  // namespace lmm::internal
