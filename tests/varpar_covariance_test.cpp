// The covariance of the variance parameters from their Hessian, as lmerTest inverts it, with
// lmerTest's warnings.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "inference/varpar_covariance.hpp"

namespace {

TEST(VarparCovariance, PseudoInverseAndLmerTestsWarnings) {
  // h = diag(4, 1e-10, -2): only the first eigenvalue is inverted; lmerTest warns about the other two.
  Eigen::MatrixXd h = Eigen::Vector3d(4.0, 1e-10, -2.0).asDiagonal();
  std::vector<std::string> messages;
  const Eigen::MatrixXd v = lmm::internal::varpar_covariance(h, 1e-8, messages);
  Eigen::MatrixXd want = Eigen::MatrixXd::Zero(3, 3);
  want(0, 0) = 0.5;  // 2 / 4
  EXPECT_TRUE(v.isApprox(want, 1e-15));
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0], "Model failed to converge with 1 negative eigenvalue: -2.0e+00");
  EXPECT_EQ(messages[1], "Model may not have converged with 1 eigenvalue close to zero: 1.0e-10");
}

}  // namespace
