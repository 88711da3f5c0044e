// A fit's conditional modes split back into the model's random-effects terms, after checking
// that the fit belongs to the model.
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "lmm/fit_result.hpp"
#include "model/model_state.hpp"

namespace lmm::internal {

// Throws lmm::Error (kUsage) unless `fit` has the model's fixed effects, theta and random
// effects (grouping factors, levels and columns).
void check_fit_of_model(const ModelState& model, const FitResult& fit);

// For each term of the model (its order), the modes as levels x q: FitResult::ranef keeps the
// terms of one grouping factor side by side, in term order.
std::vector<Eigen::MatrixXd> modes_by_term(const ModelState& model, const FitResult& fit);

}  // namespace lmm::internal
