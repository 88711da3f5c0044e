// The formula as lmer() records it in its call, which lme4 prints in summaries and anova tables.
#pragma once

#include <string>

#include "formula/expression.hpp"

namespace lmm::internal {

// lme4's expandDoubleVerts() applied to the parsed formula: (x || g) becomes
// ((1 | g) + (0 + x | g)), keeping the term's own parentheses.
Expression lme4_call_formula(const std::string& formula);

// deparse1() of that formula: one line (R's width.cutoff 500, lines joined by a space).
std::string lme4_call_formula_line(const std::string& formula);

}  // namespace lmm::internal
