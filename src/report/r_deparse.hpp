// R's deparse() of an expression, as lme4's summary writes the formula.
#pragma once

#include <string>
#include <vector>

#include "formula/expression.hpp"

namespace lmm::internal {

// deparse(e, width.cutoff = cutoff): the lines R writes for an expression. Operators other than
// ^ : / %% %/% are surrounded by spaces; after such an operator (and after a call's ", ") a line that
// has grown past `cutoff` characters is ended, and its continuation is indented by 4 spaces per
// level.
std::vector<std::string> r_deparse_lines(const Expression& e, int cutoff = 60);

}  // namespace lmm::internal
