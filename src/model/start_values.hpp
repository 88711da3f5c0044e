// Where the optimizer starts: lme4's starting theta.
#pragma once

#include <Eigen/Dense>
#include <optional>
#include <vector>

#include "model/random_effects_term.hpp"

namespace lmm::internal {

// lme4's data-driven start (mkLmerDevfun) for models whose random-effects terms are all scalar
// intercepts, (1 | g), each on its own grouping factor: with v_k the variance of y's group means
// by factor k (each observation given its group's mean, as var(ave(y, f)) in R) and v_e =
// var(y) - sum v_k, theta_k = sqrt(v_k / v_e). Empty when the model is not of that form or
// v_e is not positive; the start is then 1 on diagonals and 0 elsewhere.
std::optional<std::vector<double>> intercept_variance_start(const std::vector<RandomEffectsTerm>& terms,
                                                            const Eigen::VectorXd& y);

}  // namespace lmm::internal
