// The hypotheses of lmerTest's type III anova() (lmerTest 3.1-3's get_contrasts_type3(),
// extract_contrasts_type3() and, for a model with at most one term or one column,
// get_contrasts_type1()); a model with other contrasts than treatment gets those of its X
// remade with treatment contrasts, mapped onto its own coefficients, as lmerTest does.
#pragma once

#include <Eigen/Dense>
#include <string>
#include <vector>

#include "formula/term_expansion.hpp"
#include "model/model_state.hpp"

namespace lmm::internal {

// One fixed-effects term and its contrast matrix (rows: contrasts; columns: the coefficients).
// A term none of whose contrasts survives has zero rows (lmerTest prints it as NAs).
struct TermContrast {
  std::string term;
  Eigen::MatrixXd L;
};

// R's term label: the term's variables joined by ":" ("ses:himinty").
std::string term_label(const TermList& terms, const Term& term);

// R's attr(terms, "factors") entry of variable v in a term: 1 when the term without v is in the
// model (the empty term always counts), so that v is coded by contrasts; 2 otherwise.
int factor_code(const TermList& terms, const Term& term, int v);

// lmerTest's containment(): for each term, the terms that contain it, i.e. those whose
// variables (with factor code 1) strictly include its own and that have the same numeric
// variables. `numeric[v]` tells whether variable v is numeric.
std::vector<std::vector<std::size_t>> contained_in(const TermList& terms, const std::vector<bool>& numeric);

// lmerTest's doolittle(x, eps)$L: the unit lower-triangular factor of x = L U, entries below
// eps in magnitude set to 0.
Eigen::MatrixXd doolittle_lower(const Eigen::MatrixXd& x, double eps = 1e-6);

// One contrast matrix per fixed-effects term, in the formula's order (no entry for the
// intercept). Appends lmerTest's message about empty cells of the design to `messages`.
std::vector<TermContrast> type3_contrasts(const ModelState& model, std::vector<std::string>& messages);

}  // namespace lmm::internal
