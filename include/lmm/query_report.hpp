// lmm/query_report.hpp: random effects, coefficients and predictions as CSV or JSON.
//
// CSV: a header row, then one row per record; numbers with the fewest digits that read back to
// the same double; NA for a missing value; fields with a comma, quote or line break quoted as
// RFC 4180 does. JSON: null for a missing value.
#pragma once

#include <Eigen/Dense>
#include <string>
#include <vector>

#include "lmm/random_effects.hpp"

namespace lmm {

// grpvar,term,grp,condval,condsd / [{"grpvar", "term", "grp", "condval", "condsd"}, ...]
std::string ranef_csv(const std::vector<RandomEffectRow>& rows);
std::string ranef_json(const std::vector<RandomEffectRow>& rows, int indent = 2);

// grpvar,grp,<coefficient names...> / {"<group>": {"levels": [...], "<name>": [...], ...}}
std::string coef_csv(const std::vector<GroupCoefficients>& groups);
std::string coef_json(const std::vector<GroupCoefficients>& groups, int indent = 2);

// fit / {"fit": [...]}
std::string prediction_csv(const Eigen::VectorXd& fit);
std::string prediction_json(const Eigen::VectorXd& fit, int indent = 2);

// row,fitted,residual with the 1-based data row of each observation / {"row", "fitted", "residual"}
std::string fitted_csv(const std::vector<std::size_t>& rows, const Eigen::VectorXd& fitted,
                       const Eigen::VectorXd& residuals);
std::string fitted_json(const std::vector<std::size_t>& rows, const Eigen::VectorXd& fitted,
                        const Eigen::VectorXd& residuals, int indent = 2);

}  // namespace lmm
