// anova_text() and anova_json(): lme4's printed model-comparison table and its JSON form.
#include <cmath>
#include <nlohmann/json.hpp>

#include "lmm/anova.hpp"
#include "report/coef_table.hpp"
#include "report/r_numbers.hpp"
#include "report/r_print.hpp"

namespace lmm {
namespace {

using internal::r_format_column;

constexpr int kDigits = 5;                      // print.anova: max(getOption("digits") - 2, 3)
constexpr int kTestDigits = 4;                  // printCoefmat's dig.tst: max(1, min(5, digits - 1))

// printCoefmat's zap.ind columns, all values present.
std::vector<std::string> zapped_column(const std::vector<double>& x) {
  return internal::r_zapped_column(std::vector<std::optional<double>>(x.begin(), x.end()), kDigits);
}

}  // namespace

std::string anova_text(const AnovaTable& table, const std::string& data_name) {
  std::string out = "Data: " + data_name + "\nModels:\n";
  for (const AnovaRow& r : table.rows) out += r.name + ": " + r.formula + "\n";

  std::vector<double> npar, aic, bic, loglik, deviance;
  std::vector<std::optional<double>> chisq, df, p;
  for (const AnovaRow& r : table.rows) {
    npar.push_back(r.npar);
    aic.push_back(r.aic);
    bic.push_back(r.bic);
    loglik.push_back(r.loglik);
    deviance.push_back(r.deviance);
    chisq.push_back(r.chisq ? std::optional<double>(internal::r_round(*r.chisq, kTestDigits)) : std::nullopt);
    df.push_back(r.df ? std::optional<double>(*r.df) : std::nullopt);
    p.push_back(r.p);
  }
  std::vector<std::vector<std::string>> columns = {
      zapped_column(npar),       zapped_column(aic),       zapped_column(bic),
      zapped_column(loglik),     zapped_column(deviance),  r_format_column(chisq, kDigits),
      r_format_column(df, kDigits), internal::r_format_pval(p, kTestDigits, "")};
  internal::TextMatrix m;
  m.col_names = {"npar", "AIC", "BIC", "logLik", "deviance", "Chisq", "Df", "Pr(>Chisq)"};
  const bool stars = internal::any_significant(p);
  if (stars) {
    columns.push_back(internal::significance_stars(p));
    m.col_names.push_back("");
  }
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    m.row_names.push_back(table.rows[i].name);
    std::vector<std::string> row;
    for (const auto& column : columns) row.push_back(column[i]);
    m.cells.push_back(std::move(row));
  }
  out += internal::r_print_matrix(m, true, 80);
  if (stars) out += internal::significance_legend();
  return out;
}

std::string anova_json(const AnovaTable& table, int indent) {
  using nlohmann::ordered_json;
  const auto number = [](double v) { return std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr); };
  ordered_json j;
  j["refitted"] = table.refitted;
  j["models"] = ordered_json::array();
  for (const AnovaRow& r : table.rows) {
    ordered_json row;
    row["name"] = r.name;
    row["formula"] = r.formula;
    row["npar"] = r.npar;
    row["AIC"] = number(r.aic);
    row["BIC"] = number(r.bic);
    row["logLik"] = number(r.loglik);
    row["deviance"] = number(r.deviance);
    row["Chisq"] = r.chisq ? number(*r.chisq) : ordered_json(nullptr);
    row["Df"] = r.df ? ordered_json(*r.df) : ordered_json(nullptr);
    row["p"] = r.p ? number(*r.p) : ordered_json(nullptr);
    j["models"].push_back(std::move(row));
  }
  return j.dump(indent);
}

}  // namespace lmm
