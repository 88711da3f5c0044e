// The fixed-effects model matrix X after lme4's rank check.
#pragma once

#include <string>
#include <vector>

#include "formula/model_matrix.hpp"

namespace lmm::internal {

// Drops the columns that are linearly dependent on earlier ones (tolerance 1e-7 relative to the
// column's norm, as R's qr() with LINPACK pivoting decides) and returns lme4's message, or "".
std::string drop_rank_deficient_columns(DesignMatrix& x, double tolerance = 1e-7);

// lme4's check.scaleX ("warning"): among the columns that are not all 0 or 1, a standard
// deviation beyond a factor `tolerance` from 1 or from another column's gives lme4's warning;
// returns it, or "".
std::string check_column_scales(const DesignMatrix& x, double tolerance = 1000.0);

}  // namespace lmm::internal
