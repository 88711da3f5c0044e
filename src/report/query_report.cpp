// CSV and JSON forms of ranef_table(), coef(), predict() and the fitted values.
#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "lmm/query_report.hpp"

namespace lmm {
namespace {

using nlohmann::ordered_json;

std::string csv_number(double v) {
  if (std::isnan(v)) return "NA";
  if (std::isinf(v)) return v > 0 ? "Inf" : "-Inf";
  return fmt::format("{}", v);
}

std::string csv_text(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

ordered_json json_number(double v) { return std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr); }

ordered_json json_numbers(const Eigen::VectorXd& v) {
  ordered_json out = ordered_json::array();
  for (Eigen::Index i = 0; i < v.size(); ++i) out.push_back(json_number(v[i]));
  return out;
}

}  // namespace

std::string ranef_csv(const std::vector<RandomEffectRow>& rows) {
  std::string out = "grpvar,term,grp,condval,condsd\n";
  for (const RandomEffectRow& r : rows)
    out += csv_text(r.grpvar) + "," + csv_text(r.term) + "," + csv_text(r.grp) + "," + csv_number(r.condval) + "," +
           csv_number(r.condsd) + "\n";
  return out;
}

std::string ranef_json(const std::vector<RandomEffectRow>& rows, int indent) {
  ordered_json out = ordered_json::array();
  for (const RandomEffectRow& r : rows)
    out.push_back({{"grpvar", r.grpvar}, {"term", r.term}, {"grp", r.grp}, {"condval", json_number(r.condval)},
                   {"condsd", json_number(r.condsd)}});
  return out.dump(indent);
}

std::string coef_csv(const std::vector<GroupCoefficients>& groups) {
  std::string out = "grpvar,grp";
  if (!groups.empty())
    for (const std::string& name : groups.front().names) out += "," + csv_text(name);
  out += "\n";
  for (const GroupCoefficients& g : groups)
    for (std::size_t l = 0; l < g.levels.size(); ++l) {
      out += csv_text(g.group) + "," + csv_text(g.levels[l]);
      for (Eigen::Index c = 0; c < g.values.cols(); ++c)
        out += "," + csv_number(g.values(static_cast<Eigen::Index>(l), c));
      out += "\n";
    }
  return out;
}

std::string coef_json(const std::vector<GroupCoefficients>& groups, int indent) {
  ordered_json out = ordered_json::object();
  for (const GroupCoefficients& g : groups) {
    ordered_json group;
    group["levels"] = g.levels;
    for (std::size_t c = 0; c < g.names.size(); ++c)
      group[g.names[c]] = json_numbers(g.values.col(static_cast<Eigen::Index>(c)));
    out[g.group] = std::move(group);
  }
  return out.dump(indent);
}

std::string prediction_csv(const Eigen::VectorXd& fit) {
  std::string out = "fit\n";
  for (Eigen::Index i = 0; i < fit.size(); ++i) out += csv_number(fit[i]) + "\n";
  return out;
}

std::string prediction_json(const Eigen::VectorXd& fit, int indent) {
  ordered_json out;
  out["fit"] = json_numbers(fit);
  return out.dump(indent);
}

std::string fitted_csv(const std::vector<std::size_t>& rows, const Eigen::VectorXd& fitted,
                       const Eigen::VectorXd& residuals) {
  std::string out = "row,fitted,residual\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto k = static_cast<Eigen::Index>(i);
    out += std::to_string(rows[i] + 1) + "," + csv_number(fitted[k]) + "," + csv_number(residuals[k]) + "\n";
  }
  return out;
}

std::string fitted_json(const std::vector<std::size_t>& rows, const Eigen::VectorXd& fitted,
                        const Eigen::VectorXd& residuals, int indent) {
  ordered_json out;
  ordered_json row = ordered_json::array();
  for (std::size_t r : rows) row.push_back(r + 1);
  out["row"] = std::move(row);
  out["fitted"] = json_numbers(fitted);
  out["residual"] = json_numbers(residuals);
  return out.dump(indent);
}

}  // namespace lmm
