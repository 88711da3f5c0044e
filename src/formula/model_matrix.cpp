#include "formula/model_matrix.hpp"

#include <cstdint>
#include <limits>

#include "formula/contrasts.hpp"
#include "lmm/error.hpp"
#include "util/excerpt.hpp"

namespace lmm::internal {
namespace {

// The columns one variable contributes to a term.
struct Factor {
  std::vector<std::string> suffixes;  // appended to the variable's name
  Eigen::MatrixXd values;             // factors: levels x columns, each level's value in each column
  bool numeric = false;
};

// A factor's contrasts (R's contr.* by its coding) when `contrasts`, else one indicator column
// per level, named by the level.
Factor coding(const Variable& v, bool contrasts) {
  Factor f;
  if (!v.is_factor) {
    f.numeric = true;
    f.suffixes = {""};
    return f;
  }
  const Contrasts kind = effective_contrasts(v.contrasts, v.ordered);
  if (contrasts && v.levels.size() >= 2) {
    f.suffixes = contrast_suffixes(kind, v.levels);
    f.values = contrast_matrix(kind, v.levels.size());
  } else if (!contrasts) {
    f.suffixes = v.levels;
    f.values = Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(v.levels.size()), static_cast<Eigen::Index>(v.levels.size()));
  }
  return f;
}

// The codings of a term's variables: treatment contrasts for a factor when the term without it
// is also in the model, one indicator per level otherwise.
std::vector<Factor> term_codings(const TermList& terms, const Term& term, const std::vector<Variable>& variables) {
  std::vector<Factor> codings;
  for (int v : term) {
    Term rest;
    for (int w : term)
      if (w != v) rest.push_back(w);
    codings.push_back(coding(variables[v], terms.contains(rest)));
  }
  return codings;
}

std::uint64_t saturating_product(std::uint64_t a, std::uint64_t b) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  return a != 0 && b > kMax / a ? kMax : a * b;
}

}  // namespace

std::uint64_t model_matrix_columns(const TermList& terms, const std::vector<Variable>& variables) {
  std::uint64_t total = terms.intercept ? 1 : 0;
  for (const Term& term : terms.terms) {
    std::uint64_t columns = 1;
    for (const Factor& f : term_codings(terms, term, variables)) columns = saturating_product(columns, f.suffixes.size());
    total = total > std::numeric_limits<std::uint64_t>::max() - columns ? std::numeric_limits<std::uint64_t>::max()
                                                                         : total + columns;
  }
  return total;
}

DesignMatrix model_matrix(const TermList& terms, const std::vector<Variable>& variables, std::size_t nobs) {
  DesignMatrix out;
  const auto n = static_cast<Eigen::Index>(nobs);
  // Allocated once at its final size (the columns are counted first): building X never needs
  // a second copy of it.
  out.matrix.resize(n, static_cast<Eigen::Index>(model_matrix_columns(terms, variables)));
  Eigen::Index c = 0;
  if (terms.intercept) {
    out.matrix.col(c++).setOnes();
    out.names.push_back("(Intercept)");
    out.assign.push_back(0);
  }
  for (std::size_t t = 0; t < terms.terms.size(); ++t) {
    const Term& term = terms.terms[t];
    const std::vector<Factor> codings = term_codings(terms, term, variables);
    for (std::size_t j = 0; j < term.size(); ++j)
      if (codings[j].suffixes.empty())
        throw Error(ErrorKind::kModel, "factor " + quote(variables[term[j]].name) +
                                           " has a single level in the data used; contrasts need 2 or more levels");
    // Enumerate the product of the codings, first variable fastest.
    std::vector<std::size_t> index(term.size(), 0);
    while (true) {
      auto col = out.matrix.col(c++);
      col.setOnes();
      std::string name;
      for (std::size_t j = 0; j < term.size(); ++j) {
        const Variable& var = variables[term[j]];
        const Factor& f = codings[j];
        name += (j ? ":" : "") + var.name + f.suffixes[index[j]];
        if (f.numeric) {
          for (std::size_t i = 0; i < nobs; ++i) col[static_cast<Eigen::Index>(i)] *= var.values[i];
        } else {
          const auto values = f.values.col(static_cast<Eigen::Index>(index[j]));
          for (std::size_t i = 0; i < nobs; ++i)  // a missing level (new data) gives 0, its row NA later
            col[static_cast<Eigen::Index>(i)] *= var.codes[i] < 0 ? 0.0 : values[var.codes[i]];
        }
      }
      out.names.push_back(std::move(name));
      out.assign.push_back(static_cast<int>(t + 1));
      std::size_t j = 0;
      while (j < term.size() && ++index[j] == codings[j].suffixes.size()) index[j++] = 0;
      if (j == term.size()) break;
    }
  }
  return out;
}

}  // namespace lmm::internal
