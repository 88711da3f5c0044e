// summary_text(): the text print(summary(<lmerMod>)) writes in lme4 1.1-31, section by section
// (lme4's print.summary.merMod and its .prt.* helpers), with R's formatting rules from
// report/r_numbers.hpp, r_text.hpp, r_print.hpp and r_deparse.hpp.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "formula/expression.hpp"
#include "formula/term_expansion.hpp"
#include "lmm/report.hpp"
#include "report/call_formula.hpp"
#include "report/r_deparse.hpp"
#include "report/r_numbers.hpp"
#include "report/r_print.hpp"
#include "report/r_text.hpp"
#include "report/summary_sections.hpp"

namespace lmm {
namespace {

using internal::Expression;
using internal::TextMatrix;

constexpr int kCorrelationMaxTerms = 12;  // getOption("lme4.summary.cor.max")
const std::string kRankDeficient = "fixed-effect model matrix is rank deficient";
const std::string kConvergenceCode = "convergence code ";
const std::string kScaleWarning = "Some predictor variables are on very different scales";

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

std::vector<double> to_vector(const Eigen::VectorXd& v) { return std::vector<double>(v.data(), v.data() + v.size()); }

}  // namespace

// ---- header ---------------------------------------------------------------------------------

namespace internal {

std::string method_title(const FitResult& fit) {
  return fit.reml ? "Linear mixed model fit by REML" : "Linear mixed model fit by maximum likelihood ";
}

std::string title_text(const std::string& title, const std::string& object_class, int width) {
  if (internal::r_text_width(title) + 5 + static_cast<int>(object_class.size()) <= width)
    return title + " ['" + object_class + "']\n";
  return internal::r_cat_fill({internal::r_strwrap(title, width - 2, 2), {" ["}, {object_class}, {"]"}}, width, "");
}

}  // namespace internal

namespace {

// The "Formula:" line(s): the expanded formula deparsed (width.cutoff 60) and written by cat().
std::string formula_text(const std::string& formula, int width) {
  std::vector<std::string> lines;
  try {
    lines = internal::r_deparse_lines(internal::lme4_call_formula(formula));
  } catch (const std::exception&) {
    lines = {formula};  // not expected: the formula was fitted
  }
  return internal::r_cat_fill({{"Formula:"}, lines}, width);
}

// .prt.aictab(): the REML criterion, or the AIC BIC logLik deviance df.resid table.
std::string criterion_text(const FitResult& fit, const SummaryOptions& options) {
  if (fit.reml) {
    const std::string value = internal::r_format_number(internal::r_round(fit.objective, 1), options.digits);
    return internal::r_cat_fill({{"REML criterion at convergence:"}, {value}}, options.width);
  }
  const double df_resid = fit.nobs - fit.df;
  std::vector<double> table = {fit.aic, fit.bic, fit.loglik, fit.objective, df_resid};
  for (double& v : table) v = internal::r_round(v, 1);
  std::vector<std::string> cells = internal::r_format(table, options.digits);
  cells.back() = internal::r_format_number(table.back(), options.digits);
  return internal::r_print_named({"AIC", "BIC", "logLik", "deviance", "df.resid"}, cells, options.width);
}

// .prt.resids(): quantiles of the scaled residuals, zapped to digits + 1 and printed with digits.
std::string residuals_text(const FitResult& fit, int digits, int width) {
  const std::vector<double> q = internal::r_zapsmall(fit.scaled_residual_quantiles(), digits + 1);
  return "Scaled residuals: \n" +
         internal::r_print_named({"Min", "1Q", "Median", "3Q", "Max"}, internal::r_format(q, digits), width) + "\n";
}

// ---- random effects -------------------------------------------------------------------------

// formatVC()'s correlation cells of one term: the matrix rounded to `decimals` and formatted as
// a whole, lower triangle shown, in columns 0..columns-1.
std::vector<std::vector<std::string>> correlation_cells(const RandomEffectsCovariance& c, int decimals, int digits,
                                                        std::size_t columns) {
  const Eigen::Index q = c.correlation.rows();
  std::vector<double> values;
  for (Eigen::Index j = 0; j < q; ++j)
    for (Eigen::Index i = 0; i < q; ++i) values.push_back(internal::r_round(c.correlation(i, j), decimals));
  const std::vector<std::string> text = internal::r_format(values, digits, decimals);
  std::vector<std::vector<std::string>> rows(static_cast<std::size_t>(q), std::vector<std::string>(columns));
  for (Eigen::Index i = 0; i < q; ++i)
    for (Eigen::Index j = 0; j < i && static_cast<std::size_t>(j) < columns; ++j)
      rows[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] = text[static_cast<std::size_t>(j * q + i)];
  return rows;
}

// formatVC()'s Corr columns (widest - 1 of them), appended to the rows of `m`.
void append_correlations(const FitResult& fit, std::size_t widest, int digits, int r_digits, TextMatrix& m) {
  m.col_names.push_back("Corr");
  m.col_names.resize(m.col_names.size() + widest - 2);
  std::size_t row = 0;
  for (const RandomEffectsCovariance& c : fit.covariances)
    for (const auto& cells : correlation_cells(c, std::max(2, digits - 2), r_digits, widest - 1)) {
      m.cells[row].insert(m.cells[row].end(), cells.begin(), cells.end());
      ++row;
    }
  m.cells.back().resize(m.col_names.size());  // the Residual row
}

// formatVC(): Groups, Name, Variance, Std.Dev. and, if any term has several columns, Corr.
TextMatrix variance_table(const FitResult& fit, int digits, int r_digits) {
  TextMatrix m{{}, {"Groups", "Name", "Variance", "Std.Dev."}, {}};
  std::vector<double> sd;
  std::size_t widest = 1;
  for (const RandomEffectsCovariance& c : fit.covariances) {
    for (std::size_t i = 0; i < c.names.size(); ++i) {
      m.cells.push_back({i == 0 ? c.group : "", c.names[i]});
      sd.push_back(c.sd[static_cast<Eigen::Index>(i)]);
    }
    widest = std::max(widest, c.names.size());
  }
  m.cells.push_back({"Residual", ""});
  sd.push_back(fit.sigma);
  std::vector<double> variance;
  for (double s : sd) variance.push_back(s * s);
  const std::vector<std::string> var_text = internal::r_format(variance, digits), sd_text = internal::r_format(sd, digits);
  for (std::size_t r = 0; r < m.cells.size(); ++r) m.cells[r].insert(m.cells[r].end(), {var_text[r], sd_text[r]});
  if (widest > 1) append_correlations(fit, widest, digits, r_digits, m);
  m.row_names.assign(m.cells.size(), "");
  return m;
}

std::string random_effects_text(const FitResult& fit, const SummaryOptions& options, int digits) {
  return "Random effects:\n" +
         internal::r_print_matrix(variance_table(fit, digits, options.digits), false, options.width);
}

// .prt.grps(): number of observations and levels per grouping factor.
std::string groups_text(const FitResult& fit, int width) {
  std::string groups;
  for (std::size_t k = 0; k < fit.ngroups.size(); ++k)
    groups += (k ? "; " : "") + fit.ngroups[k].first + ", " + std::to_string(fit.ngroups[k].second);
  return internal::r_cat_fill({{"Number of obs: " + std::to_string(fit.nobs) + ", groups: "}, {groups}}, width);
}

// ---- fixed effects --------------------------------------------------------------------------

// printCoefmat()'s repair of entries that read as zero but are not: those are formatted again,
// together, with one significant digit less than the rest.
void reformat_false_zeros(const std::vector<double>& values, int digits, std::vector<std::string>& cells) {
  std::vector<std::size_t> positions;
  std::vector<double> redo;
  for (std::size_t i = 0; i < values.size(); ++i)
    if (values[i] != 0.0 && std::isfinite(values[i]) && std::stod(cells[i]) == 0.0) {
      positions.push_back(i);
      redo.push_back(values[i]);
    }
  const std::vector<std::string> redone = internal::r_format(redo, std::max(1, digits - 1));
  for (std::size_t k = 0; k < positions.size(); ++k) cells[positions[k]] = redone[k];
}

// printCoefmat()'s Estimate and Std. Error columns, formatted together: rounded to enough
// decimals for `digits` significant digits of the smallest non-zero magnitude.
std::vector<std::string> estimate_cells(const std::vector<double>& values, int digits) {
  double smallest = INFINITY;
  for (double v : values)
    if (std::isfinite(v) && v != 0.0) smallest = std::min(smallest, std::fabs(v));
  const double digmin = 1 + (std::isfinite(smallest) ? std::floor(std::log10(smallest)) : 0.0);
  std::vector<double> rounded;
  for (double v : values) rounded.push_back(internal::r_round(v, std::max(1.0, digits - digmin)));
  std::vector<std::string> cells = internal::r_format(rounded, digits);
  reformat_false_zeros(values, digits, cells);
  return cells;
}

// printCoefmat() of Estimate, Std. Error and t value.
TextMatrix coefficient_table(const FitResult& fit, int digits) {
  const std::vector<double> beta = to_vector(fit.fixef), se = to_vector(fit.fixef_se);
  std::vector<double> both = beta;
  both.insert(both.end(), se.begin(), se.end());
  const std::vector<std::string> estimate = estimate_cells(both, digits);
  std::vector<double> t;
  for (std::size_t i = 0; i < beta.size(); ++i) t.push_back(internal::r_round(beta[i] / se[i], std::clamp(digits - 1, 1, 5)));
  const std::vector<std::string> t_text = internal::r_format(t, digits);
  TextMatrix m{fit.fixef_names, {"Estimate", "Std. Error", "t value"}, {}};
  for (std::size_t i = 0; i < beta.size(); ++i) m.cells.push_back({estimate[i], estimate[beta.size() + i], t_text[i]});
  return m;
}

// The correlation block: lower triangle of cov2cor(vcov), rounded to 3 decimals, rows named by
// abbreviate(minlength = 11), columns by abbreviate(minlength = 6), first row and last column
// dropped.
TextMatrix fixef_correlation_table(const FitResult& fit, int r_digits) {
  const Eigen::Index p = fit.fixef_vcov.rows();
  const Eigen::VectorXd inv_sd = fit.fixef_vcov.diagonal().cwiseInverse().cwiseSqrt();
  std::vector<double> values;
  for (Eigen::Index j = 0; j < p; ++j)
    for (Eigen::Index i = 0; i < p; ++i)
      values.push_back(internal::r_round(i == j ? 1.0 : inv_sd[i] * fit.fixef_vcov(i, j) * inv_sd[j], 3));
  const std::vector<std::string> text = internal::r_format(values, r_digits, 3);
  const std::vector<std::string> rows = internal::r_abbreviate(fit.fixef_names, 11);
  const std::vector<std::string> cols = internal::r_abbreviate(fit.fixef_names, 6);
  TextMatrix m{{rows.begin() + 1, rows.end()}, {cols.begin(), cols.end() - 1}, {}};
  for (Eigen::Index i = 1; i < p; ++i) {
    m.cells.emplace_back();
    for (Eigen::Index j = 0; j + 1 < p; ++j) m.cells.back().push_back(j < i ? text[static_cast<std::size_t>(j * p + i)] : "");
  }
  return m;
}

std::string fixed_effects_text(const FitResult& fit, const SummaryOptions& options, int digits) {
  if (fit.fixef_names.empty()) return "";
  return "\nFixed effects:\n" + internal::r_print_matrix(coefficient_table(fit, digits), true, options.width) +
         internal::fixef_correlation_text(fit, options);
}

// ---- messages -------------------------------------------------------------------------------

bool is_fit_warning(const std::string& m) { return starts_with(m, kRankDeficient) || starts_with(m, kScaleWarning); }

// "fit warnings:": lme4's notes on the fixed-effects model matrix (rank deficiency, then the
// columns' scales).
std::string fit_warnings_text(const FitResult& fit) {
  std::string out;
  for (const std::string& m : fit.messages)
    if (is_fit_warning(m)) out += m + "\n";
  return out.empty() ? "" : "fit warnings:\n" + out;
}

// nloptr's text for a status, as lme4 shows it after a non-zero convergence code.
std::string nlopt_message(const std::string& status) {
  static const std::pair<const char*, const char*> kMessages[] = {
      {"NLOPT_MAXEVAL_REACHED", "Optimization stopped because maxeval (above) was reached."},
      {"NLOPT_FAILURE", "Generic failure code."},
      {"NLOPT_INVALID_ARGS",
       "Invalid arguments (e.g. lower bounds are bigger than upper bounds, an unknown algorithm was specified, "
       "etcetera)."},
      {"NLOPT_OUT_OF_MEMORY", "Ran out of memory."},
      {"NLOPT_ROUNDOFF_LIMITED",
       "Roundoff errors led to a breakdown of the optimization algorithm. In this case, the returned minimum may "
       "still be useful. (e.g. this error occurs in NEWUOA if one tries to achieve a tolerance too close to machine "
       "precision.)"},
  };
  for (const auto& [name, text] : kMessages)
    if (status == name) return status + ": " + text;
  return status;
}

// .prt.warn(): the convergence code line and lme4's convergence messages, when there is either.
std::string convergence_text(const FitResult& fit) {
  std::vector<std::string> notes;
  for (const std::string& m : fit.messages)
    if (!is_fit_warning(m) && !starts_with(m, kConvergenceCode)) notes.push_back(m);
  const int code = fit.optimizer_code;
  if (code <= 0 && notes.empty()) return "";  // .prt.warn() tests cc > 0
  std::string out = "optimizer (" + fit.optimizer + ") convergence code: " + std::to_string(code) + " (" +
                    (code == 0 ? std::string("OK") : nlopt_message(fit.optimizer_status)) + ")\n";
  for (const std::string& n : notes) out += n + "\n";
  return out + "\n";
}

// lme4's "Weights:" and " Offset:" lines, for the call's weights and offset arguments.
std::string call_arguments_text(const FitResult& fit, int width) {
  std::string out;
  if (!fit.weights_column.empty()) out += internal::r_cat_fill({{"Weights:"}, {fit.weights_column}}, width);
  if (!fit.offset_column.empty()) out += internal::r_cat_fill({{" Offset:"}, {fit.offset_column}}, width);
  return out;
}

// deparse(call$control) as lme4's .prt.call() prints it: the call the CLI's options stand for,
// broken as R's deparse breaks it (before an argument once the line passes 60 characters).
std::vector<std::string> control_call_lines(const FitResult& fit) {
  std::vector<std::string> arguments;
  if (fit.optimizer != "nloptwrap") arguments.push_back("optimizer = \"" + fit.optimizer + "\"");
  std::vector<std::string> controls;
  for (const auto& [name, value] : fit.optimizer_control) {
    const bool count = name == "maxeval" || name == "maxfun";
    controls.push_back(name + " = " + (count ? std::to_string(static_cast<long long>(value)) : internal::r_format_number(value, 15)));
  }
  if (arguments.empty() && controls.empty()) return {};
  std::vector<std::string> lines{"lmerControl("};
  const auto add = [&](const std::string& argument, bool first) {
    if (!first) lines.back() += ", ";
    if (lines.back().size() > 60) lines.push_back("    ");
    lines.back() += argument;
  };
  for (std::size_t i = 0; i < arguments.size(); ++i) add(arguments[i], i == 0);
  for (std::size_t i = 0; i < controls.size(); ++i)
    add((i == 0 ? "optCtrl = list(" : "") + controls[i], i == 0 && arguments.empty());
  if (!controls.empty()) lines.back() += ")";
  lines.back() += ")";
  return lines;
}

std::string control_text(const FitResult& fit, int width) {
  const std::vector<std::string> lines = control_call_lines(fit);
  return lines.empty() ? "" : internal::r_cat_fill({{"Control:"}, lines}, width);
}

}  // namespace

namespace internal {

int summary_digits(const SummaryOptions& options) { return std::max(3, options.digits - 3); }

std::string summary_body_text(const FitResult& fit, const SummaryOptions& options) {
  const int digits = summary_digits(options);
  return formula_text(fit.formula, options.width) +
         internal::r_cat_fill({{"   Data:"}, {options.data_name}}, options.width) + call_arguments_text(fit, options.width) +
         control_text(fit, options.width) +
         "\n" + criterion_text(fit, options) +
         "\n" + residuals_text(fit, digits, options.width) + random_effects_text(fit, options, digits) +
         groups_text(fit, options.width);
}

std::vector<std::string> coefficient_cells(const std::vector<double>& values, int digits) {
  return estimate_cells(values, digits);
}

std::string fixef_correlation_text(const FitResult& fit, const SummaryOptions& options) {
  const auto p = static_cast<int>(fit.fixef_names.size());
  if (p <= 1 || p > kCorrelationMaxTerms || fit.fixef_vcov.rows() != p) return "";
  return "\nCorrelation of Fixed Effects:\n" +
         internal::r_print_matrix(fixef_correlation_table(fit, options.digits), false, options.width);
}

std::string summary_tail_text(const FitResult& fit) {
  std::string out = fit_warnings_text(fit) + convergence_text(fit);
  if (fit.nobs_dropped > 0)
    out += "(" + std::to_string(fit.nobs_dropped) + " observations deleted due to missingness)\n";
  return out;
}

}  // namespace internal

std::string summary_text(const FitResult& fit, const SummaryOptions& options) {
  return internal::title_text(internal::method_title(fit), "lmerMod", options.width) +
         internal::summary_body_text(fit, options) +
         fixed_effects_text(fit, options, internal::summary_digits(options)) + internal::summary_tail_text(fit);
}

}  // namespace lmm
