// lmm/report.hpp: a fit shown as lme4 shows it, or as JSON for scripts.
#pragma once

#include <string>

#include "lmm/fit_result.hpp"

namespace lmm {

struct SummaryOptions {
  std::string data_name = "data";  // shown on the "Data:" line
  int digits = 7;                  // R's getOption("digits")
  int width = 80;                  // R's getOption("width"), for wrapping the formula
};

// The text of lme4's summary(): header, scaled residuals, random effects, fixed effects, their
// correlation, and the convergence and singularity messages.
std::string summary_text(const FitResult& fit, const SummaryOptions& options = {});

// One JSON object: formula, reml, nobs, ngroups, objective, loglik, aic, bic, sigma, fixef,
// fixef_se, theta, varcorr (rows of as.data.frame(VarCorr())), singular, converged, messages,
// and more (see README).
std::string fit_json(const FitResult& fit, int indent = 2);

}  // namespace lmm
