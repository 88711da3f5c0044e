// The state behind a LinearMixedModel: the evaluated formula, its design matrices and the
// profiled objective. Shared by fitting and by inference (profiles, tests, bootstrap,
// predictions), which need the same pieces.
#pragma once

#include <Eigen/Dense>
#include <memory>
#include <string>
#include <vector>

#include "formula/model_frame.hpp"
#include "formula/model_matrix.hpp"
#include "formula/term_expansion.hpp"
#include "model/profiled_deviance.hpp"
#include "model/random_effects_term.hpp"

namespace lmm::internal {

struct ModelState {
  std::string formula;
  FormulaSpec spec;
  ModelFrame frame;
  std::vector<RandomEffectsTerm> terms;
  DesignMatrix x;
  Eigen::VectorXd y;
  std::string rank_message;
  std::string scale_message;  // lme4's check.scaleX warning, or ""
  // Points into `terms`: a ModelState is built in place and never copied.
  std::unique_ptr<ProfiledDeviance> deviance;
};

}  // namespace lmm::internal
