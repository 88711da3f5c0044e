#include "data/numbers_in_text.hpp"

#include "data/r_number.hpp"
#include "util/excerpt.hpp"

namespace lmm::internal {

NumbersInText count_numbers(const Column& column) {
  std::vector<FieldReading> reading(column.levels.size());  // each label read once, not each row
  for (std::size_t k = 0; k < reading.size(); ++k) {
    double value = 0.0;
    reading[k] = read_r_number(column.levels[k], value);
  }
  NumbersInText count;
  for (std::size_t row = 0; row < column.codes.size(); ++row) {
    if (column.codes[row] < 0) continue;
    const FieldReading r = reading[static_cast<std::size_t>(column.codes[row])];
    if (r == FieldReading::kNumber) ++count.numbers;
    if (r != FieldReading::kText) continue;
    if (count.others++ == 0) count.first_other = row;
  }
  return count;
}

std::string text_because(const NumbersInText& count, const Column& column,
                         const std::function<std::size_t(std::size_t)>& line_of) {
  if (count.others == 0 || count.numbers < count.others) return "";
  const std::string& field = column.levels[static_cast<std::size_t>(column.codes[count.first_other])];
  const std::string first = quote(field) + " on line " + std::to_string(line_of(count.first_other));
  return count.others == 1 ? "1 field that is not a number, " + first
                           : std::to_string(count.others) + " fields that are not numbers, the first " + first;
}

std::string mostly_numbers_warning(const std::string& source, const Column& column, const NumbersInText& count) {
  constexpr std::size_t kManyLevels = 20;
  constexpr std::size_t kNumbersPerOther = 9;  // 90% numbers
  if (column.levels.size() <= kManyLevels || column.text_because.empty() ||
      count.numbers < kNumbersPerOther * count.others)
    return "";
  return "data file " + quote_path(source) + ": column " + quote(column.name) + " is read as text (a factor of " +
         std::to_string(column.levels.size()) + " levels) because of " + column.text_because;
}

}  // namespace lmm::internal
