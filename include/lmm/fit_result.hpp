// lmm/fit_result.hpp: everything lme4's summary(), fixef(), ranef(), VarCorr() report.
#pragma once

#include <Eigen/Dense>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lmm {

// One random-effects term's covariance: lme4's VarCorr() entry for one group.
struct RandomEffectsCovariance {
  std::string group;               // lme4's name: "school", "classid.1", "classid2:schoolid"
  std::vector<std::string> names;  // the term's columns: "(Intercept)", "ses"
  Eigen::VectorXd sd;              // standard deviations
  Eigen::MatrixXd correlation;     // correlations (identity when one column)
};

// One row of as.data.frame(VarCorr(m)).
struct VarCorrRow {
  std::string group;
  std::optional<std::string> var1;  // empty for the residual
  std::optional<std::string> var2;  // set on correlation rows only
  double vcov = 0.0;                // variance or covariance
  double sdcor = 0.0;               // standard deviation or correlation
};

// Conditional modes of one random-effects term: ranef(m)[[group]].
struct ConditionalModes {
  std::string group;
  std::vector<std::string> names;   // columns
  std::vector<std::string> levels;  // rows
  Eigen::MatrixXd values;           // levels x columns
};

struct FitResult {
  std::string formula;
  std::string response;
  bool reml = true;

  int nobs = 0;
  int nobs_dropped = 0;  // removed for missing values
  std::vector<std::pair<std::string, int>> ngroups;  // distinct grouping factors, lme4's order

  double objective = 0.0;  // REML criterion or deviance at the optimum
  double loglik = 0.0;
  double aic = 0.0;
  double bic = 0.0;
  int df = 0;  // number of parameters: fixed effects, theta, and sigma
  double sigma = 0.0;

  std::vector<std::string> fixef_names;
  Eigen::VectorXd fixef;
  Eigen::VectorXd fixef_se;
  Eigen::MatrixXd fixef_vcov;

  std::vector<double> theta;
  std::vector<RandomEffectsCovariance> covariances;
  std::vector<VarCorrRow> varcorr;
  std::vector<ConditionalModes> ranef;

  Eigen::VectorXd fitted;
  Eigen::VectorXd residuals;  // y - fitted
  Eigen::VectorXd weights;    // the prior weights; empty when the model has none
  std::string weights_column;  // the data's column of prior weights, or ""
  std::string offset_column;   // the data's offset column (beside the formula's offset() terms), or ""

  bool singular = false;
  // False when the optimizer stopped on its evaluation limit or an error, or when lme4's
  // checkConv() would warn (its message is then in `messages`).
  bool converged = true;
  int evaluations = 0;
  std::string optimizer = "nloptwrap";  // lme4's name for it: "nloptwrap" (BOBYQA) or "Nelder_Mead"
  // The stopping rules set away from the defaults, by lme4's optCtrl names (nloptwrap: xtol_rel,
  // ftol_abs, maxeval; Nelder_Mead: XtolRel, FtolAbs, maxfun): the summary's "Control:" line.
  std::vector<std::pair<std::string, double>> optimizer_control;
  std::string optimizer_status;
  int optimizer_code = 0;  // lme4's optinfo$conv$opt: the NLopt status when negative or 5, else 0
  std::vector<std::string> messages;

  // lme4's optinfo$derivs: gradient and Hessian of the objective in theta at the optimum, by
  // central differences with step 1e-4 (empty when FitOptions::calc_derivatives is false).
  Eigen::VectorXd theta_gradient;
  Eigen::MatrixXd theta_hessian;
  // checkConv()'s largest scaled gradient, min(|R^-1 g|, |g|) with H = R'R; NaN when not
  // evaluated (singular fit, no derivatives, or a Hessian that is not positive definite).
  double max_scaled_gradient = std::numeric_limits<double>::quiet_NaN();

  // R's quantile() (type 7) of the scaled Pearson residuals sqrt(w_i) residual_i / sigma at 0,
  // .25, .5, .75, 1 (w_i = 1 without prior weights).
  std::vector<double> scaled_residual_quantiles() const;
};

}  // namespace lmm
