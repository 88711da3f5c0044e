// Satterthwaite's degrees of freedom for tests of the fixed effects, as lmerTest 3.1-3 computes
// them (as_lmerModLT(), contest1D(), contestMD(), get_Fstat_ddf(), single_anova()).
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/fisher_f.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "inference/numerical_derivatives.hpp"
#include "inference/type3_contrasts.hpp"
#include "inference/varpar_covariance.hpp"
#include "lmm/error.hpp"
#include "lmm/satterthwaite.hpp"
#include "model/model_state.hpp"
#include "model/profiled_deviance.hpp"

namespace lmm {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The factor refactored at theta; throws where L cannot be factored.
const internal::BlockedCholesky& factored(internal::ProfiledDeviance& deviance, const std::vector<double>& theta) {
  if (!deviance.factor(theta))
    throw Error(ErrorKind::kModel, "Satterthwaite: the model cannot be factored near the fit's theta");
  return deviance.cholesky();
}

std::vector<double> theta_of(const Eigen::VectorXd& varpar) {
  return std::vector<double>(varpar.data(), varpar.data() + varpar.size() - 1);
}

// lmerTest's devfun_vp(): -2 log-likelihood (REML: restricted) at (theta, sigma), beta at its
// conditional estimate for theta.
double deviance_at(internal::ProfiledDeviance& deviance, const Eigen::VectorXd& varpar, bool reml) {
  if (!deviance.factor(theta_of(varpar))) return std::numeric_limits<double>::infinity();
  return deviance.likelihood().at_sigma(deviance.cholesky(), varpar[varpar.size() - 1], reml);
}

// lmerTest's get_covbeta(): sigma^2 (R_X' R_X)^{-1} at (theta, sigma), column-major.
Eigen::VectorXd vcov_beta_at(internal::ProfiledDeviance& deviance, const Eigen::VectorXd& varpar) {
  const Eigen::MatrixXd v =
      deviance.likelihood().beta_covariance(factored(deviance, theta_of(varpar)), varpar[varpar.size() - 1]);
  return Eigen::Map<const Eigen::VectorXd>(v.data(), v.size());
}

double quadratic_form(const Eigen::VectorXd& x, const Eigen::MatrixXd& a) { return x.dot(a * x); }

// 2 pt(-|t|, df): Student's t, or the normal distribution when df is infinite.
double two_sided_t(double t, double df) {
  if (!std::isfinite(t) || std::isnan(df) || !(df > 0.0)) return kNaN;
  if (std::isinf(df)) return 2.0 * boost::math::cdf(boost::math::complement(boost::math::normal(), std::fabs(t)));
  return 2.0 * boost::math::cdf(boost::math::complement(boost::math::students_t(df), std::fabs(t)));
}

// pf(F, ndf, ddf, lower.tail = FALSE).
double upper_f(double f, double ndf, double ddf) {
  if (!std::isfinite(f) || std::isnan(ddf) || !(ddf > 0.0) || !(f >= 0.0)) return kNaN;
  if (std::isinf(ddf)) {
    return boost::math::cdf(boost::math::complement(boost::math::chi_squared(ndf), f * ndf));
  }
  return boost::math::cdf(boost::math::complement(boost::math::fisher_f(ndf, ddf), f));
}

// get_Fstat_ddf(): the denominator degrees of freedom of an F statistic whose q components
// have nu_1, ..., nu_q degrees of freedom.
double f_statistic_df(const std::vector<double>& nu, double tolerance = 1e-8) {
  if (nu.size() == 1) return nu[0];
  bool all_equal = true;
  double sum = 0.0;
  for (std::size_t i = 0; i < nu.size(); ++i) {
    sum += nu[i];
    if (i > 0 && !(std::fabs(nu[i] - nu[i - 1]) < tolerance)) all_equal = false;
  }
  if (all_equal) return sum / static_cast<double>(nu.size());
  double e = 0.0;
  for (double v : nu) {
    if (v <= 2.0) return 2.0;
    e += v / (v - 2.0);
  }
  return 2.0 * e / (e - static_cast<double>(nu.size()));
}

// The gradient of L' vcov(beta) L with respect to the variance parameters.
Eigen::VectorXd variance_gradient(const SatterthwaiteResult& s, const Eigen::VectorXd& L) {
  Eigen::VectorXd g(static_cast<Eigen::Index>(s.vcov_beta_jacobian.size()));
  for (std::size_t k = 0; k < s.vcov_beta_jacobian.size(); ++k)
    g[static_cast<Eigen::Index>(k)] = quadratic_form(L, s.vcov_beta_jacobian[k]);
  return g;
}

// mk_Ftable() of contestMD().
TermFTest f_table_row(const std::string& term, double f, int ndf, double ddf, double sigma) {
  TermFTest row;
  row.term = term;
  row.mean_sq = f * sigma * sigma;
  row.sum_sq = row.mean_sq * ndf;
  row.num_df = ndf;
  row.den_df = ddf;
  row.f_value = f;
  row.p_value = upper_f(f, ndf, ddf);
  return row;
}

TermFTest untestable(const std::string& term) {
  TermFTest row;
  row.term = term;
  row.sum_sq = row.mean_sq = row.den_df = row.f_value = row.p_value = kNaN;
  return row;
}

void check_fit(const internal::ModelState& m, const LinearMixedModel& model, const FitResult& fit) {
  const auto mismatch = [](const std::string& what) {
    return Error(ErrorKind::kUsage, "Satterthwaite: the fit does not belong to the model (" + what + ")");
  };
  if (fit.theta.size() != model.theta_size()) throw mismatch("theta has " + std::to_string(fit.theta.size()) + " values, the model needs " + std::to_string(model.theta_size()));
  if (fit.fixef_names != m.x.names || fit.fixef.size() != m.x.matrix.cols() ||
      fit.fixef_vcov.rows() != m.x.matrix.cols() || fit.fixef_vcov.cols() != m.x.matrix.cols())
    throw mismatch("different fixed effects");
  if (static_cast<std::size_t>(fit.nobs) != m.frame.nobs) throw mismatch("different number of observations");
  if (!(fit.sigma > 0.0) || !std::isfinite(fit.sigma)) throw mismatch("sigma is not positive");
}

}  // namespace

SatterthwaiteResult satterthwaite(const LinearMixedModel& model, const FitResult& fit, const SatterthwaiteOptions& options) {
  const internal::ModelState& m = model.state();
  check_fit(m, model, fit);
  if (options.richardson_levels < 1 || !(options.hessian_relative_step > 0.0) ||
      !(options.jacobian_relative_step > 0.0) || !(options.absolute_step > 0.0) || !(options.eigenvalue_tolerance >= 0.0))
    throw Error(ErrorKind::kUsage, "Satterthwaite: steps and levels must be positive, the eigenvalue tolerance non-negative");

  internal::ProfiledDeviance deviance(m);  // this call's factor
  SatterthwaiteResult s;
  s.varpar = fit.theta;
  s.varpar.push_back(fit.sigma);
  s.beta = fit.fixef;
  s.vcov_beta = fit.fixef_vcov;
  s.sigma = fit.sigma;
  const Eigen::VectorXd varpar = Eigen::Map<const Eigen::VectorXd>(s.varpar.data(), static_cast<Eigen::Index>(s.varpar.size()));

  internal::RichardsonSteps steps;
  steps.absolute_step = options.absolute_step;
  steps.zero_tolerance = options.zero_tolerance;
  steps.levels = options.richardson_levels;
  steps.relative_step = options.hessian_relative_step;
  const Eigen::MatrixXd hessian = internal::richardson_hessian(
      [&](const Eigen::VectorXd& v) { return deviance_at(deviance, v, fit.reml); }, varpar, steps);
  if (!hessian.allFinite())
    throw Error(ErrorKind::kModel, "Satterthwaite: the deviance is not finite near the fit's variance parameters");
  s.varpar_vcov = internal::varpar_covariance(hessian, options.eigenvalue_tolerance, s.messages);

  steps.relative_step = options.jacobian_relative_step;
  const Eigen::MatrixXd jacobian =
      internal::richardson_jacobian([&](const Eigen::VectorXd& v) { return vcov_beta_at(deviance, v); }, varpar, steps);
  const Eigen::Index p = s.beta.size();
  for (Eigen::Index k = 0; k < jacobian.cols(); ++k)
    s.vcov_beta_jacobian.push_back(Eigen::Map<const Eigen::MatrixXd>(jacobian.col(k).data(), p, p));

  for (Eigen::Index i = 0; i < p; ++i)
    s.coefficients.push_back(contrast_t_test(s, Eigen::VectorXd::Unit(p, i), fit.fixef_names[static_cast<std::size_t>(i)]));

  s.anova_heading = "Type III Analysis of Variance Table with Satterthwaite's method";
  if (options.type3_anova) {
    std::vector<TermFTest> missing;
    for (const internal::TermContrast& c : internal::type3_contrasts(m, s.messages)) {
      TermFTest row = contrast_f_test(s, c.L, c.term);
      (row.testable() ? s.terms : missing).push_back(std::move(row));
    }
    s.terms.insert(s.terms.end(), missing.begin(), missing.end());  // single_anova() appends them
  }
  return s;
}

CoefficientTest contrast_t_test(const SatterthwaiteResult& s, const Eigen::VectorXd& L, const std::string& name) {
  if (L.size() != s.beta.size())
    throw Error(ErrorKind::kUsage, "contrast has " + std::to_string(L.size()) + " coefficients, the model has " +
                                       std::to_string(s.beta.size()));
  CoefficientTest t;
  t.name = name;
  t.estimate = L.dot(s.beta);
  const double variance = quadratic_form(L, s.vcov_beta);
  t.std_error = std::sqrt(variance);
  const double denominator = quadratic_form(variance_gradient(s, L), s.varpar_vcov);
  t.df = 2.0 * variance * variance / denominator;
  t.t_value = t.estimate / t.std_error;
  t.p_value = two_sided_t(t.t_value, t.df);
  return t;
}

TermFTest contrast_f_test(const SatterthwaiteResult& s, const Eigen::MatrixXd& L, const std::string& term) {
  if (L.cols() != s.beta.size())
    throw Error(ErrorKind::kUsage, "contrast matrix has " + std::to_string(L.cols()) + " columns, the model has " +
                                       std::to_string(s.beta.size()) + " coefficients");
  if (L.rows() == 0) return untestable(term);
  if (L.rows() == 1) {
    const CoefficientTest t = contrast_t_test(s, L.row(0).transpose());
    return f_table_row(term, t.t_value * t.t_value, 1, t.df, s.sigma);
  }
  // Test along the eigenvectors of L V L' with eigenvalues above sqrt(eps) x the largest.
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(L * s.vcov_beta * L.transpose());
  const Eigen::VectorXd d = eig.eigenvalues().reverse();
  const Eigen::MatrixXd P = eig.eigenvectors().rowwise().reverse();
  const double tolerance = std::max(std::sqrt(std::numeric_limits<double>::epsilon()) * d[0], 0.0);
  int q = 0;
  while (q < d.size() && d[q] > tolerance) ++q;
  if (q == 0) return untestable(term);
  const Eigen::MatrixXd PtL = (P.transpose() * L).topRows(q);
  if (q == 1) {
    const CoefficientTest t = contrast_t_test(s, PtL.row(0).transpose());
    return f_table_row(term, t.t_value * t.t_value, 1, t.df, s.sigma);
  }
  double f = 0.0;
  std::vector<double> nu;
  for (Eigen::Index k = 0; k < q; ++k) {
    const Eigen::VectorXd contrast = PtL.row(k).transpose();
    const double estimate = contrast.dot(s.beta);
    f += estimate * estimate / d[k];
    nu.push_back(2.0 * d[k] * d[k] / quadratic_form(variance_gradient(s, contrast), s.varpar_vcov));
  }
  return f_table_row(term, f / q, q, f_statistic_df(nu), s.sigma);
}

}  // namespace lmm
