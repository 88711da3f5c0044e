// R's model.matrix() with each factor's contrasts (treatment, sum, helmert, SAS, poly).
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <vector>

#include "formula/model_frame.hpp"
#include "formula/term_expansion.hpp"

namespace lmm::internal {

struct DesignMatrix {
  Eigen::MatrixXd matrix;          // n x columns
  std::vector<std::string> names;  // R's column names, e.g. "(Intercept)", "ses:himinty1"
  std::vector<int> assign;         // R's "assign": 0 for the intercept, k for TermList::terms[k - 1]
};

// Columns in R's order: the intercept, then each term in turn. A factor in a term is coded by
// its contrasts (Variable::contrasts, treatment or poly by default) when the term without it is also in the model (the intercept counting
// for a main effect), and by one indicator per level otherwise. Within a term the first
// variable varies fastest.
DesignMatrix model_matrix(const TermList& terms, const std::vector<Variable>& variables, std::size_t nobs);

// How many columns model_matrix() makes, without making them (the largest std::uint64_t when
// there are more): what the memory estimate of a design starts from.
std::uint64_t model_matrix_columns(const TermList& terms, const std::vector<Variable>& variables);

}  // namespace lmm::internal
