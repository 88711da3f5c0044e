#include <cmath>
#include <nlohmann/json.hpp>

#include "lmm/report.hpp"

namespace lmm {
namespace {

using nlohmann::ordered_json;

ordered_json number(double v) { return std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr); }

ordered_json named(const std::vector<std::string>& names, const Eigen::VectorXd& values) {
  ordered_json out = ordered_json::object();
  for (std::size_t i = 0; i < names.size(); ++i) out[names[i]] = number(values[static_cast<Eigen::Index>(i)]);
  return out;
}

ordered_json optional_text(const std::optional<std::string>& s) { return s ? ordered_json(*s) : ordered_json(nullptr); }

// lme4's optinfo$derivs and checkConv()'s largest scaled gradient (null when not evaluated).
ordered_json derivatives(const FitResult& fit) {
  ordered_json d;
  d["gradient"] = ordered_json::array();
  for (Eigen::Index i = 0; i < fit.theta_gradient.size(); ++i) d["gradient"].push_back(number(fit.theta_gradient[i]));
  d["hessian"] = ordered_json::array();
  for (Eigen::Index i = 0; i < fit.theta_hessian.rows(); ++i) {
    ordered_json row = ordered_json::array();
    for (Eigen::Index k = 0; k < fit.theta_hessian.cols(); ++k) row.push_back(number(fit.theta_hessian(i, k)));
    d["hessian"].push_back(row);
  }
  d["max_scaled_gradient"] = number(fit.max_scaled_gradient);
  return d;
}

}  // namespace

std::string fit_json(const FitResult& fit, int indent) {
  ordered_json j;
  j["formula"] = fit.formula;
  j["reml"] = fit.reml;
  j["nobs"] = fit.nobs;
  j["nobs_dropped"] = fit.nobs_dropped;
  j["ngroups"] = ordered_json::object();
  for (const auto& [group, count] : fit.ngroups) j["ngroups"][group] = count;
  j["objective"] = number(fit.objective);
  j["loglik"] = number(fit.loglik);
  j["aic"] = number(fit.aic);
  j["bic"] = number(fit.bic);
  j["df"] = fit.df;
  j["sigma"] = number(fit.sigma);
  j["fixef"] = named(fit.fixef_names, fit.fixef);
  j["fixef_se"] = named(fit.fixef_names, fit.fixef_se);
  j["theta"] = fit.theta;
  j["varcorr"] = ordered_json::array();
  for (const VarCorrRow& row : fit.varcorr)
    j["varcorr"].push_back({{"grp", row.group}, {"var1", optional_text(row.var1)}, {"var2", optional_text(row.var2)},
                            {"vcov", number(row.vcov)}, {"sdcor", number(row.sdcor)}});
  j["singular"] = fit.singular;
  j["converged"] = fit.converged;
  j["optimizer"] = {{"name", fit.optimizer == "Nelder_Mead" ? "Nelder_Mead (NLOPT_LN_NELDERMEAD)" : "nloptwrap (NLOPT_LN_BOBYQA)"},
                    {"status", fit.optimizer_status},
                    {"code", fit.optimizer_code},
                    {"evaluations", fit.evaluations}};
  j["messages"] = fit.messages;
  j["derivatives"] = derivatives(fit);
  ordered_json ranef = ordered_json::object();
  for (const ConditionalModes& modes : fit.ranef) {
    ordered_json group;
    group["levels"] = modes.levels;
    for (std::size_t k = 0; k < modes.names.size(); ++k) {
      const Eigen::VectorXd col = modes.values.col(static_cast<Eigen::Index>(k));
      group[modes.names[k]] = std::vector<double>(col.data(), col.data() + col.size());
    }
    ranef[modes.group] = group;
  }
  j["ranef"] = ranef;
  return j.dump(indent);
}

}  // namespace lmm
