#include "data/level_order.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <unordered_map>

#include "util/printf_double.hpp"

namespace lmm::internal {

bool r_text_less(const std::string& a, const std::string& b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const int ca = std::tolower(static_cast<unsigned char>(a[i]));
    const int cb = std::tolower(static_cast<unsigned char>(b[i]));
    if (ca != cb) return ca < cb;
  }
  if (a.size() != b.size()) return a.size() < b.size();
  for (std::size_t i = 0; i < n; ++i) {
    const bool la = std::islower(static_cast<unsigned char>(a[i])) != 0;
    const bool lb = std::islower(static_cast<unsigned char>(b[i])) != 0;
    if (la != lb) return la;
  }
  return false;
}

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
  std::unordered_map<std::string, int> first_seen;
  std::vector<std::string> distinct;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (missing[i]) continue;
    if (first_seen.emplace(text[i], static_cast<int>(distinct.size())).second) distinct.push_back(text[i]);
  }
  levels = distinct;
  std::sort(levels.begin(), levels.end(), r_text_less);
  std::unordered_map<std::string, int> code_of;
  for (std::size_t k = 0; k < levels.size(); ++k) code_of.emplace(levels[k], static_cast<int>(k));
  codes.assign(text.size(), -1);
  for (std::size_t i = 0; i < text.size(); ++i)
    if (!missing[i]) codes[i] = code_of.at(text[i]);
}

}  // namespace lmm::internal
