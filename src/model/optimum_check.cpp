#include "model/optimum_check.hpp"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <limits>

namespace lmm::internal {

double newton_decrease(const ThetaDerivatives& d) {
  const Eigen::LLT<Eigen::MatrixXd> llt(d.hessian);
  if (llt.info() != Eigen::Success || !d.gradient.allFinite()) return std::numeric_limits<double>::quiet_NaN();
  return 0.5 * d.gradient.dot(llt.solve(d.gradient));
}

bool optimum_in_doubt(const ThetaDerivatives* derivatives, const std::vector<double>& theta,
                      const std::vector<double>& lower, const FitOptions& options, double threshold) {
  if (derivatives == nullptr) return true;
  for (std::size_t i = 0; i < theta.size(); ++i)
    if (lower[i] == 0.0 && theta[i] < options.singular_tolerance) return false;
  if (!check_convergence(*derivatives, options.gradient_tolerance, options.hessian_tolerance).messages.empty())
    return true;
  const double decrease = newton_decrease(*derivatives);
  return !(decrease <= threshold);
}

OptimizerOutcome check_optimum(const Objective& f, OptimizerOutcome opt, const std::vector<double>& lower,
                               const FitOptions& options) {
  FitOptions bobyqa = options;
  bobyqa.optimizer = Optimizer::kBobyqa;
  for (int check = 0; check <= options.max_restarts; ++check) {
    std::vector<double> step(opt.x.size());
    for (std::size_t i = 0; i < step.size(); ++i) step[i] = std::max(0.1 * std::fabs(opt.x[i]), 1e-3);
    const OptimizerOutcome again = minimize_bobyqa(f, opt.x, lower, bobyqa, {}, step);
    opt.evaluations += again.evaluations;
    if (!(again.value < opt.value - bobyqa.ftol_abs_or_default())) break;
    opt.x = again.x;
    opt.value = again.value;
  }
  return opt;
}

}  // namespace lmm::internal
