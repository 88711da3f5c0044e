// lmm/anova.hpp: likelihood-ratio tests between nested models, as lme4's anova(m1, m2, ...).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lmm/fit_result.hpp"
#include "lmm/linear_mixed_model.hpp"

namespace lmm {

// One model to compare: its name in the table, the model and its fit (REML or ML).
struct ComparedModel {
  std::string name;
  const LinearMixedModel* model = nullptr;
  FitResult fit;
};

// One row of lme4's table; chisq, df and p are empty on the first row (and p when df is 0).
struct AnovaRow {
  std::string name;
  std::string formula;  // as lme4 prints it (double bars expanded)
  int npar = 0;
  double aic = 0.0;
  double bic = 0.0;
  double loglik = 0.0;
  double deviance = 0.0;
  std::optional<double> chisq;
  std::optional<int> df;
  std::optional<double> p;
};

struct AnovaTable {
  bool refitted = false;      // some REML fits were refitted by ML (lme4's message)
  std::vector<AnovaRow> rows;  // ordered by number of parameters, as lme4 orders them
};

// Refits REML fits by ML, orders the models by their number of parameters and tests each
// against the one before: Chisq = 2 * max(0, difference in logLik) on the difference in npar
// degrees of freedom. Throws lmm::Error (kModel) when the models were fit to different
// observations or responses, or when fewer than two are given.
AnovaTable anova(const std::vector<ComparedModel>& models);

// lme4's printed table (print.anova with 5 significant digits and significance stars), headed
// by "Data: <data_name>" and the models' formulas; the refit message is not included.
std::string anova_text(const AnovaTable& table, const std::string& data_name);

// {"refitted": bool, "models": [{"name", "formula", "npar", "AIC", "BIC", "logLik", "deviance",
// "Chisq", "Df", "p"}]} in the printed order; Chisq, Df and p are null on the first row.
std::string anova_json(const AnovaTable& table, int indent = 2);

}  // namespace lmm
