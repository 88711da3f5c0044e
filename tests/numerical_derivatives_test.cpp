// Richardson extrapolation of central differences (numDeriv's method), on functions whose
// derivatives are known.
#include <gtest/gtest.h>

#include <cmath>

#include "inference/numerical_derivatives.hpp"

namespace {

TEST(NumericalDerivatives, RichardsonIsAccurateOnAPolynomialAndExponential) {
  const auto f = [](const Eigen::VectorXd& v) { return std::exp(v[0]) * v[1] * v[1] + v[0] * v[1]; };
  Eigen::VectorXd x(2);
  x << 0.5, 2.0;
  lmm::internal::RichardsonSteps steps;
  steps.relative_step = 0.1;
  const Eigen::MatrixXd h = lmm::internal::richardson_hessian(f, x, steps);
  const double e = std::exp(0.5);
  EXPECT_NEAR(h(0, 0), e * 4.0, 1e-9);            // d2/dx0^2 = e^x0 x1^2
  EXPECT_NEAR(h(1, 1), 2.0 * e, 1e-9);            // d2/dx1^2 = 2 e^x0
  EXPECT_NEAR(h(0, 1), 2.0 * e * 2.0 + 1.0, 1e-9);  // d2/dx0dx1 = 2 e^x0 x1 + 1
  EXPECT_EQ(h(0, 1), h(1, 0));
  const auto g = [](const Eigen::VectorXd& v) {
    Eigen::VectorXd out(2);
    out << std::sin(v[0]) * v[1], v[1] * v[1];
    return out;
  };
  const Eigen::MatrixXd j = lmm::internal::richardson_jacobian(g, x, {});
  EXPECT_NEAR(j(0, 0), std::cos(0.5) * 2.0, 1e-10);
  EXPECT_NEAR(j(0, 1), std::sin(0.5), 1e-10);
  EXPECT_NEAR(j(1, 0), 0.0, 1e-12);
  EXPECT_NEAR(j(1, 1), 4.0, 1e-10);
}

}  // namespace
