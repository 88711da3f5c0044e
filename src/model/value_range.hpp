// Data a fit cannot use, refused before fitting with a line that names it: a value whose square
// overflows a double (lme4 stops there with "objective in x0 returns NA"), and a response that
// the fixed effects fit exactly, a constant one among them (lme4 then reports a residual
// standard deviation of 1e-15 with convergence warnings, an answer that means nothing).
#pragma once

#include "lmm/fit_result.hpp"
#include "model/model_state.hpp"

namespace lmm::internal {

// The largest magnitude whose square is a finite double: sqrt(DBL_MAX), about 1.34e154.
double largest_usable_magnitude();

// The smallest magnitude whose square is a normal double: sqrt(DBL_MIN), about 1.49e-154.
double smallest_usable_magnitude();

// Throws lmm::Error (kInput) naming the variable, the value and its data row when the response,
// a fixed-effects column or a random-effects column holds a magnitude above
// largest_usable_magnitude(), or when none of its values reaches smallest_usable_magnitude()
// and they are not all 0 (a column of zeros is lme4's rank-deficient column).
void check_value_range(const ModelDesign& m, const Eigen::VectorXd& y);

// Throws lmm::Error (kModel) when the response is constant, or when the fixed effects fit it
// exactly (every residual within rounding of the response's magnitude).
void check_response_varies(const ModelState& m);

// Throws lmm::Error (kModel) naming the first estimate that is not finite (the objective, sigma,
// theta, a fixed effect or its standard error): a last guard, so that no fit reports NaN.
void check_estimates_finite(const FitResult& fit);

}  // namespace lmm::internal
