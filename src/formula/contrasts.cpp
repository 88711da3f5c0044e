#include "formula/contrasts.hpp"

#include <cmath>

#include "lmm/error.hpp"

namespace lmm::internal {
namespace {

constexpr std::size_t kMaxPolyLevels = 95;  // contr.poly: "cannot be represented accurately enough"

// make.poly(n, 1:n)[, -1]: the centred scores' powers 0..n-1, made orthonormal by a QR
// decomposition (each column of Q signed as its diagonal element of R, as qr.qy(QR, diag(R))
// then scaling does), without the constant column.
Eigen::MatrixXd polynomial_contrasts(std::size_t n) {
  const auto k = static_cast<Eigen::Index>(n);
  const double mean = (static_cast<double>(n) + 1.0) / 2.0;
  Eigen::MatrixXd powers(k, k);
  for (Eigen::Index i = 0; i < k; ++i)
    for (Eigen::Index j = 0; j < k; ++j) powers(i, j) = std::pow(static_cast<double>(i + 1) - mean, static_cast<double>(j));
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(powers);
  const Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(k, k);
  const Eigen::MatrixXd& r = qr.matrixQR();
  Eigen::MatrixXd z(k, k - 1);
  for (Eigen::Index j = 1; j < k; ++j) z.col(j - 1) = r(j, j) < 0.0 ? Eigen::VectorXd(-q.col(j)) : Eigen::VectorXd(q.col(j));
  return z;
}

}  // namespace

Contrasts effective_contrasts(Contrasts contrasts, bool ordered) {
  if (contrasts != Contrasts::kDefault) return contrasts;
  return ordered ? Contrasts::kPoly : Contrasts::kTreatment;
}

Eigen::MatrixXd contrast_matrix(Contrasts contrasts, std::size_t levels) {
  const auto k = static_cast<Eigen::Index>(levels);
  if (k < 2) return Eigen::MatrixXd::Zero(k, 0);
  Eigen::MatrixXd m = Eigen::MatrixXd::Zero(k, k - 1);
  switch (effective_contrasts(contrasts, false)) {
    case Contrasts::kDefault:
    case Contrasts::kTreatment:
      m.bottomRows(k - 1).setIdentity();
      break;
    case Contrasts::kSAS:
      m.topRows(k - 1).setIdentity();
      break;
    case Contrasts::kSum:
      m.topRows(k - 1).setIdentity();
      m.row(k - 1).setConstant(-1.0);
      break;
    case Contrasts::kHelmert:
      for (Eigen::Index j = 0; j < k - 1; ++j) {
        m.col(j).head(j + 1).setConstant(-1.0);
        m(j + 1, j) = static_cast<double>(j + 1);
      }
      break;
    case Contrasts::kPoly:
      if (levels > kMaxPolyLevels)
        throw Error(ErrorKind::kModel, "polynomial contrasts of a factor with " + std::to_string(levels) +
                                           " levels: orthogonal polynomials cannot be represented accurately enough "
                                           "beyond 95 degrees of freedom");
      m = polynomial_contrasts(levels);
      break;
  }
  return m;
}

std::vector<std::string> contrast_suffixes(Contrasts contrasts, const std::vector<std::string>& levels) {
  std::vector<std::string> out;
  const std::size_t k = levels.size();
  for (std::size_t j = 1; j < k; ++j) {
    switch (effective_contrasts(contrasts, false)) {
      case Contrasts::kDefault:
      case Contrasts::kTreatment: out.push_back(levels[j]); break;
      case Contrasts::kSAS: out.push_back(levels[j - 1]); break;
      case Contrasts::kSum:
      case Contrasts::kHelmert: out.push_back(std::to_string(j)); break;
      case Contrasts::kPoly:
        out.push_back(j == 1 ? ".L" : j == 2 ? ".Q" : j == 3 ? ".C" : "^" + std::to_string(j));
        break;
    }
  }
  return out;
}

}  // namespace lmm::internal
