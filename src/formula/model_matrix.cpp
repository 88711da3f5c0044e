#include "formula/model_matrix.hpp"

#include "lmm/error.hpp"

namespace lmm::internal {
namespace {

// The columns one variable contributes to a term.
struct Factor {
  std::vector<std::string> suffixes;  // appended to the variable's name
  std::vector<int> level_of_column;   // level coded by each column (factors)
  bool numeric = false;
};

Factor coding(const Variable& v, bool contrasts) {
  Factor f;
  if (!v.is_factor) {
    f.numeric = true;
    f.suffixes = {""};
    return f;
  }
  for (std::size_t k = contrasts ? 1 : 0; k < v.levels.size(); ++k) {
    f.suffixes.push_back(v.levels[k]);
    f.level_of_column.push_back(static_cast<int>(k));
  }
  return f;
}

}  // namespace

DesignMatrix model_matrix(const TermList& terms, const std::vector<Variable>& variables, std::size_t nobs) {
  std::vector<Eigen::VectorXd> columns;
  DesignMatrix out;
  if (terms.intercept) {
    columns.push_back(Eigen::VectorXd::Ones(static_cast<Eigen::Index>(nobs)));
    out.names.push_back("(Intercept)");
    out.assign.push_back(0);
  }
  for (std::size_t t = 0; t < terms.terms.size(); ++t) {
    const Term& term = terms.terms[t];
    std::vector<Factor> codings;
    for (int v : term) {
      Term rest;
      for (int w : term)
        if (w != v) rest.push_back(w);
      codings.push_back(coding(variables[v], terms.contains(rest)));
      if (codings.back().suffixes.empty())
        throw Error(ErrorKind::kModel, "factor '" + variables[v].name +
                                           "' has a single level in the data used; contrasts need 2 or more levels");
    }
    // Enumerate the product of the codings, first variable fastest.
    std::vector<std::size_t> index(term.size(), 0);
    while (true) {
      Eigen::VectorXd col = Eigen::VectorXd::Ones(static_cast<Eigen::Index>(nobs));
      std::string name;
      for (std::size_t j = 0; j < term.size(); ++j) {
        const Variable& var = variables[term[j]];
        const Factor& f = codings[j];
        name += (j ? ":" : "") + var.name + f.suffixes[index[j]];
        if (f.numeric) {
          for (std::size_t i = 0; i < nobs; ++i) col[static_cast<Eigen::Index>(i)] *= var.values[i];
        } else {
          const int level = f.level_of_column[index[j]];
          for (std::size_t i = 0; i < nobs; ++i)
            if (var.codes[i] != level) col[static_cast<Eigen::Index>(i)] = 0.0;
        }
      }
      columns.push_back(std::move(col));
      out.names.push_back(std::move(name));
      out.assign.push_back(static_cast<int>(t + 1));
      std::size_t j = 0;
      while (j < term.size() && ++index[j] == codings[j].suffixes.size()) index[j++] = 0;
      if (j == term.size()) break;
    }
  }
  out.matrix.resize(static_cast<Eigen::Index>(nobs), static_cast<Eigen::Index>(columns.size()));
  for (std::size_t c = 0; c < columns.size(); ++c) out.matrix.col(static_cast<Eigen::Index>(c)) = columns[c];
  return out;
}

}  // namespace lmm::internal
