#include "model/random_effects_term.hpp"

#include <algorithm>
#include <limits>

#include "formula/model_matrix.hpp"
#include "lmm/error.hpp"
#include "util/excerpt.hpp"

namespace lmm::internal {

Eigen::MatrixXd RandomEffectsTerm::relative_factor(const double* theta) const {
  Eigen::MatrixXd t;
  relative_factor(theta, t);
  return t;
}

void RandomEffectsTerm::relative_factor(const double* theta, Eigen::MatrixXd& t) const {
  const int k = q();
  t.setZero(k, k);
  for (int j = 0; j < k; ++j)
    for (int i = j; i < k; ++i) t(i, j) = *theta++;
}

void RandomEffectsTerm::append_bounds(std::vector<double>& lower, std::vector<double>& start) const {
  for (int j = 0; j < q(); ++j) {
    for (int i = j; i < q(); ++i) {
      lower.push_back(i == j ? 0.0 : -std::numeric_limits<double>::infinity());
      start.push_back(i == j ? 1.0 : 0.0);
    }
  }
}

std::vector<RandomEffectsTerm> build_random_terms(const FormulaSpec& spec, const ModelFrame& frame) {
  std::vector<RandomEffectsTerm> terms;
  const auto n = frame.nobs;
  for (std::size_t t = 0; t < spec.random.size(); ++t) {
    const GroupingFactor& g = frame.groups[t];
    if (g.levels.size() < 2)
      throw Error(ErrorKind::kModel, "grouping factor " + quote(g.name) + " must have more than 1 sampled level (it has " +
                                         std::to_string(g.levels.size()) + ")");
    if (g.levels.size() >= n)
      throw Error(ErrorKind::kModel, "number of levels of each grouping factor must be < number of observations "
                                     "(problems: " + excerpt(escape_controls(g.name)) + ", with " + std::to_string(g.levels.size()) +
                                         " levels for " + std::to_string(n) + " observations)");
    DesignMatrix m = model_matrix(spec.random[t].effects, frame.effects[t], n);
    RandomEffectsTerm term;
    term.group = g.name;
    term.names = std::move(m.names);
    term.levels = g.levels;
    term.codes = g.codes;
    term.z = std::move(m.matrix);
    term.spec_index = t;
    if (static_cast<std::size_t>(term.nranef()) >= n)
      throw Error(ErrorKind::kModel, "number of observations (=" + std::to_string(n) + ") <= number of random effects (=" +
                                         std::to_string(term.nranef()) + ") for term " + excerpt(spec.random[t].text) +
                                         "; the random-effects parameters and the residual variance are probably unidentifiable");
    terms.push_back(std::move(term));
  }
  // lme4's mkReTrms: when some term has more levels than the one before it, order the terms by
  // rev(order(nlevels)): decreasing number of levels, ties in reverse formula order.
  bool increasing = false;
  for (std::size_t t = 1; t < terms.size(); ++t) increasing = increasing || terms[t].nlevels() > terms[t - 1].nlevels();
  if (increasing) {
    std::vector<std::size_t> order(terms.size());
    for (std::size_t t = 0; t < order.size(); ++t) order[t] = t;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return terms[a].nlevels() < terms[b].nlevels(); });
    std::vector<RandomEffectsTerm> sorted;
    for (auto it = order.rbegin(); it != order.rend(); ++it) sorted.push_back(std::move(terms[*it]));
    terms = std::move(sorted);
  }
  return terms;
}

std::vector<Eigen::MatrixXd> relative_factors(const std::vector<RandomEffectsTerm>& terms, const std::vector<double>& theta) {
  std::vector<Eigen::MatrixXd> factors;
  const double* next = theta.data();
  for (const RandomEffectsTerm& t : terms) {
    factors.push_back(t.relative_factor(next));
    next += t.ntheta();
  }
  return factors;
}

bool nests_in(const RandomEffectsTerm& inner, const RandomEffectsTerm& outer) {
  std::vector<int> parent(static_cast<std::size_t>(inner.nlevels()), -1);
  for (std::size_t i = 0; i < inner.codes.size(); ++i) {
    int& p = parent[static_cast<std::size_t>(inner.codes[i])];
    if (p < 0) p = outer.codes[i];
    if (p != outer.codes[i]) return false;
  }
  return true;
}

std::size_t nested_chain_length(const std::vector<RandomEffectsTerm>& terms) {
  if (terms.empty()) return 0;
  std::size_t r = 1;
  while (r < terms.size() && nests_in(terms[r - 1], terms[r])) ++r;
  return r;
}

}  // namespace lmm::internal
