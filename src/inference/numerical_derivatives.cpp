#include "inference/numerical_derivatives.hpp"

#include <cmath>
#include <vector>

#include "lmm/error.hpp"

namespace lmm::internal {
namespace {

// The first step along each coordinate: |x_i| d, or eps for a coordinate near zero.
Eigen::VectorXd initial_steps(const Eigen::VectorXd& x, const RichardsonSteps& steps) {
  if (steps.levels < 1 || !(steps.relative_step > 0.0) || !(steps.absolute_step > 0.0))
    throw Error(ErrorKind::kUsage, "Richardson extrapolation needs at least one level and positive steps");
  Eigen::VectorXd h(x.size());
  for (Eigen::Index i = 0; i < x.size(); ++i)
    h[i] = std::fabs(steps.relative_step * x[i]) + (std::fabs(x[i]) < steps.zero_tolerance ? steps.absolute_step : 0.0);
  return h;
}

// Richardson's table for differences whose error is a series in h^2 (steps halved each time):
// a[k] <- (4^m a[k+1] - a[k]) / (4^m - 1), m = 1 .. r-1; the estimate ends in a[0].
template <typename T>
T extrapolate(std::vector<T> a) {
  const int r = static_cast<int>(a.size());
  for (int m = 1; m < r; ++m) {
    const double w = std::pow(4.0, m);
    for (int k = 0; k < r - m; ++k) a[static_cast<std::size_t>(k)] = (a[static_cast<std::size_t>(k) + 1] * w - a[static_cast<std::size_t>(k)]) / (w - 1.0);
  }
  return a[0];
}

Eigen::VectorXd moved(const Eigen::VectorXd& x, Eigen::Index i, double hi, Eigen::Index j = -1, double hj = 0.0) {
  Eigen::VectorXd y = x;
  y[i] += hi;
  if (j >= 0) y[j] += hj;
  return y;
}

}  // namespace

Eigen::MatrixXd richardson_hessian(const std::function<double(const Eigen::VectorXd&)>& f, const Eigen::VectorXd& x,
                                   const RichardsonSteps& steps) {
  const Eigen::Index n = x.size();
  const Eigen::VectorXd h0 = initial_steps(x, steps);
  const auto r = static_cast<std::size_t>(steps.levels);
  const double f0 = f(x);
  Eigen::MatrixXd hessian(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    std::vector<double> second(r);
    double h = h0[i];
    for (std::size_t k = 0; k < r; ++k, h /= 2.0) {
      const double up = f(moved(x, i, h)), down = f(moved(x, i, -h));
      second[k] = (up - 2.0 * f0 + down) / (h * h);
    }
    hessian(i, i) = extrapolate(std::move(second));
  }
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < i; ++j) {
      std::vector<double> cross(r);
      double hi = h0[i], hj = h0[j];
      for (std::size_t k = 0; k < r; ++k, hi /= 2.0, hj /= 2.0) {
        const double up = f(moved(x, i, hi, j, hj)), down = f(moved(x, i, -hi, j, -hj));
        cross[k] = (up - 2.0 * f0 + down - hessian(i, i) * hi * hi - hessian(j, j) * hj * hj) / (2.0 * hi * hj);
      }
      hessian(i, j) = hessian(j, i) = extrapolate(std::move(cross));
    }
  return hessian;
}

Eigen::MatrixXd richardson_jacobian(const std::function<Eigen::VectorXd(const Eigen::VectorXd&)>& f,
                                    const Eigen::VectorXd& x, const RichardsonSteps& steps) {
  const Eigen::Index n = x.size();
  const Eigen::VectorXd h0 = initial_steps(x, steps);
  const auto r = static_cast<std::size_t>(steps.levels);
  Eigen::MatrixXd jacobian;
  for (Eigen::Index i = 0; i < n; ++i) {
    std::vector<Eigen::VectorXd> first(r);
    double h = h0[i];
    for (std::size_t k = 0; k < r; ++k, h /= 2.0) first[k] = (f(moved(x, i, h)) - f(moved(x, i, -h))) / (2.0 * h);
    const Eigen::VectorXd column = extrapolate(std::move(first));
    if (i == 0) jacobian.resize(column.size(), n);
    jacobian.col(i) = column;
  }
  return jacobian;
}

}  // namespace lmm::internal
