// lmm/linear_mixed_model.hpp: a linear mixed-effects model in lme4's formula language.
#pragma once

#include <Eigen/Dense>
#include <memory>
#include <string>
#include <vector>

#include "lmm/data_frame.hpp"
#include "lmm/fit_options.hpp"
#include "lmm/fit_result.hpp"
#include "lmm/model_options.hpp"

namespace lmm {

namespace internal {
struct ModelState;
class DeviancePool;
}

class LinearMixedModel {
 public:
  // Parses the formula, evaluates it on the data (dropping incomplete rows) and forms the
  // crossproducts. Throws lmm::Error naming the column or formula term at fault. Prior weights
  // and an offset column come in `options`.
  LinearMixedModel(const std::string& formula, const DataFrame& data, const ModelOptions& options = {});
  ~LinearMixedModel();
  LinearMixedModel(LinearMixedModel&&) noexcept;
  LinearMixedModel& operator=(LinearMixedModel&&) noexcept;

  // Optimizes the profiled REML criterion or deviance over theta with BOBYQA. Like every const
  // member, safe to call from several threads at once.
  FitResult fit(const FitOptions& options = {}) const;

  // The profiled objective at theta (REML criterion or deviance); +inf when not defined.
  double objective(const std::vector<double>& theta, bool reml) const;

  std::size_t theta_size() const;
  std::vector<double> theta_lower_bounds() const;
  const std::vector<std::string>& fixef_names() const;
  std::size_t nobs() const;

  // The same model with another response (same rows, design, grouping, prior weights and offset;
  // y as the data's response, offset included): what a parametric bootstrap refits. Throws
  // lmm::Error when y has the wrong length.
  LinearMixedModel with_response(const Eigen::VectorXd& y) const;

  // For lmm's own inference code; not a stable interface.
  const internal::ModelState& state() const;

 private:
  explicit LinearMixedModel(std::unique_ptr<internal::ModelState> state);
  std::unique_ptr<internal::ModelState> impl_;
  // Factor workspaces for fit() and objective(), one per concurrent call: the model itself is
  // read-only, so one const model may be used from several threads at once.
  std::unique_ptr<internal::DeviancePool> pool_;
};

// Convenience: LinearMixedModel(formula, data).fit(options).
FitResult fit_lmm(const std::string& formula, const DataFrame& data, const FitOptions& options = {});

}  // namespace lmm
