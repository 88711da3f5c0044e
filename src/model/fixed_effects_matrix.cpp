#include "model/fixed_effects_matrix.hpp"

#include <algorithm>
#include <cmath>

namespace lmm::internal {

namespace {

// True when X has full column rank by a wide margin: the Cholesky factor of X'X scaled to a unit
// diagonal (the columns' cosines) has every squared pivot, the share of a column's squared norm
// outside the span of the columns before it, at least `margin`. Forming X'X is one blocked
// product (n p^2), where the column-by-column projections below stream X about 4p times; its
// rounding moves those shares by about p * 1e-16, so a share above a margin far beyond the
// rank check's tolerance^2 (1e-6 against 1e-14 by default) is one the projections would keep
// too. Otherwise the caller runs them.
bool clearly_full_rank(const Eigen::MatrixXd& x, double margin) {
  const Eigen::Index p = x.cols();
  if (p == 0 || x.rows() == 0) return p == 0;  // no columns to drop; or no rows, left to the projections
  Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(p, p);
  gram.selfadjointView<Eigen::Lower>().rankUpdate(x.transpose());
  const Eigen::VectorXd norms = gram.diagonal().cwiseSqrt();
  if (!norms.allFinite() || !(norms.array() > 0.0).all()) return false;
  const Eigen::VectorXd inverse = norms.cwiseInverse();
  const Eigen::MatrixXd cosines =
      inverse.asDiagonal() * gram.selfadjointView<Eigen::Lower>().toDenseMatrix() * inverse.asDiagonal();
  const Eigen::LLT<Eigen::MatrixXd> llt(cosines);
  if (llt.info() != Eigen::Success) return false;
  const Eigen::MatrixXd l = llt.matrixL();
  return (l.diagonal().array().square() >= margin).all();
}

}  // namespace

std::string drop_rank_deficient_columns(DesignMatrix& x, double tolerance) {
  const Eigen::Index n = x.matrix.rows();
  if (clearly_full_rank(x.matrix, std::max(1e-6, 1e8 * tolerance * tolerance))) return "";
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
