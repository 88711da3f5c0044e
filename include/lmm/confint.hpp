// lmm/confint.hpp: confidence intervals for a fitted model, as lme4's confint(): profile
// likelihood (the default), Wald, or percentile intervals from a parametric bootstrap.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lmm/fit_result.hpp"
#include "lmm/linear_mixed_model.hpp"

namespace lmm {

enum class IntervalMethod { kProfile, kWald, kBootstrap };

struct ConfintOptions {
  IntervalMethod method = IntervalMethod::kProfile;
  // Which parameters, by lme4's names: ".sig01", ..., ".sigma", fixed-effect names, or the
  // groups "theta_" (all variance parameters) and "beta_" (all fixed effects). Empty: all.
  std::vector<std::string> parm;
  double level = 0.95;
  // Bootstrap: replicates, seed, threads (0: all cores), progress callback (done, total).
  int nsim = 500;
  std::uint64_t seed = 1;
  int threads = 0;
  std::function<void(int, int)> progress;
};

struct ConfidenceInterval {
  std::string name;
  double lower = 0.0;  // NaN where the method gives none (Wald for variance parameters)
  double upper = 0.0;
  std::string note;    // e.g. a profile that reaches a bound before the cutoff
};

struct ConfintResult {
  IntervalMethod method = IntervalMethod::kProfile;
  double level = 0.95;
  std::vector<ConfidenceInterval> intervals;
};

// Throws lmm::Error (kUsage) for an unknown parameter name or a level outside (0, 1).
ConfintResult confint(const LinearMixedModel& model, const FitResult& fit, const ConfintOptions& options = {});

// The checks confint() makes first, without computing anything: throws lmm::Error (kUsage) for an
// unknown parameter name, a level outside (0, 1) or negative threads. For a caller that reports
// progress before the intervals (the command line's "Computing ..." line) and must not for an
// invalid request.
void check_confint_options(const LinearMixedModel& model, const ConfintOptions& options);

// The parameter names confint() knows, in lme4's order: .sig01, ..., .sigma, fixed effects.
std::vector<std::string> confint_parameter_names(const LinearMixedModel& model);

// R's print of lme4's interval matrix ("2.5 %" and "97.5 %" columns, NA where none), then a
// line per note.
std::string confint_text(const ConfintResult& result);

// {"method", "level", "intervals": [{"name", "lower", "upper", "note"?}]}; null where none.
std::string confint_json(const ConfintResult& result, int indent = 2);

}  // namespace lmm
