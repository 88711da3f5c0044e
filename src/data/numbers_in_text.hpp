// A text column whose fields are mostly numbers: why it is text (its first field that is not a
// number, and the line of that field), and the warning for one that is very likely numbers
// spoiled by a few fields. R reads such columns as text silently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lmm/data_frame.hpp"

namespace lmm::internal {

// A text column's fields that are numbers and that are not (blank fields are neither), and
// the first that is not.
struct NumbersInText {
  std::size_t numbers = 0, others = 0;
  std::size_t first_other = 0;  // its row
};

// From the factor's levels and codes: each level's text is a field's text.
NumbersInText count_numbers(const Column& column);

// Why a text column whose fields are mostly numbers (at least as many as the others) is text:
// "1 field that is not a number, '1d5' on line 5" or "3 fields that are not numbers, the first
// ..." (line_of(row) its line, asked for the first only); "" for other columns.
std::string text_because(const NumbersInText& count, const Column& column,
                         const std::function<std::size_t(std::size_t)>& line_of);

// A text column that is very likely numbers spoiled by a few fields (a decimal comma, a typo, a
// note): more than 20 levels, and at least 90% of its non-missing fields are numbers. The
// warning names the first field that is not a number and its line (column.text_because); ""
// when the rule does not apply.
std::string mostly_numbers_warning(const std::string& source, const Column& column, const NumbersInText& count);

}  // namespace lmm::internal
