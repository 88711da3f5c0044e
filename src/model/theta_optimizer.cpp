#include "model/theta_optimizer.hpp"

#include <nlopt.h>

#include <cmath>
#include <limits>

namespace lmm::internal {
namespace {

struct Context {
  const Objective* f;
  int evaluations = 0;
  std::vector<double> theta;  // reused: no allocation per evaluation
};

double call(unsigned n, const double* x, double* /*gradient*/, void* data) {
  auto* context = static_cast<Context*>(data);
  ++context->evaluations;
  context->theta.assign(x, x + n);
  const double value = (*context->f)(context->theta);
  return std::isfinite(value) ? value : std::numeric_limits<double>::max();
}

const char* status_name(nlopt_result r) {
  switch (r) {
    case NLOPT_SUCCESS: return "NLOPT_SUCCESS";
    case NLOPT_STOPVAL_REACHED: return "NLOPT_STOPVAL_REACHED";
    case NLOPT_FTOL_REACHED: return "NLOPT_FTOL_REACHED";
    case NLOPT_XTOL_REACHED: return "NLOPT_XTOL_REACHED";
    case NLOPT_MAXEVAL_REACHED: return "NLOPT_MAXEVAL_REACHED";
    case NLOPT_MAXTIME_REACHED: return "NLOPT_MAXTIME_REACHED";
    case NLOPT_FAILURE: return "NLOPT_FAILURE";
    case NLOPT_INVALID_ARGS: return "NLOPT_INVALID_ARGS";
    case NLOPT_OUT_OF_MEMORY: return "NLOPT_OUT_OF_MEMORY";
    case NLOPT_ROUNDOFF_LIMITED: return "NLOPT_ROUNDOFF_LIMITED";
    case NLOPT_FORCED_STOP: return "NLOPT_FORCED_STOP";
    default: return "NLOPT_UNKNOWN";
  }
}

// Runs a configured NLopt optimizer from x0 and destroys it.
OptimizerOutcome run(nlopt_opt opt, const Objective& f, std::vector<double> x0) {
  Context context{&f, 0, {}};
  nlopt_set_min_objective(opt, call, &context);
  double value = 0.0;
  const nlopt_result status = nlopt_optimize(opt, x0.data(), &value);
  nlopt_destroy(opt);
  OptimizerOutcome out;
  out.x = std::move(x0);
  out.value = value;
  out.evaluations = context.evaluations;
  out.status = static_cast<int>(status);
  out.message = status_name(status);
  out.converged = !(status < 0 || status == NLOPT_MAXEVAL_REACHED);
  return out;
}

void set_stopping_rules(nlopt_opt opt, const FitOptions& options) {
  nlopt_set_ftol_abs(opt, options.ftol_abs_or_default());
  nlopt_set_xtol_abs1(opt, options.xtol_abs_or_default());
  nlopt_set_xtol_rel(opt, options.xtol_rel_or_default());
  nlopt_set_maxeval(opt, options.max_evaluations_or_default());
}

}  // namespace

OptimizerOutcome minimize_bobyqa(const Objective& f, std::vector<double> x0, const std::vector<double>& lower,
                                 const FitOptions& options, const std::vector<double>& upper,
                                 const std::vector<double>& initial_step) {
  nlopt_opt opt = nlopt_create(NLOPT_LN_BOBYQA, static_cast<unsigned>(x0.size()));
  nlopt_set_lower_bounds(opt, lower.data());
  if (!upper.empty()) nlopt_set_upper_bounds(opt, upper.data());
  set_stopping_rules(opt, options);
  if (!initial_step.empty()) nlopt_set_initial_step(opt, initial_step.data());
  return run(opt, f, std::move(x0));
}

OptimizerOutcome minimize_nelder_mead(const Objective& f, std::vector<double> x0, const std::vector<double>& lower,
                                      const FitOptions& options) {
  nlopt_opt opt = nlopt_create(NLOPT_LN_NELDERMEAD, static_cast<unsigned>(x0.size()));
  nlopt_set_lower_bounds(opt, lower.data());
  set_stopping_rules(opt, options);
  nlopt_set_ftol_rel(opt, 1e-15);
  nlopt_set_initial_step1(opt, 0.02);
  OptimizerOutcome out = run(opt, f, std::move(x0));
  out.optimizer = "Nelder_Mead";
  if (out.status == NLOPT_MAXEVAL_REACHED) {
    out.status = 4;
    out.message = "failure to converge in " + std::to_string(options.max_evaluations_or_default()) + " evaluations";
  } else if (out.status == NLOPT_FTOL_REACHED) {
    out.message = "objective function values converged to within tolerance";
  } else if (out.status == NLOPT_XTOL_REACHED) {
    out.message = "parameter values converged to within tolerance";
  }
  return out;
}

OptimizerOutcome minimize(const Objective& f, std::vector<double> x0, const std::vector<double>& lower,
                          const FitOptions& options) {
  if (options.optimizer == Optimizer::kNelderMead) return minimize_nelder_mead(f, std::move(x0), lower, options);
  return minimize_bobyqa(f, std::move(x0), lower, options);
}

}  // namespace lmm::internal
