// R's model.frame(terms, newdata, xlev = <the fitted model's levels>, na.action = na.pass), as
// lme4's predict() builds it: the model's variables evaluated on new data, every row kept, and
// factors coded by the levels the model was fit with, matched by label.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "formula/model_frame.hpp"
#include "formula/term_expansion.hpp"
#include "lmm/data_frame.hpp"

namespace lmm::internal {

// The variables of `terms` on every row of newdata, aligned with `fitted` (the model frame's
// variables for the same terms): numbers as evaluated, factors coded into fitted's levels.
// Rows where a variable is missing are set in `missing` (sized newdata.rows()). Throws
// lmm::Error (kInput) when a column is absent, a factor has a level `fitted` lacks (naming the
// variable and the level), or text is given where the model has a number.
std::vector<Variable> new_data_variables(const TermList& terms, const std::vector<Variable>& fitted,
                                         const DataFrame& newdata, std::vector<std::uint8_t>& missing);

// A grouping factor on newdata, coded into the fitted grouping factor's levels.
struct NewGrouping {
  std::vector<int> codes;           // level of the fitted factor; -1 for a new or missing level
  std::vector<std::string> labels;  // each row's level as text ("a:b" for an interaction)
  std::vector<std::uint8_t> missing;
};

// Throws lmm::Error (kInput) when a grouping column is absent.
NewGrouping new_data_grouping(const RandomTermSpec& term, const GroupingFactor& fitted, const DataFrame& newdata);

}  // namespace lmm::internal
