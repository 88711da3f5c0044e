// Derivatives by Richardson extrapolation of central differences, as numDeriv's hessian()
// (genD()) and jacobian() take them with method "Richardson" (v = 2).
#pragma once

#include <Eigen/Dense>
#include <functional>

namespace lmm::internal {

struct RichardsonSteps {
  double relative_step = 1e-4;      // numDeriv's d: the first step is |x_i| * d ...
  double absolute_step = 1e-4;      // numDeriv's eps: ... or this where |x_i| < zero_tolerance
  double zero_tolerance = 1.78e-5;  // numDeriv's zero.tol
  int levels = 4;                   // numDeriv's r: steps h, h/2, ..., h/2^(r-1)
};

// The Hessian of f at x (genD(): diagonal from the second differences along each axis,
// off-diagonal from those along e_i + e_j less the diagonal terms), each entry extrapolated
// over the `levels` halvings of the step.
Eigen::MatrixXd richardson_hessian(const std::function<double(const Eigen::VectorXd&)>& f, const Eigen::VectorXd& x,
                                   const RichardsonSteps& steps);

// The Jacobian of a vector-valued f at x: column i is the extrapolated central difference of f
// along x_i.
Eigen::MatrixXd richardson_jacobian(const std::function<Eigen::VectorXd(const Eigen::VectorXd&)>& f,
                                    const Eigen::VectorXd& x, const RichardsonSteps& steps);

}  // namespace lmm::internal
