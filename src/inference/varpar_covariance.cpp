#include "inference/varpar_covariance.hpp"

#include "lmm/error.hpp"
#include "util/printf_double.hpp"

namespace lmm::internal {
namespace {

// sprintf("%1.1e", x) for lmerTest's messages.
std::string short_scientific(double x) { return printf_double("%1.1e", x); }

}  // namespace

Eigen::MatrixXd varpar_covariance(const Eigen::MatrixXd& hessian, double tolerance, std::vector<std::string>& messages) {
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(hessian);
  if (eig.info() != Eigen::Success)
    throw Error(ErrorKind::kModel, "Satterthwaite: the Hessian of the deviance has no eigendecomposition");
  // R's eigen() lists the eigenvalues in decreasing order.
  const Eigen::VectorXd values = eig.eigenvalues().reverse();
  const Eigen::MatrixXd vectors = eig.eigenvectors().rowwise().reverse();
  std::string negative, zero;
  int n_negative = 0, n_zero = 0;
  for (Eigen::Index i = 0; i < values.size(); ++i) {
    if (values[i] < -tolerance) negative += (n_negative++ ? " " : "") + short_scientific(values[i]);
    if (values[i] > -tolerance && values[i] < tolerance) zero += (n_zero++ ? " " : "") + short_scientific(values[i]);
  }
  if (n_negative > 0)
    messages.push_back("Model failed to converge with " + std::to_string(n_negative) + " negative " +
                       (n_negative > 1 ? "eigenvalues: " : "eigenvalue: ") + negative);
  if (n_zero > 0)
    messages.push_back("Model may not have converged with " + std::to_string(n_zero) + " " +
                       (n_zero > 1 ? "eigenvalues" : "eigenvalue") + " close to zero: " + zero);
  Eigen::MatrixXd inverse = Eigen::MatrixXd::Zero(hessian.rows(), hessian.cols());
  for (Eigen::Index i = 0; i < values.size(); ++i)
    if (values[i] > tolerance) inverse += vectors.col(i) * vectors.col(i).transpose() / values[i];
  return 2.0 * inverse;
}

}  // namespace lmm::internal
