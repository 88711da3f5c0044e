// The asymptotic covariance of the variance parameters from the Hessian of the deviance, as
// lmerTest's as_lmerModLT() forms it.
#pragma once

#include <Eigen/Dense>
#include <string>
#include <vector>

namespace lmm::internal {

// 2 x the pseudo-inverse of the symmetric `hessian` over its eigenvalues above `tolerance`.
// Appends lmerTest's warnings to `messages`: "Model failed to converge with k negative
// eigenvalue(s): ..." for eigenvalues below -tolerance and "Model may not have converged with k
// eigenvalue(s) close to zero: ..." for those within it (values as sprintf("%1.1e"), largest
// first).
Eigen::MatrixXd varpar_covariance(const Eigen::MatrixXd& hessian, double tolerance, std::vector<std::string>& messages);

}  // namespace lmm::internal
