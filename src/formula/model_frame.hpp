// R's model.frame() for a mixed model: every variable the formula uses, evaluated on the data,
// restricted to complete observations (lme4's na.omit), with unused factor levels dropped.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "formula/evaluate_variable.hpp"
#include "formula/term_expansion.hpp"
#include "lmm/data_frame.hpp"

namespace lmm::internal {

// A grouping factor of a random-effects term, e.g. school, or classid2:schoolid.
struct GroupingFactor {
  std::string name;
  std::vector<int> codes;
  std::vector<std::string> levels;
};

struct ModelFrame {
  std::size_t nobs = 0;
  std::size_t dropped = 0;             // observations removed for missing values
  std::vector<std::size_t> data_rows;  // which data rows were kept
  std::vector<double> response;
  std::vector<Variable> fixed;                 // aligned with FormulaSpec::fixed.variables
  std::vector<std::vector<Variable>> effects;  // per random term, aligned with its variables
  std::vector<GroupingFactor> groups;          // per random term
  std::vector<double> weights;  // prior weights (lmer's weights =); empty when none
  std::vector<double> offset;   // the sum of the offsets (offset() terms, lmer's offset =); empty when none
};

// Data columns that enter the model beside the formula's variables, as lmer's `weights =` and
// `offset =` arguments do: their missing values drop rows too. Empty: none.
struct FrameColumns {
  std::string weights;
  std::string offset;
};

ModelFrame build_model_frame(const FormulaSpec& spec, const DataFrame& data, const FrameColumns& columns = {});

}  // namespace lmm::internal
