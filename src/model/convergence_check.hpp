// lme4's convergence diagnostics after a fit: derivatives of the profiled objective in theta by
// deriv12()'s central differences, and checkConv()'s tests of them (the scaled gradient, then
// the Hessian's eigenvalues).
#pragma once

#include <Eigen/Dense>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "model/theta_optimizer.hpp"

namespace lmm::internal {

struct ThetaDerivatives {
  Eigen::VectorXd gradient;
  Eigen::MatrixXd hessian;
};

// f's values at a list of points, in the list's order. The points are independent, so the
// evaluator may spread them over threads.
using BatchObjective = std::function<std::vector<double>(const std::vector<std::vector<double>>&)>;

// deriv12() as lme4's optwrap() calls it (no bounds): each coordinate moved by +-delta, the
// gradient (f+ - f-) / 2delta, the diagonal f+/d^2 - 2 fx/d^2 + f-/d^2 and each off-diagonal
// entry from the four corners (f++ - f+- - f-+ + f--) / (2delta)^2. fx is f(x), evaluated
// afresh as in optwrap(): 2k^2 + 1 points for k parameters, given to f as one batch.
ThetaDerivatives central_derivatives(const BatchObjective& f, const std::vector<double>& x, double delta = 1e-4);

struct ConvergenceDiagnosis {
  // min(|R^-1 g|, |g|) at its largest, R the Cholesky factor of the Hessian; NaN when the
  // Hessian has none.
  double max_scaled_gradient = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::string> messages;  // checkConv()'s, in its order; empty when all checks pass
};

// checkConv() for a fit that is not singular (a singular fit skips these checks in lme4):
// "Gradient contains NAs"; the scaled gradient against gradient_tolerance (check.conv.grad);
// the Hessian's eigenvalues against hessian_tolerance (check.conv.hess).
ConvergenceDiagnosis check_convergence(const ThetaDerivatives& derivatives, double gradient_tolerance,
                                       double hessian_tolerance);

}  // namespace lmm::internal
