// The sections of lme4's print(summary(<merMod>)) that summaries of other classes share (lmerTest's
// summary adds columns to the fixed-effects table but prints every other section as lme4 does).
#pragma once

#include <string>
#include <vector>

#include "lmm/fit_result.hpp"
#include "lmm/report.hpp"

namespace lmm::internal {

// print.summary.merMod's digits: max(3, getOption("digits") - 3).
int summary_digits(const SummaryOptions& options);

// lme4's methTitle: "Linear mixed model fit by REML" or "... by maximum likelihood " (sic).
std::string method_title(const FitResult& fit);

// .prt.methTit(): "<title> ['<class>']" on one line, or the title wrapped (exdent 2) followed by
// " [<class>]" when that is wider than `width`.
std::string title_text(const std::string& title, const std::string& object_class, int width);

// Everything between the title and "Fixed effects:": formula, data, criterion, scaled
// residuals, random effects, number of observations and groups.
std::string summary_body_text(const FitResult& fit, const SummaryOptions& options);

// printCoefmat()'s cs.ind columns (estimates, standard errors, and whatever else is formatted
// with them), formatted together with `digits`.
std::vector<std::string> coefficient_cells(const std::vector<double>& values, int digits);

// "\nCorrelation of Fixed Effects:\n" and the table, or "" (one coefficient, or more than 12).
std::string fixef_correlation_text(const FitResult& fit, const SummaryOptions& options);

// The fit warnings, convergence messages and the count of deleted observations.
std::string summary_tail_text(const FitResult& fit);

}  // namespace lmm::internal
