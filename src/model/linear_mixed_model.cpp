#include "lmm/linear_mixed_model.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "formula/model_frame.hpp"
#include "formula/model_matrix.hpp"
#include "formula/term_expansion.hpp"
#include "lmm/error.hpp"
#include "model/theta_optimizer.hpp"
#include "model/convergence_check.hpp"
#include "model/fixed_effects_matrix.hpp"
#include "model/memory_estimate.hpp"
#include "model/profiled_deviance.hpp"
#include "model/start_values.hpp"
#include "model/random_effects_term.hpp"
#include "model/value_range.hpp"
#include "model/fit_assembly.hpp"
#include "model/optimum_check.hpp"
#include "model/model_state.hpp"
#include "util/parallel.hpp"

namespace lmm {

using internal::ProfiledDeviance;

namespace {

// lme4's starting theta for this response: 1 on diagonals and 0 elsewhere, or its data-driven
// start for models of scalar intercepts.
std::vector<double> theta_start(const std::vector<internal::RandomEffectsTerm>& terms, const Eigen::VectorXd& y) {
  std::vector<double> lower, start;
  for (const internal::RandomEffectsTerm& t : terms) t.append_bounds(lower, start);
  if (auto data_start = internal::intercept_variance_start(terms, y)) start = std::move(*data_start);
  return start;
}

}  // namespace

namespace {

Eigen::VectorXd as_vector(const std::vector<double>& v) {
  return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

// The response as the crossproducts hold it: the data's response minus the offset.
Eigen::VectorXd without_offset(Eigen::VectorXd y, const internal::ModelDesign& d) {
  if (d.offset.size() > 0) y -= d.offset;
  return y;
}

}  // namespace

LinearMixedModel::LinearMixedModel(const std::string& formula, const DataFrame& data, const ModelOptions& options) {
  auto d = std::make_shared<internal::ModelDesign>();
  d->formula = formula;
  d->spec = internal::analyze_formula(formula);
  d->columns = {options.weights, options.offset};
  d->frame = internal::build_model_frame(d->spec, data, d->columns);
  d->weights = as_vector(d->frame.weights);
  d->offset = as_vector(d->frame.offset);
  for (double w : d->frame.weights) d->log_weights += std::log(w);
  internal::check_design_memory(d->spec, d->frame, internal::physical_memory());
  d->x = internal::model_matrix(d->spec.fixed, d->frame.fixed, d->frame.nobs);
  d->terms = internal::build_random_terms(d->spec, d->frame);
  internal::check_factor_memory(d->terms, d->frame.nobs, static_cast<std::uint64_t>(d->x.matrix.cols()),
                                internal::physical_memory());
  const Eigen::VectorXd response = as_vector(d->frame.response);
  Eigen::VectorXd y = without_offset(response, *d);
  internal::check_value_range(*d, y);  // before the rank check, which would drop such a column
  d->rank_message = internal::drop_rank_deficient_columns(d->x);
  d->scale_message = internal::check_column_scales(d->x);
  std::vector<double> unused_start;
  for (const internal::RandomEffectsTerm& t : d->terms) t.append_bounds(d->lower, unused_start);
  d->structure = std::make_shared<const internal::FactorStructure>(d->terms, static_cast<int>(d->x.matrix.cols()));
  auto crossproducts = std::make_shared<const internal::Crossproducts>(
      internal::form_crossproducts(*d->structure, d->terms, d->x.matrix, y, d->weights));
  std::vector<double> start = theta_start(d->terms, response);  // lme4: from the response as given
  impl_ = std::make_unique<internal::ModelState>(std::move(d), std::move(y), std::move(crossproducts), std::move(start));
  pool_ = std::make_unique<internal::DeviancePool>(*impl_);
}

LinearMixedModel::LinearMixedModel(std::unique_ptr<internal::ModelState> state)
    : impl_(std::move(state)), pool_(std::make_unique<internal::DeviancePool>(*impl_)) {}

// A new response shares the design (Z, X, the factor's structure) and forms only y's
// crossproducts: a bootstrap replicate copies no n x q matrix and plans nothing.
LinearMixedModel LinearMixedModel::with_response(const Eigen::VectorXd& y) const {
  if (y.size() != impl_->y.size())
    throw Error(ErrorKind::kUsage, "the new response has " + std::to_string(y.size()) + " values, the model has " +
                                       std::to_string(impl_->y.size()) + " observations");
  const internal::ModelState& m = *impl_;
  Eigen::VectorXd y_model = without_offset(y, *m.design);
  auto crossproducts = std::make_shared<const internal::Crossproducts>(
      internal::with_response(*m.crossproducts, *m.design->structure, m.terms, m.x.matrix, y_model, m.design->weights));
  return LinearMixedModel(
      std::make_unique<internal::ModelState>(m.design, std::move(y_model), std::move(crossproducts), theta_start(m.terms, y)));
}

const internal::ModelState& LinearMixedModel::state() const { return *impl_; }

LinearMixedModel::~LinearMixedModel() = default;
LinearMixedModel::LinearMixedModel(LinearMixedModel&&) noexcept = default;
LinearMixedModel& LinearMixedModel::operator=(LinearMixedModel&&) noexcept = default;

double LinearMixedModel::objective(const std::vector<double>& theta, bool reml) const {
  if (theta.size() != theta_size())
    throw Error(ErrorKind::kUsage, "theta has " + std::to_string(theta.size()) + " values, the model needs " +
                                       std::to_string(theta_size()));
  return (*pool_->take())(theta, reml);
}

std::size_t LinearMixedModel::theta_size() const { return impl_->start.size(); }
std::vector<double> LinearMixedModel::theta_lower_bounds() const { return impl_->design->lower; }
const std::vector<std::string>& LinearMixedModel::fixef_names() const { return impl_->x.names; }
std::size_t LinearMixedModel::nobs() const { return impl_->frame.nobs; }

namespace {

// A Newton step predicted to lower the objective by more than this puts the optimum in doubt.
constexpr double kNewtonDecreaseInDoubt = 1e-4;

// lme4's optimizeLmer after the first optimization: restart when a parameter on its bound
// would decrease the objective by moving inward (restart_edge), then snap parameters within
// boundary_tolerance of a bound onto it when that does not worsen the fit beyond ftol_abs
// (check.boundary).
internal::OptimizerOutcome polish_boundary(const internal::Objective& f, internal::OptimizerOutcome opt,
                                           const std::vector<double>& lower, const FitOptions& options) {
  if (options.restart_edge) {
    double d0 = 0.0;
    bool restart = false, have_d0 = false;
    for (std::size_t i = 0; i < lower.size(); ++i) {
      if (opt.x[i] != lower[i]) continue;
      if (!have_d0) d0 = f(opt.x), have_d0 = true;
      std::vector<double> moved = opt.x;
      moved[i] = lower[i] + 1e-5;
      restart = restart || (f(moved) - d0) / 1e-5 < 0.0;
    }
    if (restart) {
      const int used = opt.evaluations;
      opt = internal::minimize(f, opt.x, lower, options);
      opt.evaluations += used;
    }
  }
  if (options.boundary_tolerance > 0.0) {
    bool changed = false;
    std::vector<double> snapped = opt.x;
    for (std::size_t i = 0; i < lower.size(); ++i) {
      const double gap = opt.x[i] - lower[i];
      if (!(gap > 0.0 && gap < options.boundary_tolerance)) continue;
      std::vector<double> trial = snapped;
      trial[i] = lower[i];
      // lme4 snaps on a strict improvement; a difference within BOBYQA's own ftol_abs is
      // rounding noise on a flat boundary, where exactly the bound is the honest report.
      if (f(trial) <= opt.value + options.ftol_abs_or_default()) {
        snapped[i] = lower[i];
        changed = true;
      }
    }
    if (changed) {
      opt.x = snapped;
      opt.value = f(snapped);
    }
  }
  return opt;
}

// True when a parameter bounded at 0 (a diagonal element of a relative covariance factor)
// ended within ten times the singularity tolerance: there isSingular() hinges on where the
// optimizer happened to stop.
bool near_singular(const std::vector<double>& theta, const std::vector<double>& lower, const FitOptions& options) {
  for (std::size_t i = 0; i < theta.size(); ++i)
    if (lower[i] == 0.0 && theta[i] > 0.0 && theta[i] < 10.0 * options.singular_tolerance) return true;
  return false;
}

// A derivative-free optimizer's stop is a claim, not a proof: restart BOBYQA from its optimum,
// with a fresh trust region, while that still lowers the objective by more than ftol_abs.
// Where the objective is flat towards a bound, the first stop depends on rounding noise
// (lme4's own path diverges from ours after a dozen evaluations on 1e-12 differences); the
// restarts make the reported optimum, and with it the singular flag, independent of that noise.
internal::OptimizerOutcome confirm_optimum(const internal::Objective& f, internal::OptimizerOutcome opt,
                                           const std::vector<double>& lower, const FitOptions& options) {
  for (int restart = 0; restart < options.max_restarts; ++restart) {
    internal::OptimizerOutcome again = internal::minimize(f, opt.x, lower, options);
    again.evaluations += opt.evaluations;
    const bool improved = again.value < opt.value - options.ftol_abs_or_default();
    if (again.value <= opt.value) opt = std::move(again);
    else opt.evaluations = again.evaluations;
    if (!improved) break;
  }
  return opt;
}

// lme4's derivatives at the optimum (optwrap's deriv12), f evaluated afresh there; their
// 2k^2 + 1 points are independent, so they are spread over the threads.
std::optional<internal::ThetaDerivatives> derivatives_at(ProfiledDeviance& deviance, const std::vector<double>& x,
                                                        const FitOptions& options) {
  if (!options.calc_derivatives) return std::nullopt;
  const internal::BatchObjective at_points = [&](const std::vector<std::vector<double>>& points) {
    return deviance.at_points(points, options.reml, internal::linalg_threads());
  };
  return internal::central_derivatives(at_points, x);
}

}  // namespace

FitResult LinearMixedModel::fit(const FitOptions& requested) const {
  std::string invalid;
  if (!requested.IsValid(&invalid)) throw Error(ErrorKind::kUsage, "invalid fit options: " + invalid);
  const internal::ModelState& m = *impl_;
  const internal::DeviancePool::Lease deviance = pool_->take();
  // Without fixed effects the REML criterion is the deviance, and lme4 reports such a fit as
  // one by maximum likelihood (its summary, logLik and AIC): so does lmm.
  FitOptions options = requested;
  options.reml = requested.reml && m.x.matrix.cols() > 0;
  if (options.reml && m.x.matrix.cols() >= m.y.size())
    throw Error(ErrorKind::kModel, "the REML criterion is not defined: " + std::to_string(m.x.matrix.cols()) +
                                       " fixed-effects coefficients for " + std::to_string(m.y.size()) +
                                       " observations leave no residual degrees of freedom");
  internal::check_response_varies(m);
  const internal::Objective f = [&](const std::vector<double>& theta) { return (*deviance)(theta, options.reml); };
  const auto& lower = deviance->lower_bounds();
  std::vector<double> start = deviance->start();
  if (!options.start.empty()) {
    if (options.start.size() != start.size())
      throw Error(ErrorKind::kUsage, "the start has " + std::to_string(options.start.size()) +
                                         " values, theta has " + std::to_string(start.size()));
    for (std::size_t i = 0; i < start.size(); ++i)
      if (!(options.start[i] >= lower[i]) || !std::isfinite(options.start[i]))
        throw Error(ErrorKind::kUsage, "start value " + std::to_string(i + 1) + " is outside theta's bounds");
    start = options.start;
  }
  internal::OptimizerOutcome opt = internal::minimize(f, start, lower, options);
  opt = polish_boundary(f, std::move(opt), lower, options);
  if (options.max_restarts > 0 && near_singular(opt.x, lower, options))
    opt = polish_boundary(f, confirm_optimum(f, std::move(opt), lower, options), lower, options);
  std::optional<internal::ThetaDerivatives> derivatives = derivatives_at(*deviance, opt.x, options);
  // The soundness check, where the derivatives (or their absence) leave the optimum in doubt.
  if (options.check_optimum && opt.converged &&
      internal::optimum_in_doubt(derivatives ? &*derivatives : nullptr, opt.x, lower, options, kNewtonDecreaseInDoubt)) {
    const double before = opt.value;
    opt = internal::check_optimum(f, std::move(opt), lower, options);
    if (opt.value < before) {
      opt = polish_boundary(f, std::move(opt), lower, options);
      derivatives = derivatives_at(*deviance, opt.x, options);
    }
  }

  FitResult result = internal::assemble_fit(m, *deviance, opt, derivatives ? &*derivatives : nullptr, options);
  internal::check_estimates_finite(result);
  return result;
}

FitResult fit_lmm(const std::string& formula, const DataFrame& data, const FitOptions& options) {
  return LinearMixedModel(formula, data).fit(options);
}

}  // namespace lmm
