#include "report/coef_table.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "report/r_numbers.hpp"
#include "report/r_text.hpp"

namespace lmm::internal {

std::vector<std::string> r_format_column(const std::vector<std::optional<double>>& x, int digits,
                                         const std::string& na) {
  std::vector<double> present;
  bool any_absent = false;
  for (const auto& v : x) {
    if (v) present.push_back(*v);
    else any_absent = true;
  }
  std::vector<std::string> cells(x.size(), na);
  if (present.empty()) return cells;
  RealLayout layout = r_real_layout(present, digits);
  if (any_absent) layout.width = std::max(layout.width, 2);
  for (std::size_t i = 0; i < x.size(); ++i)
    if (x[i]) cells[i] = r_encode_real(*x[i], layout);
  return cells;
}

std::vector<std::string> r_zapped_column(const std::vector<std::optional<double>>& x, int digits,
                                         const std::string& na) {
  std::vector<double> present;
  for (const auto& v : x)
    if (v) present.push_back(*v);
  const std::vector<double> zapped = r_zapsmall(present, digits);
  std::vector<std::optional<double>> column;
  std::size_t k = 0;
  for (const auto& v : x) column.push_back(v ? std::optional<double>(zapped[k++]) : std::nullopt);
  std::vector<std::string> cells = r_format_column(column, digits, na);
  for (std::size_t i = 0; i < cells.size(); ++i)
    if (column[i] && (*column[i] == 0.0) != (std::stod(cells[i]) == 0.0))
      cells[i] = r_format({*column[i]}, std::max(1, digits - 1))[0];
  return cells;
}

std::vector<std::string> r_format_pval(const std::vector<std::optional<double>>& p, int digits,
                                       const std::string& na) {
  const double eps = std::numeric_limits<double>::epsilon();
  std::vector<double> fixed, sci;
  for (const auto& v : p) {
    if (!v || *v < eps) continue;
    const double expo = std::floor(std::log10(*v > 0 ? *v : 1e-50));
    (expo >= -3 || *v == 0 ? fixed : sci).push_back(*v);
  }
  const std::vector<std::string> fixed_text = fixed.empty() ? std::vector<std::string>{} : r_format(fixed, digits);
  const std::vector<std::string> sci_text = sci.empty() ? std::vector<std::string>{} : r_format(sci, digits);
  std::vector<std::string> out(p.size(), na);
  std::size_t next_fixed = 0, next_sci = 0;
  int widest = 0;
  bool any_tiny = false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!p[i]) continue;
    if (*p[i] < eps) {
      any_tiny = true;
      continue;
    }
    const double expo = std::floor(std::log10(*p[i] > 0 ? *p[i] : 1e-50));
    out[i] = (expo >= -3 || *p[i] == 0) ? fixed_text[next_fixed++] : sci_text[next_sci++];
    widest = std::max(widest, r_text_width(out[i]));
  }
  if (any_tiny) {
    int d = std::max(1, digits - 2);
    std::string sep;
    if (widest > 0) {
      if (d > 1 && d + 6 > widest) d = std::max(1, widest - 7);
      sep = (d == 1 && widest <= 6) ? "" : " ";
    } else {
      sep = d == 1 ? "" : " ";
    }
    const std::string tiny = "<" + sep + r_format_number(eps, d);
    for (std::size_t i = 0; i < p.size(); ++i)
      if (p[i] && *p[i] < eps) out[i] = tiny;
  }
  return out;
}

std::vector<std::string> significance_stars(const std::vector<std::optional<double>>& p) {
  std::vector<std::string> stars;
  std::size_t width = 0;
  for (const auto& v : p) {
    std::string s;
    if (v) s = *v <= 0.001 ? "***" : *v <= 0.01 ? "**" : *v <= 0.05 ? "*" : *v <= 0.1 ? "." : " ";
    width = std::max(width, s.size());
    stars.push_back(s);
  }
  for (std::string& s : stars) s.resize(width, ' ');
  return stars;
}

bool any_significant(const std::vector<std::optional<double>>& p) {
  for (const auto& v : p)
    if (v && *v < 0.1) return true;
  return false;
}

std::string significance_legend() {
  return "---\nSignif. codes:  0 \u2018***\u2019 0.001 \u2018**\u2019 0.01 \u2018*\u2019 0.05 \u2018.\u2019 0.1 "
         "\u2018 \u2019 1\n";
}

}  // namespace lmm::internal
