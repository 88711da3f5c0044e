// A random-effects term of the model: lme4's ReTrm, MixedModels.jl's ReMat.
#pragma once

#include <Eigen/Dense>
#include <string>
#include <vector>

#include "formula/model_frame.hpp"
#include "formula/term_expansion.hpp"

namespace lmm::internal {

struct RandomEffectsTerm {
  std::string group;               // grouping factor's name as lme4 shows it
  std::vector<std::string> names;  // the term's columns, e.g. "(Intercept)", "ses"
  std::vector<std::string> levels; // levels of the grouping factor
  std::vector<int> codes;          // level of each observation
  Eigen::MatrixXd z;               // n x q: each observation's row of the term's model matrix
  std::size_t spec_index = 0;      // the FormulaSpec::random term (and ModelFrame entry) it came from

  int q() const { return static_cast<int>(z.cols()); }
  int nlevels() const { return static_cast<int>(levels.size()); }
  int nranef() const { return q() * nlevels(); }
  int ntheta() const { return q() * (q() + 1) / 2; }

  // The relative covariance factor T (lower triangular, q x q) from this term's slice of theta,
  // filled column by column as lme4 does.
  Eigen::MatrixXd relative_factor(const double* theta) const;
  void relative_factor(const double* theta, Eigen::MatrixXd& t) const;  // into t (reusing its storage)
  // Lower bounds of theta: 0 for diagonal elements, -inf otherwise; starts 1 and 0.
  void append_bounds(std::vector<double>& lower, std::vector<double>& start) const;
};

// Each term's relative covariance factor T from its slice of theta, in term order.
std::vector<Eigen::MatrixXd> relative_factors(const std::vector<RandomEffectsTerm>& terms, const std::vector<double>& theta);

// Whether every level of `inner` occurs with one level of `outer` only (classes in schools).
bool nests_in(const RandomEffectsTerm& inner, const RandomEffectsTerm& outer);

// How many leading terms form the blocked Cholesky factor's nested chain: the first term, and
// each next one while the levels of the one before it nest in its levels.
std::size_t nested_chain_length(const std::vector<RandomEffectsTerm>& terms);

// Builds the terms in lme4's order (by decreasing number of levels, stably) and applies lme4's
// checks on the numbers of levels and of random effects.
std::vector<RandomEffectsTerm> build_random_terms(const FormulaSpec& spec, const ModelFrame& frame);

}  // namespace lmm::internal
