// R's evaluation of one variable of a formula on a data frame, as model.frame() evaluates it:
// a column, arithmetic, comparisons and logic, and the functions lmm supports (log, factor,
// relevel, dummy, ...).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "formula/expression.hpp"
#include "lmm/data_frame.hpp"

namespace lmm::internal {

// One variable of the model on the kept observations: numeric values or a factor.
struct Variable {
  std::string name;
  bool is_factor = false;
  std::vector<double> values;       // numeric
  std::vector<int> codes;           // factor: 0-based level index
  std::vector<std::string> levels;  // factor
  // A logical variable (I(x > 2)), which R's model.matrix codes as a factor with levels FALSE
  // and TRUE, both kept even when one does not occur.
  bool keep_levels = false;
  bool ordered = false;                       // factor: ordered (poly contrasts by default)
  Contrasts contrasts = Contrasts::kDefault;  // factor: its coding, from the column or C()
};

// A variable of the formula evaluated on every row of a data frame (no rows dropped, levels as
// the data give them), with its missing mask: what the model frame is made from, and what
// predictions on new data map onto the fitted model's levels.
struct RawVariable {
  Variable var;
  std::vector<std::uint8_t> missing;
  bool is_logical = false;  // values are 0 (FALSE) and 1 (TRUE) while evaluating
};

// Evaluates one variable of the formula (a column, I(), log(), factor(), x > 2, ...); a logical
// result becomes a factor with levels FALSE, TRUE. as_factor converts a numeric result to a
// factor as R's factor() does (grouping variables). Throws lmm::Error (kFormula) naming the term
// when a column is absent, a function unsupported, or the arithmetic is not defined.
RawVariable evaluate_variable(const Expression& e, const DataFrame& data, bool as_factor);

// R's factor() of an evaluated variable (a grouping variable): a factor as it is (levels no
// longer kept when unused), numbers with their sorted values as levels.
RawVariable as_factor(RawVariable raw);

// R's constants among names: TRUE, FALSE, and NA and pi unless the data have such a column.
bool is_constant_name(const Expression& e, const DataFrame& data);

// " because of 1 field that is not a number, '1d5' on line 5" for a column named by `e` that is
// text only because of a few fields; "" otherwise.
std::string because_of(const Expression& e, const DataFrame& data);

}  // namespace lmm::internal
