#include "formula/offset_terms.hpp"

#include "lmm/error.hpp"
#include "util/excerpt.hpp"

namespace lmm::internal {
namespace {

[[noreturn]] void fail(const Expression& e, const std::string& what) {
  throw Error(ErrorKind::kFormula, "formula term " + quote(deparse(e)) + ": " + what);
}

bool is_offset(const Expression& e) { return e.kind == Expression::Kind::kCall && e.text == "offset"; }

}  // namespace

// Removes the offset() variables and their terms from the fixed effects and returns their
// arguments. An offset is a summand of its own: in an interaction it is a formula error.
std::vector<Expression> take_offsets(TermList& list) {
  std::vector<Expression> offsets;
  std::vector<int> renumber(list.variables.size(), -1);
  TermList kept;
  kept.intercept = list.intercept;
  for (std::size_t v = 0; v < list.variables.size(); ++v) {
    const Expression& e = list.variables[v];
    if (!is_offset(e)) {
      renumber[v] = static_cast<int>(kept.variables.size());
      kept.variables.push_back(e);
      kept.variable_names.push_back(list.variable_names[v]);
      continue;
    }
    if (e.args.size() != 1) fail(e, "offset() takes one argument, the offset's values");
    offsets.push_back(e.args[0]);
  }
  if (offsets.empty()) return offsets;
  for (const Term& term : list.terms) {
    Term t;
    bool has_offset = false;
    for (int v : term) {
      if (renumber[static_cast<std::size_t>(v)] < 0) has_offset = true;
      else t.push_back(renumber[static_cast<std::size_t>(v)]);
    }
    if (has_offset && term.size() > 1)
      fail(list.variables[static_cast<std::size_t>(term.front())], "offset() must be a summand of its own, not part of an interaction");
    if (!has_offset) kept.terms.push_back(std::move(t));
  }
  list = std::move(kept);
  return offsets;
}

void refuse_offsets_in_random_terms(const std::vector<RandomTermSpec>& random) {
  for (const RandomTermSpec& term : random)
    for (const Expression& e : term.effects.variables)
      if (is_offset(e)) fail(e, "offset() belongs in the fixed part of the formula, not in a random-effects term");
}

}  // namespace lmm::internal
