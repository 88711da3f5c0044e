#include "model/fixed_effects_matrix.hpp"

#include <cmath>

namespace lmm::internal {

std::string drop_rank_deficient_columns(DesignMatrix& x, double tolerance) {
  const Eigen::Index n = x.matrix.rows();
  // The kept columns' orthonormal basis fills the leading columns of room for all of them.
  Eigen::MatrixXd basis(n, x.matrix.cols());
  std::vector<Eigen::Index> keep;
  for (Eigen::Index j = 0; j < x.matrix.cols(); ++j) {
    const auto kept = basis.leftCols(static_cast<Eigen::Index>(keep.size()));
    Eigen::VectorXd v = x.matrix.col(j);
    const double norm = v.norm();
    for (int pass = 0; pass < 2; ++pass) v -= kept * (kept.transpose() * v);
    const double rest = v.norm();
    if (norm == 0.0 || rest <= tolerance * norm) continue;
    basis.col(static_cast<Eigen::Index>(keep.size())) = v / rest;
    keep.push_back(j);
  }
  const auto dropped = x.matrix.cols() - static_cast<Eigen::Index>(keep.size());
  if (dropped == 0) return "";
  DesignMatrix kept;
  kept.matrix.resize(n, static_cast<Eigen::Index>(keep.size()));
  for (std::size_t k = 0; k < keep.size(); ++k) {
    kept.matrix.col(static_cast<Eigen::Index>(k)) = x.matrix.col(keep[k]);
    kept.names.push_back(x.names[keep[k]]);
    if (!x.assign.empty()) kept.assign.push_back(x.assign[static_cast<std::size_t>(keep[k])]);
  }
  x = std::move(kept);
  return "fixed-effect model matrix is rank deficient so dropping " + std::to_string(dropped) +
         (dropped == 1 ? " column / coefficient" : " columns / coefficients");
}

std::string check_column_scales(const DesignMatrix& x, double tolerance) {
  const Eigen::Index n = x.matrix.rows();
  std::vector<double> sds;
  for (Eigen::Index j = 0; j < x.matrix.cols(); ++j) {
    const auto column = x.matrix.col(j);
    if ((column.array() == 0.0 || column.array() == 1.0).all()) continue;
    const double mean = column.mean();
    sds.push_back(std::sqrt((column.array() - mean).square().sum() / static_cast<double>(n - 1)));
  }
  const double limit = std::log(tolerance);
  bool far = false;
  for (std::size_t i = 0; i < sds.size(); ++i) {
    far = far || std::fabs(std::log(sds[i])) > limit;
    for (std::size_t k = 0; k < i; ++k) far = far || std::fabs(std::log(sds[i] / sds[k])) > limit;
  }
  return far ? "Some predictor variables are on very different scales: consider rescaling" : "";
}

}  // namespace lmm::internal
