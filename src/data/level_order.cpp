#include "data/level_order.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string_view>
#include <unordered_map>

#include "data/text_collation.hpp"
#include "util/printf_double.hpp"

namespace lmm::internal {

// R's formatReal() at 15 digits, for one number: the fewest significant digits (up to 15) that
// give the value to 15 digits, then fixed notation unless scientific is strictly narrower
// (R_print.scipen = 0). So 100000 is "1e+05" and 0.0001 "1e-04", but 123456 and 0.001 stay fixed.
std::string r_number_label(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Inf" : "-Inf";
  if (value == 0.0) return "0";  // -0 too, as R shows it
  const std::string e = printf_double("%.14e", value);  // [-]d.dddddddddddddde[+-]xx
  const std::size_t mark = e.find('e');
  const int exponent = std::stoi(e.substr(mark + 1));
  std::string digits = e.substr(value < 0 ? 1 : 0, 1) + e.substr(value < 0 ? 3 : 2, 14);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  const int significant = static_cast<int>(digits.size());
  const int negative = value < 0 ? 1 : 0;
  const int decimals = std::max(0, significant - exponent - 1);
  const int fixed_width = negative + std::max(1, exponent + 1) + decimals + (decimals > 0 ? 1 : 0);
  const int scientific_width =
      negative + (significant > 1 ? significant + 1 : significant) + (std::abs(exponent) >= 100 ? 5 : 4);
  if (fixed_width <= scientific_width) return printf_double("%." + std::to_string(decimals) + "f", value);
  return printf_double("%." + std::to_string(significant - 1) + "e", value);
}

void factor_from_text(const std::vector<std::string>& text, const std::vector<unsigned char>& missing,
                      std::vector<int>& codes, std::vector<std::string>& levels) {
  // One hash per row: each row's label is numbered in order of first appearance, the distinct
  // labels are sorted, and the rows' numbers become ranks.
  std::unordered_map<std::string_view, int> number_of;
  std::vector<std::size_t> first_row;  // of each distinct label
  codes.assign(text.size(), -1);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (missing[i]) continue;
    const auto [at, added] = number_of.emplace(text[i], static_cast<int>(first_row.size()));
    if (added) first_row.push_back(i);
    codes[i] = at->second;
  }
  // One ICU sort key per distinct label; ties (labels ICU sees as equal) keep first appearance.
  std::vector<std::string> key(first_row.size());
  for (std::size_t k = 0; k < key.size(); ++k) key[k] = collation_key(text[first_row[k]]);
  std::vector<int> order(first_row.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return key[static_cast<std::size_t>(a)] < key[static_cast<std::size_t>(b)];
  });
  std::vector<int> rank(order.size());
  levels.resize(order.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    rank[static_cast<std::size_t>(order[k])] = static_cast<int>(k);
    levels[k] = text[first_row[static_cast<std::size_t>(order[k])]];
  }
  for (int& code : codes)
    if (code >= 0) code = rank[static_cast<std::size_t>(code)];
}

}  // namespace lmm::internal
