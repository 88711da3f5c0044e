// The numbers of the penalized crossproduct: the blocks of [Z X y]' W [Z X y] that the
// blocked Cholesky factor needs (FactorStructure says which), formed from the observations
// (MixedModels.jl's updateA! and reweight!). Formed once per response and set of prior weights,
// in time linear in n; the factor at each theta reads them and never touches the n rows again.
//
// [X y] enters in a centred and scaled basis (CenteredDesign): the crossproducts hold X_c = X T
// and y's scaled residual, and keep T, the fit taken out of y and y's scale to map estimates
// back to X's and y's.
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "linalg/factor_structure.hpp"
#include "linalg/level_blocks.hpp"
#include "model/random_effects_term.hpp"

namespace lmm::internal {

// Chain term j's crossproducts, laid out as its ChainPlan says.
struct ChainCrossproducts {
  LevelBlocks diag;                // Z_j'Z_j: q x q per level
  std::vector<LevelBlocks> below;  // [i - j - 1]: Z_i'Z_j, q_i x q per level
  std::vector<double> sparse;      // Z_t'Z_j of the later terms t, the plan's blocks
  LevelBlocks xy;                  // [X_c y_c]'Z_j: (p + 1) x q per level
};

struct Crossproducts {
  std::vector<ChainCrossproducts> chain;
  Eigen::MatrixXd a22;  // the dense trailing block: the later terms and [X_c y_c], lower triangle
  // The centred basis's map back to X's and y's (CenteredDesign without its n rows).
  Eigen::MatrixXd basis;
  Eigen::VectorXd basis_shift;
  double y_scale = 1.0;
  double log_abs_det_basis = 0.0;
  bool exact_fit = false;  // the fixed effects fit y exactly
};

// The crossproducts of the terms' Z, X and y, with prior weights w (empty: all 1) multiplying
// each observation's row products.
Crossproducts form_crossproducts(const FactorStructure& s, const std::vector<RandomEffectsTerm>& terms,
                                 const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                 const Eigen::VectorXd& weights = Eigen::VectorXd());

// The same crossproducts for another response y, with the same prior weights (empty: none):
// only y's parts are formed again; without weights bit for bit as form_crossproducts would
// form them, with weights to rounding (sqrt(w) multiplies y's rows instead of Z's).
Crossproducts with_response(const Crossproducts& a, const FactorStructure& s,
                            const std::vector<RandomEffectsTerm>& terms, const Eigen::MatrixXd& x,
                            const Eigen::VectorXd& y, const Eigen::VectorXd& weights = Eigen::VectorXd());

}  // namespace lmm::internal
