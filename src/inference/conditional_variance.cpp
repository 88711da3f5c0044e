// lme4's ranef(m, condVar = TRUE): conditional modes with their conditional variances,
// sigma^2 Lambda_i [(Lambda'Z'Z Lambda + I)^{-1}]_ii Lambda_i' for each level i of each term
// (merPredD::condVar; Bates et al. 2015, section 3.7), from the diagonal blocks of the inverse
// that the blocked Cholesky factor gives without forming the whole inverse.

#include <cmath>
#include <map>

#include "inference/modes_by_term.hpp"
#include "lmm/error.hpp"
#include "lmm/random_effects.hpp"
#include "model/model_state.hpp"
#include "model/profiled_deviance.hpp"

namespace lmm {

std::vector<ConditionalCovariance> conditional_covariances(const LinearMixedModel& model, const FitResult& fit) {
  const internal::ModelState& m = model.state();
  internal::check_fit_of_model(m, fit);
  internal::ProfiledDeviance deviance(m);  // this call's factor
  if (!deviance.factor(fit.theta))
    throw Error(ErrorKind::kModel, "the penalized crossproduct cannot be factored at the fit's theta");
  const std::vector<Eigen::MatrixXd> inverse = deviance.cholesky().random_effects_inverse_blocks();
  const std::vector<Eigen::MatrixXd> factors = deviance.relative_factors(fit.theta);
  const double sigma2 = fit.sigma * fit.sigma;
  std::vector<ConditionalCovariance> out;
  for (std::size_t k = 0; k < m.terms.size(); ++k) {
    const internal::RandomEffectsTerm& t = m.terms[k];
    ConditionalCovariance c{t.group, t.names, t.levels, {}};
    c.covariance.reserve(t.levels.size());
    for (int l = 0; l < t.nlevels(); ++l) {
      const auto block = inverse[k].middleCols(static_cast<Eigen::Index>(l) * t.q(), t.q());
      c.covariance.push_back(sigma2 * factors[k] * block * factors[k].transpose());
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<RandomEffectRow> ranef_table(const LinearMixedModel& model, const FitResult& fit) {
  const std::vector<ConditionalCovariance> covariances = conditional_covariances(model, fit);
  const auto& terms = model.state().terms;
  // The columns of each grouping factor in fit.ranef: its terms' columns side by side.
  std::map<std::string, std::vector<std::pair<std::size_t, int>>> columns;
  for (std::size_t k = 0; k < terms.size(); ++k)
    for (int j = 0; j < terms[k].q(); ++j) columns[terms[k].group].emplace_back(k, j);
  std::vector<RandomEffectRow> rows;
  for (const ConditionalModes& modes : fit.ranef) {
    const auto& cols = columns.at(modes.group);
    for (std::size_t c = 0; c < cols.size(); ++c) {
      const auto [k, j] = cols[c];
      for (std::size_t l = 0; l < modes.levels.size(); ++l) {
        const auto level = static_cast<Eigen::Index>(l);
        rows.push_back({modes.group, modes.names[c], modes.levels[l], modes.values(level, static_cast<Eigen::Index>(c)),
                        std::sqrt(covariances[k].covariance[l](j, j))});
      }
    }
  }
  return rows;
}

}  // namespace lmm
