#include "model/convergence_check.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "util/printf_double.hpp"

namespace lmm::internal {
namespace {

// R's "%g" (C's), as gettextf() formats numbers in lme4's messages.
std::string format_g(double v) { return printf_double("%g", v); }

// x with x_i moved by di (and x_j by dj when j < x.size()).
std::vector<double> moved(std::vector<double> x, std::size_t i, double di, std::size_t j = SIZE_MAX, double dj = 0.0) {
  x[i] += di;
  if (j < x.size()) x[j] += dj;
  return x;
}

bool any_nan(const Eigen::VectorXd& v) { return v.array().isNaN().any(); }

// check.conv.grad: the gradient scaled by the Hessian's Cholesky factor, and the message when
// min(|scaled|, |gradient|) exceeds the tolerance somewhere.
void check_gradient(const ThetaDerivatives& d, double tolerance, ConvergenceDiagnosis& out) {
  const Eigen::LLT<Eigen::MatrixXd> llt(d.hessian);
  Eigen::VectorXd scaled;
  if (llt.info() == Eigen::Success) scaled = llt.matrixU().solve(d.gradient);
  if (llt.info() != Eigen::Success || any_nan(scaled)) {
    out.messages.push_back("unable to evaluate scaled gradient");
    return;
  }
  out.max_scaled_gradient = scaled.cwiseAbs().cwiseMin(d.gradient.cwiseAbs()).maxCoeff();
  // lme4 1.1-31 reports which.max() of the maximum itself, a scalar: always component 1.
  if (out.max_scaled_gradient > tolerance)
    out.messages.push_back("Model failed to converge with max|grad| = " + format_g(out.max_scaled_gradient) +
                           " (tol = " + format_g(tolerance) + ", component 1)");
}

// check.conv.hess (lme4's checkHess() with an empty Hessian type): negative eigenvalues, then a
// numerically singular Hessian, then a very large eigenvalue or eigenvalue ratio.
void check_hessian(const Eigen::MatrixXd& h, double tolerance, ConvergenceDiagnosis& out) {
  if (!h.allFinite()) {
    out.messages.push_back("Problem with Hessian check (infinite or missing values?)");
    return;
  }
  const Eigen::VectorXd ev = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(h, Eigen::EigenvaluesOnly).eigenvalues();
  const auto negative = (ev.array() < -tolerance).count();
  if (negative > 0) {
    out.messages.push_back("Model failed to converge: degenerate  Hessian with " + std::to_string(negative) +
                           " negative eigenvalues");
    return;
  }
  const bool zero = (ev.array().abs() < tolerance).any();
  if (zero || Eigen::LLT<Eigen::MatrixXd>(h).info() != Eigen::Success) {
    out.messages.push_back(" Hessian is numerically singular: parameters are not uniquely determined");
    return;
  }
  const double largest = ev.maxCoeff(), smallest = ev.minCoeff();
  if (largest * tolerance > 1.0)
    out.messages.push_back("Model is nearly unidentifiable: very large eigenvalue\n - Rescale variables?");
  if (smallest / largest < tolerance)
    out.messages.push_back("Model is nearly unidentifiable: large eigenvalue ratio\n - Rescale variables?");
}

}  // namespace

ThetaDerivatives central_derivatives(const BatchObjective& f, const std::vector<double>& x, double delta) {
  const std::size_t n = x.size();
  // The points in the order deriv12() visits them: x; then for each j, x_j + delta, x_j - delta,
  // and the four corners with each i < j.
  std::vector<std::vector<double>> points{x};
  for (std::size_t j = 0; j < n; ++j) {
    points.push_back(moved(x, j, delta));
    points.push_back(moved(x, j, -delta));
    for (std::size_t i = 0; i < j; ++i) {
      points.push_back(moved(x, i, delta, j, delta));
      points.push_back(moved(x, i, delta, j, -delta));
      points.push_back(moved(x, i, -delta, j, delta));
      points.push_back(moved(x, i, -delta, j, -delta));
    }
  }
  const std::vector<double> values = f(points);
  ThetaDerivatives d{Eigen::VectorXd(static_cast<Eigen::Index>(n)),
                     Eigen::MatrixXd(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n))};
  const double fx = values[0];
  const double corner = (delta + delta) * (delta + delta);
  std::size_t next = 1;
  for (std::size_t j = 0; j < n; ++j) {
    const auto jj = static_cast<Eigen::Index>(j);
    const double up = values[next], down = values[next + 1];
    next += 2;
    d.hessian(jj, jj) = up / (delta * delta) - 2.0 * fx / (delta * delta) + down / (delta * delta);
    d.gradient[jj] = (up - down) / (delta + delta);
    for (std::size_t i = 0; i < j; ++i, next += 4) {
      const double value = values[next] / corner - values[next + 1] / corner - values[next + 2] / corner +
                           values[next + 3] / corner;
      d.hessian(static_cast<Eigen::Index>(i), jj) = d.hessian(jj, static_cast<Eigen::Index>(i)) = value;
    }
  }
  return d;
}

ConvergenceDiagnosis check_convergence(const ThetaDerivatives& derivatives, double gradient_tolerance,
                                       double hessian_tolerance) {
  ConvergenceDiagnosis out;
  if (any_nan(derivatives.gradient)) {
    out.messages.push_back("Gradient contains NAs");
    return out;
  }
  check_gradient(derivatives, gradient_tolerance, out);
  check_hessian(derivatives.hessian, hessian_tolerance, out);
  return out;
}

}  // namespace lmm::internal
