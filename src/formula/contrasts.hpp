// R's contrast matrices (contr.treatment, contr.sum, contr.helmert, contr.SAS, contr.poly) and
// the names model.matrix() gives their columns.
#pragma once

#include <Eigen/Dense>
#include <string>
#include <vector>

#include "lmm/data_frame.hpp"

namespace lmm::internal {

// The coding a factor gets: kDefault resolved by R's options("contrasts") (treatment for an
// unordered factor, poly for an ordered one).
Contrasts effective_contrasts(Contrasts contrasts, bool ordered);

// contr.<kind>(levels): levels x (levels - 1). Throws lmm::Error (kModel) for poly with more
// than 95 levels, which R's contr.poly refuses too.
Eigen::MatrixXd contrast_matrix(Contrasts contrasts, std::size_t levels);

// The suffixes model.matrix() appends to the factor's name for those columns: the levels but the
// first (treatment) or the last (SAS), 1, 2, ... (sum, helmert), .L, .Q, .C, ^4, ... (poly).
std::vector<std::string> contrast_suffixes(Contrasts contrasts, const std::vector<std::string>& levels);

}  // namespace lmm::internal
