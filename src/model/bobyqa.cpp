#include "model/bobyqa.hpp"

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

}  // namespace

OptimizerOutcome minimize_bobyqa(const Objective& f, std::vector<double> x0, const std::vector<double>& lower,
                                 const FitOptions& options, const std::vector<double>& upper,
                                 const std::vector<double>& initial_step) {
  const auto n = static_cast<unsigned>(x0.size());
  OptimizerOutcome out;
  Context context{&f, 0, {}};
  nlopt_opt opt = nlopt_create(NLOPT_LN_BOBYQA, n);
  nlopt_set_lower_bounds(opt, lower.data());
  if (!upper.empty()) nlopt_set_upper_bounds(opt, upper.data());
  nlopt_set_min_objective(opt, call, &context);
  nlopt_set_ftol_abs(opt, options.ftol_abs);
  nlopt_set_xtol_abs1(opt, options.xtol_abs);
  nlopt_set_xtol_rel(opt, options.xtol_rel);
  nlopt_set_maxeval(opt, options.max_evaluations);
  if (!initial_step.empty()) nlopt_set_initial_step(opt, initial_step.data());
  double value = 0.0;
  const nlopt_result status = nlopt_optimize(opt, x0.data(), &value);
  nlopt_destroy(opt);
  out.x = std::move(x0);
  out.value = value;
  out.evaluations = context.evaluations;
  out.status = static_cast<int>(status);
  out.message = status_name(status);
  out.converged = !(status < 0 || status == NLOPT_MAXEVAL_REACHED);
  return out;
}

}  // namespace lmm::internal
