// lmm/satterthwaite.hpp: t-tests and F tests of the fixed effects with Satterthwaite's
// denominator degrees of freedom, as lmerTest 3.1-3's summary() and anova() compute them.
#pragma once

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "lmm/fit_result.hpp"
#include "lmm/linear_mixed_model.hpp"
#include "lmm/report.hpp"

namespace lmm {

// How the derivatives behind the degrees of freedom are taken. The defaults are those of
// numDeriv 2016.8-1, which lmerTest calls: Richardson extrapolation over `richardson_levels`
// central differences, each step half the one before, the first |x| * relative step (or
// `absolute_step` where |x| < `zero_tolerance`).
struct SatterthwaiteOptions {
  double hessian_relative_step = 0.1;    // numDeriv::hessian's d
  double jacobian_relative_step = 1e-4;  // numDeriv::jacobian's d
  double absolute_step = 1e-4;           // numDeriv's eps
  double zero_tolerance = std::sqrt(std::numeric_limits<double>::epsilon() / 7e-7);  // numDeriv's zero.tol
  int richardson_levels = 4;             // numDeriv's r
  // Eigenvalues of the Hessian of the deviance above this are inverted; lmerTest's tol.
  double eigenvalue_tolerance = 1e-8;
  // Compute the type III F tests of anova() (the t-tests of the coefficients always are).
  bool type3_anova = true;
};

// One row of lmerTest's summary() coefficient table: the test of one contrast L'beta = 0.
struct CoefficientTest {
  std::string name;
  double estimate = 0.0;   // L'beta
  double std_error = 0.0;  // sqrt(L' vcov(beta) L)
  double df = 0.0;         // Satterthwaite's denominator degrees of freedom
  double t_value = 0.0;
  double p_value = 0.0;    // two-sided, from Student's t on df
};

// One row of lmerTest's anova() table: the F test of a term's hypothesis L beta = 0.
// A term with no testable contrast (lmerTest's row of NAs) has num_df 0 and NaN elsewhere.
struct TermFTest {
  std::string term;
  double sum_sq = 0.0;   // F * sigma^2 * num_df
  double mean_sq = 0.0;  // F * sigma^2
  int num_df = 0;        // rank of the hypothesis
  double den_df = 0.0;   // Satterthwaite's denominator degrees of freedom
  double f_value = 0.0;
  double p_value = 0.0;
  bool testable() const { return num_df > 0; }
};

struct SatterthwaiteResult {
  std::vector<CoefficientTest> coefficients;  // one per fixed effect, in the fit's order
  std::vector<TermFTest> terms;               // type III tests, in the formula's term order
  std::string anova_heading;  // "Type III Analysis of Variance Table with Satterthwaite's method"

  // What the tests are computed from: the variance parameters (theta..., sigma), their
  // asymptotic covariance (2 x the pseudo-inverse of the Hessian of the deviance) and the
  // derivatives of vcov(beta) with respect to each of them.
  std::vector<double> varpar;
  Eigen::MatrixXd varpar_vcov;
  std::vector<Eigen::MatrixXd> vcov_beta_jacobian;
  Eigen::VectorXd beta;
  Eigen::MatrixXd vcov_beta;
  double sigma = 0.0;

  std::vector<std::string> messages;  // lmerTest's warnings (Hessian eigenvalues, missing cells)
};

// lmerTest's as_lmerModLmerTest() followed by summary()'s t-tests and anova()'s type III F
// tests. `fit` must be a fit of `model` (REML or ML). Throws lmm::Error (kUsage) when it is not.
SatterthwaiteResult satterthwaite(const LinearMixedModel& model, const FitResult& fit,
                                  const SatterthwaiteOptions& options = {});

// lmerTest's contest1D(): the t-test of L'beta = 0. Throws lmm::Error when L has the wrong length.
CoefficientTest contrast_t_test(const SatterthwaiteResult& tests, const Eigen::VectorXd& L,
                                const std::string& name = "");

// lmerTest's contestMD(): the F test of L beta = 0 (rows of L are contrasts; a rank-deficient L
// is tested on its rank). Throws lmm::Error when L has the wrong number of columns.
TermFTest contrast_f_test(const SatterthwaiteResult& tests, const Eigen::MatrixXd& L, const std::string& term = "");

// ---- reports ------------------------------------------------------------------------------

// print(summary(m)) of an lmerTest fit: lme4's summary with the title "... t-tests use
// Satterthwaite's method [lmerModLmerTest]" and the columns df and Pr(>|t|) with stars.
std::string satterthwaite_summary_text(const FitResult& fit, const SatterthwaiteResult& tests,
                                       const SummaryOptions& options = {});

// print(anova(m)) of an lmerTest fit: the heading and the F table (print.anova, 5 digits).
std::string satterthwaite_anova_text(const SatterthwaiteResult& tests);

// fit_json() plus "fixef_df", "fixef_t", "fixef_p" (objects keyed by coefficient name),
// "anova_type3": [{term, sum_sq, mean_sq, num_df, den_df, F, p}] and "satterthwaite_messages".
std::string satterthwaite_fit_json(const FitResult& fit, const SatterthwaiteResult& tests, int indent = 2);

// {"heading", "anova_type3": [...], "messages"}: the F table alone.
std::string satterthwaite_anova_json(const SatterthwaiteResult& tests, int indent = 2);

}  // namespace lmm
