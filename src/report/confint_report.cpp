// confint_text() and confint_json(): lme4's interval matrix as R prints it, and as JSON.
#include <cmath>
#include <nlohmann/json.hpp>

#include "lmm/confint.hpp"
#include "report/coef_table.hpp"
#include "report/r_numbers.hpp"
#include "report/r_print.hpp"

namespace lmm {
namespace {

// lme4's format.perc(): paste(format(100 * p, trim = TRUE, scientific = FALSE, digits = 3), "%").
std::vector<std::string> percent_labels(double level) {
  const double a = (1.0 - level) / 2.0;
  std::vector<std::string> labels = internal::r_format({100.0 * a, 100.0 * (1.0 - a)}, 3);
  for (std::string& s : labels) s = s.substr(s.find_first_not_of(' ')) + " %";
  return labels;
}

const char* method_name(IntervalMethod m) {
  switch (m) {
    case IntervalMethod::kProfile: return "profile";
    case IntervalMethod::kWald: return "wald";
    case IntervalMethod::kBootstrap: return "boot";
  }
  return "profile";
}

}  // namespace

std::string confint_text(const ConfintResult& result) {
  constexpr int kDigits = 7;  // getOption("digits")
  internal::TextMatrix m;
  m.col_names = percent_labels(result.level);
  std::vector<std::optional<double>> lower, upper;
  for (const ConfidenceInterval& ci : result.intervals) {
    m.row_names.push_back(ci.name);
    lower.push_back(std::isnan(ci.lower) ? std::nullopt : std::optional<double>(ci.lower));
    upper.push_back(std::isnan(ci.upper) ? std::nullopt : std::optional<double>(ci.upper));
  }
  const auto lo = internal::r_format_column(lower, kDigits, "NA");
  const auto hi = internal::r_format_column(upper, kDigits, "NA");
  for (std::size_t i = 0; i < lo.size(); ++i) m.cells.push_back({lo[i], hi[i]});
  std::string out = internal::r_print_matrix(m, true, 80);
  for (const ConfidenceInterval& ci : result.intervals)
    if (!ci.note.empty()) out += "note: " + ci.name + ": " + ci.note + "\n";
  return out;
}

std::string confint_json(const ConfintResult& result, int indent) {
  using nlohmann::ordered_json;
  const auto number = [](double v) { return std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr); };
  ordered_json j;
  j["method"] = method_name(result.method);
  j["level"] = result.level;
  j["intervals"] = ordered_json::array();
  for (const ConfidenceInterval& ci : result.intervals) {
    ordered_json row;
    row["name"] = ci.name;
    row["lower"] = number(ci.lower);
    row["upper"] = number(ci.upper);
    if (!ci.note.empty()) row["note"] = ci.note;
    j["intervals"].push_back(std::move(row));
  }
  return j.dump(indent);
}

}  // namespace lmm
