#include "model/fit_assembly.hpp"

#include <cmath>
#include <limits>
#include <map>

namespace lmm::internal {
namespace {

void add_varcorr(FitResult& r) {
  for (const RandomEffectsCovariance& c : r.covariances) {
    const auto q = c.sd.size();
    for (Eigen::Index i = 0; i < q; ++i) r.varcorr.push_back({c.group, c.names[i], std::nullopt, c.sd[i] * c.sd[i], c.sd[i]});
    for (Eigen::Index j = 0; j < q; ++j)
      for (Eigen::Index i = j + 1; i < q; ++i)
        r.varcorr.push_back({c.group, c.names[j], c.names[i], c.correlation(i, j) * c.sd[i] * c.sd[j], c.correlation(i, j)});
  }
  r.varcorr.push_back({"Residual", std::nullopt, std::nullopt, r.sigma * r.sigma, r.sigma});
}

// Conditional modes per distinct grouping factor, the terms' columns side by side.
void add_ranef(FitResult& r, const std::vector<RandomEffectsTerm>& terms, const Eigen::VectorXd& b) {
  std::map<std::string, std::size_t> index;
  Eigen::Index offset = 0;
  for (const RandomEffectsTerm& t : terms) {
    auto [it, inserted] = index.emplace(t.group, r.ranef.size());
    if (inserted) r.ranef.push_back({t.group, {}, t.levels, Eigen::MatrixXd(t.nlevels(), 0)});
    ConditionalModes& modes = r.ranef[it->second];
    const Eigen::Index first = modes.values.cols();
    modes.values.conservativeResize(Eigen::NoChange, first + t.q());
    for (int l = 0; l < t.nlevels(); ++l)
      for (int k = 0; k < t.q(); ++k) modes.values(l, first + k) = b[offset + static_cast<Eigen::Index>(l) * t.q() + k];
    modes.names.insert(modes.names.end(), t.names.begin(), t.names.end());
    offset += t.nranef();
  }
}

// lme4's checkConv() after the singularity check, which skips it: the derivatives' messages
// make the fit unconverged.
void add_convergence_checks(FitResult& r, const ThetaDerivatives* derivatives, const FitOptions& options) {
  if (derivatives == nullptr) return;
  r.theta_gradient = derivatives->gradient;
  r.theta_hessian = derivatives->hessian;
  if (r.singular) return;
  ConvergenceDiagnosis diagnosis =
      check_convergence(*derivatives, options.gradient_tolerance, options.hessian_tolerance);
  r.max_scaled_gradient = diagnosis.max_scaled_gradient;
  if (diagnosis.messages.empty()) return;
  r.converged = false;
  for (std::string& m : diagnosis.messages) r.messages.push_back(std::move(m));
}

}  // namespace

std::vector<std::string> varcorr_group_names(const std::vector<RandomEffectsTerm>& terms) {
  std::map<std::string, int> seen;
  std::vector<std::string> names;
  for (const RandomEffectsTerm& t : terms) {
    const int count = seen[t.group]++;
    names.push_back(count == 0 ? t.group : t.group + "." + std::to_string(count));
  }
  return names;
}

namespace {

// The random effects' covariance matrices, sigma^2 T T', with their standard deviations and
// correlations (VarCorr).
void add_covariances(FitResult& r, const std::vector<RandomEffectsTerm>& terms, const std::vector<Eigen::MatrixXd>& factors) {
  const auto groups = varcorr_group_names(terms);
  for (std::size_t t = 0; t < terms.size(); ++t) {
    const Eigen::MatrixXd cov = r.sigma * r.sigma * factors[t] * factors[t].transpose();
    RandomEffectsCovariance c{groups[t], terms[t].names, cov.diagonal().cwiseSqrt(), cov};
    for (Eigen::Index i = 0; i < cov.rows(); ++i)
      for (Eigen::Index j = 0; j < cov.cols(); ++j) {
        const double denom = c.sd[i] * c.sd[j];
        c.correlation(i, j) = i == j ? 1.0 : denom > 0 ? cov(i, j) / denom : std::numeric_limits<double>::quiet_NaN();
      }
    r.covariances.push_back(std::move(c));
  }
}

// X beta + Z b + the offset, and the response minus it.
void add_fitted(FitResult& r, const ModelState& in, const ConditionalEstimates& est) {
  r.fitted = in.x.matrix * est.beta;
  if (in.design->offset.size() > 0) r.fitted += in.design->offset;
  Eigen::Index offset = 0;
  for (const RandomEffectsTerm& t : in.terms) {
    for (Eigen::Index i = 0; i < r.fitted.size(); ++i)
      r.fitted[i] += t.z.row(i).dot(est.b.segment(offset + static_cast<Eigen::Index>(t.codes[i]) * t.q(), t.q()));
    offset += t.nranef();
  }
  r.residuals = in.y - r.fitted;
  if (in.design->offset.size() > 0) r.residuals += in.design->offset;  // in.y is the response minus the offset
  r.weights = in.design->weights;
  r.weights_column = in.design->columns.weights;
  r.offset_column = in.design->columns.offset;
}

// lme4's and R's messages about the model and the optimizer, in lme4's order.
void add_messages(FitResult& r, const ModelState& in, const OptimizerOutcome& opt) {
  if (in.spec.dropped_response_term > 0) {  // R's two warnings from model.matrix
    r.messages.push_back("the response appeared on the right-hand side and was dropped");
    r.messages.push_back("problem with term " + std::to_string(in.spec.dropped_response_term) +
                         " in model.matrix: no columns are assigned");
  }
  if (!in.rank_message.empty()) r.messages.push_back(in.rank_message);
  if (!in.scale_message.empty()) r.messages.push_back(in.scale_message);
  if (!opt.converged)
    r.messages.push_back("convergence code " + std::to_string(opt.status) + " from " + opt.optimizer + ": " + opt.message);
  if (r.singular) r.messages.push_back("boundary (singular) fit: see help('isSingular')");
}

}  // namespace

FitResult assemble_fit(const ModelState& in, ProfiledDeviance& deviance, const OptimizerOutcome& opt,
                       const ThetaDerivatives* derivatives, const FitOptions& options) {
  FitResult r;
  r.formula = in.formula;
  r.response = in.spec.response_name;
  r.reml = options.reml;
  r.nobs = static_cast<int>(in.frame.nobs);
  r.nobs_dropped = static_cast<int>(in.frame.dropped);
  for (const RandomEffectsTerm& t : in.terms) {
    bool seen = false;
    for (const auto& g : r.ngroups) seen = seen || g.first == t.group;
    if (!seen) r.ngroups.emplace_back(t.group, t.nlevels());
  }

  r.theta = opt.x;
  const ConditionalEstimates est = deviance.estimates(opt.x, options.reml);
  r.objective = est.objective;
  r.sigma = est.sigma;
  r.fixef_names = in.x.names;
  r.fixef = est.beta;
  r.fixef_vcov = est.beta_vcov;
  r.fixef_se = est.beta_vcov.diagonal().cwiseSqrt();

  const auto p = static_cast<int>(in.x.names.size());
  r.df = p + static_cast<int>(opt.x.size()) + 1;
  r.loglik = -r.objective / 2.0;
  r.aic = r.objective + 2.0 * r.df;
  r.bic = r.objective + std::log(static_cast<double>(r.nobs)) * r.df;

  add_covariances(r, in.terms, deviance.relative_factors(opt.x));
  add_varcorr(r);
  add_ranef(r, in.terms, est.b);
  add_fitted(r, in, est);

  const auto& lower = deviance.lower_bounds();
  for (std::size_t i = 0; i < lower.size(); ++i)
    r.singular = r.singular || (lower[i] == 0.0 && opt.x[i] < options.singular_tolerance);
  r.evaluations = opt.evaluations;
  r.optimizer = opt.optimizer;
  const bool nelder_mead = options.optimizer == Optimizer::kNelderMead;
  if (options.xtol_rel) r.optimizer_control.emplace_back(nelder_mead ? "XtolRel" : "xtol_rel", *options.xtol_rel);
  if (options.ftol_abs) r.optimizer_control.emplace_back(nelder_mead ? "FtolAbs" : "ftol_abs", *options.ftol_abs);
  if (options.max_evaluations) r.optimizer_control.emplace_back(nelder_mead ? "maxfun" : "maxeval", *options.max_evaluations);
  r.optimizer_status = opt.message;
  r.converged = opt.converged;
  r.optimizer_code = opt.converged ? 0 : opt.status;  // nloptwrap's or Nelder_Mead's conv
  add_messages(r, in, opt);
  add_convergence_checks(r, derivatives, options);
  // Nelder_Mead's own warning at its evaluation limit, which lme4 prints after checkConv()'s.
  if (!opt.converged && opt.optimizer == "Nelder_Mead") r.messages.push_back(opt.message);
  return r;
}

}  // namespace lmm::internal
