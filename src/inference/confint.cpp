// confint(): profile, Wald and bootstrap percentile intervals, named and selected as lme4 does.
#include "lmm/confint.hpp"

#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>
#include <set>

#include "inference/likelihood_profile.hpp"
#include "util/parallel.hpp"
#include "inference/variance_parameters.hpp"
#include "lmm/bootstrap.hpp"
#include "lmm/error.hpp"
#include "model/model_state.hpp"
#include "util/excerpt.hpp"

namespace lmm {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// lme4's get.which(): "theta_" selects the variance parameters, "beta_" the fixed effects,
// other entries select by name; the result is in lme4's order.
std::vector<std::size_t> select(const std::vector<std::string>& parm, const std::vector<std::string>& names,
                                std::size_t nvarpar) {
  std::set<std::size_t> chosen;
  if (parm.empty())
    for (std::size_t k = 0; k < names.size(); ++k) chosen.insert(k);
  for (const std::string& p : parm) {
    if (p == "theta_") {
      for (std::size_t k = 0; k < nvarpar; ++k) chosen.insert(k);
    } else if (p == "beta_") {
      for (std::size_t k = nvarpar; k < names.size(); ++k) chosen.insert(k);
    } else {
      std::size_t k = 0;
      while (k < names.size() && names[k] != p) ++k;
      if (k == names.size()) {
        std::string known;
        for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
        throw Error(ErrorKind::kUsage, "no parameter named " + internal::quote(p) + " (parameters: " +
                                           internal::excerpt(known) + "; or theta_ or beta_)");
      }
      chosen.insert(k);
    }
  }
  return {chosen.begin(), chosen.end()};
}

double normal_quantile(double p) { return boost::math::quantile(boost::math::normal(), p); }

std::string boundary_note(const internal::LikelihoodProfile& profile, std::size_t k, bool upper_end) {
  const bool correlation = k < profile.nvarpar() && profile.upper(k) == 1.0;
  const std::string what = correlation ? (upper_end ? "correlation +1" : "correlation -1") : "0";
  return std::string(upper_end ? "upper" : "lower") + " limit is the bound " + what +
         ": the profile does not reach the cutoff inside the parameter space";
}

std::vector<ConfidenceInterval> profile_intervals(const LinearMixedModel& model, const FitResult& fit,
                                                  const std::vector<std::size_t>& which, double level,
                                                  int threads) {
  FitResult ml = fit;
  if (fit.reml) {
    FitOptions options;
    options.reml = false;
    options.start = fit.theta;  // as lme4's refitML()
    ml = model.fit(options);
  }
  const double z = normal_quantile((1.0 + level) / 2.0);
  const int tasks = static_cast<int>(2 * which.size());
  const int workers = internal::worker_count(threads, tasks);
  // One profile per worker: each owns a factorization.
  std::vector<std::unique_ptr<internal::LikelihoodProfile>> profiles;
  for (int w = 0; w < workers; ++w) profiles.push_back(std::make_unique<internal::LikelihoodProfile>(model.state(), ml));
  std::vector<internal::ProfileCrossing> ends(static_cast<std::size_t>(tasks));
  internal::parallel_for(tasks, workers, [&](int task, int worker) {
    const std::size_t k = which[static_cast<std::size_t>(task / 2)];
    ends[static_cast<std::size_t>(task)] = profiles[static_cast<std::size_t>(worker)]->crossing(k, task % 2 == 0 ? -z : z);
  });
  const internal::LikelihoodProfile& profile = *profiles.front();
  std::vector<ConfidenceInterval> out;
  for (std::size_t i = 0; i < which.size(); ++i) {
    const std::size_t k = which[i];
    const internal::ProfileCrossing& lo = ends[2 * i];
    const internal::ProfileCrossing& hi = ends[2 * i + 1];
    ConfidenceInterval ci{profile.names()[k], lo.value, hi.value, ""};
    std::vector<std::string> notes;
    if (lo.at_boundary) notes.push_back(boundary_note(profile, k, false));
    if (hi.at_boundary) notes.push_back(boundary_note(profile, k, true));
    if (lo.non_monotone || hi.non_monotone) notes.push_back("non-monotone profile: the limit is the first crossing");
    if (lo.failed || hi.failed) notes.push_back("profile failed: the deviance could not be minimized");
    for (const std::string& n : notes) ci.note += (ci.note.empty() ? "" : "; ") + n;
    out.push_back(std::move(ci));
  }
  return out;
}

std::vector<ConfidenceInterval> wald_intervals(const FitResult& fit, const std::vector<std::string>& names,
                                               const std::vector<std::size_t>& which, std::size_t nvarpar,
                                               double level) {
  const double z = normal_quantile((1.0 + level) / 2.0);
  std::vector<ConfidenceInterval> out;
  for (const std::size_t k : which) {
    if (k < nvarpar) {
      out.push_back({names[k], kNaN, kNaN, ""});
    } else {
      const auto j = static_cast<Eigen::Index>(k - nvarpar);
      out.push_back({names[k], fit.fixef[j] - z * fit.fixef_se[j], fit.fixef[j] + z * fit.fixef_se[j], ""});
    }
  }
  return out;
}

std::vector<ConfidenceInterval> bootstrap_intervals(const LinearMixedModel& model, const FitResult& fit,
                                                    const std::vector<std::size_t>& which,
                                                    const ConfintOptions& options) {
  BootstrapOptions b;
  b.nsim = options.nsim;
  b.seed = options.seed;
  b.threads = options.threads;
  b.progress = options.progress;
  const BootstrapResult boot = parametric_bootstrap(model, fit, b);
  std::vector<ConfidenceInterval> out;
  for (const std::size_t k : which) {
    const Eigen::VectorXd column = boot.replicates.col(static_cast<Eigen::Index>(k));
    const auto [lo, hi] = percentile_interval(std::vector<double>(column.data(), column.data() + column.size()), options.level);
    ConfidenceInterval ci{boot.names[k], lo, hi, ""};
    if (boot.failures > 0) ci.note = std::to_string(boot.failures) + " of " + std::to_string(options.nsim) + " refits failed";
    out.push_back(std::move(ci));
  }
  return out;
}

}  // namespace

std::vector<std::string> confint_parameter_names(const LinearMixedModel& model) {
  std::vector<std::string> names = internal::VarianceParameters(model.state().terms).names();
  names.insert(names.end(), model.fixef_names().begin(), model.fixef_names().end());
  return names;
}

void check_confint_options(const LinearMixedModel& model, const ConfintOptions& options) {
  if (!(options.level > 0.0 && options.level < 1.0))
    throw Error(ErrorKind::kUsage, "the level must be between 0 and 1 (got " + std::to_string(options.level) + ")");
  if (options.threads < 0) throw Error(ErrorKind::kUsage, "threads must be >= 0");
  const std::vector<std::string> names = confint_parameter_names(model);
  select(options.parm, names, names.size() - model.fixef_names().size());
}

ConfintResult confint(const LinearMixedModel& model, const FitResult& fit, const ConfintOptions& options) {
  check_confint_options(model, options);
  const std::vector<std::string> names = confint_parameter_names(model);
  const std::size_t nvarpar = names.size() - model.fixef_names().size();
  const std::vector<std::size_t> which = select(options.parm, names, nvarpar);
  ConfintResult result;
  result.method = options.method;
  result.level = options.level;
  switch (options.method) {
    case IntervalMethod::kProfile:
      result.intervals = profile_intervals(model, fit, which, options.level, options.threads);
      break;
    case IntervalMethod::kWald:
      result.intervals = wald_intervals(fit, names, which, nvarpar, options.level);
      break;
    case IntervalMethod::kBootstrap:
      result.intervals = bootstrap_intervals(model, fit, which, options);
      break;
  }
  return result;
}

}  // namespace lmm
