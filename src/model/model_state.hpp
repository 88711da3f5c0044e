// The state behind a LinearMixedModel: the evaluated formula and its design (shared by every
// response fitted with it), and one response's crossproducts. Read-only once built: what varies
// from call to call (the factor at theta and its workspaces) is a ProfiledDeviance owned by the
// call, so one const model serves fits, profiles, tests and predictions on several threads.
#pragma once

#include <Eigen/Dense>
#include <memory>
#include <string>
#include <vector>

#include "formula/model_frame.hpp"
#include "formula/model_matrix.hpp"
#include "formula/term_expansion.hpp"
#include "linalg/crossproducts.hpp"
#include "linalg/factor_structure.hpp"
#include "model/random_effects_term.hpp"

namespace lmm::internal {

// What does not change with the response: the formula, the rows used, the fixed-effects design
// (after the rank check), the random-effects terms (Z and the grouping codes) and the factor's
// structure planned from them.
struct ModelDesign {
  std::string formula;
  FormulaSpec spec;
  ModelFrame frame;  // frame.response is the data's response, as read
  std::vector<RandomEffectsTerm> terms;
  DesignMatrix x;
  std::string rank_message;
  std::string scale_message;  // lme4's check.scaleX warning, or ""
  std::vector<double> lower;  // theta's lower bounds
  std::shared_ptr<const FactorStructure> structure;
  FrameColumns columns;     // the data's columns of prior weights and offset, by name ("": none)
  Eigen::VectorXd weights;  // prior weights; empty when none
  Eigen::VectorXd offset;   // the model's offset; empty when none
  double log_weights = 0.0;  // sum of log w_i (0 without weights)
};

struct ModelState {
  ModelState(std::shared_ptr<const ModelDesign> shared_design, Eigen::VectorXd response,
             std::shared_ptr<const Crossproducts> formed, std::vector<double> theta_start);
  ModelState(const ModelState&) = delete;
  ModelState& operator=(const ModelState&) = delete;

  std::shared_ptr<const ModelDesign> design;
  // The design's parts, by their names.
  const std::string& formula;
  const FormulaSpec& spec;
  const ModelFrame& frame;
  const std::vector<RandomEffectsTerm>& terms;
  const DesignMatrix& x;
  const std::string& rank_message;
  const std::string& scale_message;

  Eigen::VectorXd y;  // the response minus the offset: what the crossproducts hold
  std::shared_ptr<const Crossproducts> crossproducts;  // of Z, X and y, weighted
  std::vector<double> start;                           // lme4's starting theta for this y
};

}  // namespace lmm::internal
