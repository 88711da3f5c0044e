#include "data/numbers_in_text.hpp"

#include "data/r_number.hpp"
#include "util/excerpt.hpp"

namespace lmm::internal {

NumbersInText count_numbers(const std::vector<std::string>& text, const std::vector<std::uint8_t>& missing) {
  NumbersInText count;
  for (std::size_t row = 0; row < text.size(); ++row) {
    double value = 0.0;
    if (missing[row]) continue;
    const FieldReading reading = read_r_number(text[row], value);
    if (reading == FieldReading::kNumber) ++count.numbers;
    if (reading != FieldReading::kText) continue;
    if (count.others++ == 0) count.first_other = row;
  }
  return count;
}

std::string text_because(const NumbersInText& count, const std::vector<std::string>& text,
                         const std::function<std::size_t(std::size_t)>& line_of) {
  if (count.others == 0 || count.numbers < count.others) return "";
  const std::string first = quote(text[count.first_other]) + " on line " + std::to_string(line_of(count.first_other));
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
