// lmerTest's printed summary() and anova(), and their JSON forms.
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>

#include "lmm/satterthwaite.hpp"
#include "report/coef_table.hpp"
#include "report/r_numbers.hpp"
#include "report/r_print.hpp"
#include "report/summary_sections.hpp"

namespace lmm {
namespace {

using nlohmann::ordered_json;
using internal::TextMatrix;

constexpr int kAnovaDigits = 5;  // print.anova: max(getOption("digits") - 2, 3)

// printCoefmat's dig.tst: max(1, min(5, digits - 1)).
int test_digits(int digits) { return std::max(1, std::min(5, digits - 1)); }

std::optional<double> present(double v) { return std::isnan(v) ? std::nullopt : std::optional<double>(v); }

ordered_json number(double v) { return std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr); }

// printCoefmat() of Estimate, Std. Error, df (formatted together), t value and Pr(>|t|), with
// the stars column when some p-value is below 0.1.
TextMatrix coefficient_table(const SatterthwaiteResult& tests, int digits, bool& stars) {
  const std::size_t p = tests.coefficients.size();
  std::vector<double> together;
  for (double CoefficientTest::*field : {&CoefficientTest::estimate, &CoefficientTest::std_error, &CoefficientTest::df})
    for (const CoefficientTest& c : tests.coefficients) together.push_back(c.*field);
  const std::vector<std::string> cells = internal::coefficient_cells(together, digits);
  std::vector<std::optional<double>> t, pvalues;
  for (const CoefficientTest& c : tests.coefficients) {
    t.push_back(present(internal::r_round(c.t_value, test_digits(digits))));
    pvalues.push_back(present(c.p_value));
  }
  const std::vector<std::string> t_text = internal::r_format_column(t, digits, "NA");
  const std::vector<std::string> p_text = internal::r_format_pval(pvalues, test_digits(digits));
  stars = internal::any_significant(pvalues);
  const std::vector<std::string> star_text = internal::significance_stars(pvalues);
  TextMatrix m{{}, {"Estimate", "Std. Error", "df", "t value", "Pr(>|t|)"}, {}};
  if (stars) m.col_names.push_back("");
  for (std::size_t i = 0; i < p; ++i) {
    m.row_names.push_back(tests.coefficients[i].name);
    m.cells.push_back({cells[i], cells[p + i], cells[2 * p + i], t_text[i], p_text[i]});
    if (stars) m.cells.back().push_back(star_text[i]);
  }
  return m;
}

ordered_json anova_rows(const SatterthwaiteResult& tests) {
  ordered_json rows = ordered_json::array();
  for (const TermFTest& r : tests.terms)
    rows.push_back({{"term", r.term},
                    {"sum_sq", number(r.sum_sq)},
                    {"mean_sq", number(r.mean_sq)},
                    {"num_df", r.testable() ? ordered_json(r.num_df) : ordered_json(nullptr)},
                    {"den_df", number(r.den_df)},
                    {"F", number(r.f_value)},
                    {"p", number(r.p_value)}});
  return rows;
}

}  // namespace

std::string satterthwaite_summary_text(const FitResult& fit, const SatterthwaiteResult& tests,
                                       const SummaryOptions& options) {
  const int digits = internal::summary_digits(options);
  std::string out = internal::title_text(internal::method_title(fit) + ". t-tests use Satterthwaite's method",
                                         "lmerModLmerTest", options.width) +
                    internal::summary_body_text(fit, options);
  if (!tests.coefficients.empty()) {
    bool stars = false;
    out += "\nFixed effects:\n" + internal::r_print_matrix(coefficient_table(tests, digits, stars), true, options.width);
    if (stars) out += internal::significance_legend();
    out += internal::fixef_correlation_text(fit, options);
  }
  return out + internal::summary_tail_text(fit);
}

std::string satterthwaite_anova_text(const SatterthwaiteResult& tests) {
  const std::string heading = tests.anova_heading + "\n";
  if (tests.terms.empty()) return heading + "     Sum Sq Mean Sq NumDF DenDF F value Pr(>F)\n";
  std::vector<std::optional<double>> sum_sq, mean_sq, num_df, den_df, f, p;
  for (const TermFTest& r : tests.terms) {
    sum_sq.push_back(present(r.sum_sq));
    mean_sq.push_back(present(r.mean_sq));
    num_df.push_back(r.testable() ? std::optional<double>(r.num_df) : std::nullopt);
    den_df.push_back(present(r.den_df));
    f.push_back(present(internal::r_round(r.f_value, test_digits(kAnovaDigits))));
    p.push_back(present(r.p_value));
  }
  std::vector<std::vector<std::string>> columns = {
      internal::r_zapped_column(sum_sq, kAnovaDigits), internal::r_zapped_column(mean_sq, kAnovaDigits),
      internal::r_zapped_column(num_df, kAnovaDigits), internal::r_zapped_column(den_df, kAnovaDigits),
      internal::r_format_column(f, kAnovaDigits),      internal::r_format_pval(p, test_digits(kAnovaDigits), "")};
  TextMatrix m;
  m.col_names = {"Sum Sq", "Mean Sq", "NumDF", "DenDF", "F value", "Pr(>F)"};
  const bool stars = internal::any_significant(p);
  if (stars) {
    columns.push_back(internal::significance_stars(p));
    m.col_names.push_back("");
  }
  for (std::size_t i = 0; i < tests.terms.size(); ++i) {
    m.row_names.push_back(tests.terms[i].term);
    std::vector<std::string> row;
    for (const auto& column : columns) row.push_back(column[i]);
    m.cells.push_back(std::move(row));
  }
  std::string out = heading + internal::r_print_matrix(m, true, 80);
  if (stars) out += internal::significance_legend();
  return out;
}

std::string satterthwaite_fit_json(const FitResult& fit, const SatterthwaiteResult& tests, int indent) {
  ordered_json j = ordered_json::parse(fit_json(fit, -1));
  ordered_json df = ordered_json::object(), t = ordered_json::object(), p = ordered_json::object();
  for (const CoefficientTest& c : tests.coefficients) {
    df[c.name] = number(c.df);
    t[c.name] = number(c.t_value);
    p[c.name] = number(c.p_value);
  }
  j["fixef_df"] = df;
  j["fixef_t"] = t;
  j["fixef_p"] = p;
  j["anova_type3"] = anova_rows(tests);
  j["satterthwaite_messages"] = tests.messages;
  return j.dump(indent);
}

std::string satterthwaite_anova_json(const SatterthwaiteResult& tests, int indent) {
  ordered_json j;
  j["heading"] = tests.anova_heading;
  j["anova_type3"] = anova_rows(tests);
  j["messages"] = tests.messages;
  return j.dump(indent);
}

}  // namespace lmm
