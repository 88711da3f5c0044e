// R's terms(): the expansion of a formula's right-hand side into terms, and lme4's split of a
// mixed-model formula into fixed-effects terms and random-effects terms.
#pragma once

#include <string>
#include <vector>

#include "formula/expression.hpp"

namespace lmm::internal {

// A term is a set of variables (indices into TermList::variables), sorted; the empty set is the
// intercept.
using Term = std::vector<int>;

struct TermList {
  std::vector<Expression> variables;  // in order of first appearance
  std::vector<std::string> variable_names;  // deparsed, e.g. "ses", "I(x^2)", "factor(g)"
  std::vector<Term> terms;                  // by degree, then order of appearance
  bool intercept = true;

  bool contains(const Term& term) const;
};

// One random-effects term `(effects | group)` after lme4's expansion of `||` and `/`.
struct RandomTermSpec {
  TermList effects;               // model terms of the left side, with their own intercept
  std::vector<Expression> group;  // the grouping variables; several for an interaction a:b
  std::string group_name;         // as lme4 names it, e.g. "school", "classid2:schoolid"
  std::string text;               // the term as written after expansion, for messages
};

struct FormulaSpec {
  Expression response;
  std::string response_name;
  TermList fixed;
  std::vector<RandomTermSpec> random;  // in the order written (not yet lme4's order)
  // The arguments of the formula's offset() terms, in the order written: known values added to
  // the linear predictor, not terms of the model matrix (R's attr(terms, "offset")).
  std::vector<Expression> offsets;
  // The fixed-effects term that was the response alone (`y ~ y + x`), dropped as R's
  // model.matrix drops it (interactions with the response stay): its position among the terms,
  // from 1, for R's warnings; 0 when there was none.
  int dropped_response_term = 0;
};

TermList expand_terms(const Expression& rhs);

// lme4's expandDoubleVerts for one `(lhs || g)`: (1 | g) when lhs keeps its intercept, then
// (0 + t | g) for each term t of lhs, joined by +.
Expression expand_double_vert(const Expression& bar);
// Throws lmm::Error (kModel) when the response is a variable of a random-effects term: the
// random effects can then fit it exactly (lme4 stops with "Downdated VtV is not positive
// definite", or warns of a failed optimization and reports a meaningless optimum).
FormulaSpec analyze_formula(const std::string& formula);

}  // namespace lmm::internal
