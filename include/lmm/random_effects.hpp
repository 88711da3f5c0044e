// lmm/random_effects.hpp: the random effects by level, as lme4's ranef(m, condVar = TRUE) and
// coef(m) give them.
#pragma once

#include <Eigen/Dense>
#include <string>
#include <vector>

#include "lmm/fit_result.hpp"
#include "lmm/linear_mixed_model.hpp"

namespace lmm {

// One row of as.data.frame(ranef(m, condVar = TRUE)).
struct RandomEffectRow {
  std::string grpvar;    // grouping factor, e.g. "Subject"
  std::string term;      // column of the random-effects term, e.g. "(Intercept)", "Days"
  std::string grp;       // level of the grouping factor
  double condval = 0.0;  // conditional mode
  double condsd = 0.0;   // conditional standard deviation
};

// The conditional covariance of one random-effects term's effects, level by level:
// Var(b_i | y) = sigma^2 T [(Lambda'Z'Z Lambda + I)^{-1}]_ii T', with T the term's relative
// covariance factor, as lme4's condVar computes it (theta and beta held at their estimates;
// the uncertainty of beta is not included).
struct ConditionalCovariance {
  std::string group;                     // grouping factor
  std::vector<std::string> names;        // the term's columns
  std::vector<std::string> levels;       // levels of the grouping factor
  std::vector<Eigen::MatrixXd> covariance;  // one q x q matrix per level
};

// One entry per random-effects term, in the model's term order (decreasing number of levels,
// as lme4 orders them). For a grouping factor with several terms, e.g. (1 | g) + (0 + x | g),
// lme4 also reports the covariances between the terms' effects; lmm gives each term's block
// (the diagonal, hence condsd, is the same). Throws lmm::Error (kUsage) when `fit` is not a fit
// of `model`.
std::vector<ConditionalCovariance> conditional_covariances(const LinearMixedModel& model, const FitResult& fit);

// as.data.frame(ranef(m, condVar = TRUE)): by grouping factor (lme4's order), then by column,
// then by level. Throws lmm::Error (kUsage) when `fit` is not a fit of `model`.
std::vector<RandomEffectRow> ranef_table(const LinearMixedModel& model, const FitResult& fit);

// coef(m)[[group]]: each level's coefficients, the fixed effects plus the level's conditional
// modes where a random-effects column has the same name.
struct GroupCoefficients {
  std::string group;
  // lme4's columns: random-effects columns that are not fixed effects (their fixed part 0)
  // first, then every fixed effect in fixef order.
  std::vector<std::string> names;
  std::vector<std::string> levels;  // rows
  Eigen::MatrixXd values;           // levels x names
};

// One entry per grouping factor, in the order of fit.ranef.
std::vector<GroupCoefficients> coef(const FitResult& fit);

}  // namespace lmm
