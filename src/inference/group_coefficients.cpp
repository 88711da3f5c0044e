// lme4's coef(m): per grouping factor, each level's fixed effects plus its conditional modes.

#include <algorithm>

#include "lmm/random_effects.hpp"

namespace lmm {

std::vector<GroupCoefficients> coef(const FitResult& fit) {
  // Random-effects columns without a fixed effect of the same name come first, with a fixed
  // part of 0 (coef.merMod's fillvars), in order of first appearance.
  std::vector<std::string> names;
  for (const ConditionalModes& modes : fit.ranef)
    for (const std::string& name : modes.names)
      if (std::find(fit.fixef_names.begin(), fit.fixef_names.end(), name) == fit.fixef_names.end() &&
          std::find(names.begin(), names.end(), name) == names.end())
        names.push_back(name);
  names.insert(names.end(), fit.fixef_names.begin(), fit.fixef_names.end());
  Eigen::RowVectorXd fixed = Eigen::RowVectorXd::Zero(static_cast<Eigen::Index>(names.size()));
  fixed.tail(fit.fixef.size()) = fit.fixef.transpose();

  std::vector<GroupCoefficients> out;
  for (const ConditionalModes& modes : fit.ranef) {
    GroupCoefficients g{modes.group, names, modes.levels, fixed.replicate(modes.values.rows(), 1)};
    // Each random-effects column is added to the coefficient of its name. (With the same name
    // twice in one group, e.g. (1 | g) + (1 | g), both are added; lme4 adds the first twice.)
    for (std::size_t c = 0; c < modes.names.size(); ++c) {
      const auto at = static_cast<Eigen::Index>(std::find(names.begin(), names.end(), modes.names[c]) - names.begin());
      g.values.col(at) += modes.values.col(static_cast<Eigen::Index>(c));
    }
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace lmm
