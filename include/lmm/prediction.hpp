// lmm/prediction.hpp: predictions on new data, as lme4's predict(m, newdata).
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <vector>

#include "lmm/data_frame.hpp"
#include "lmm/fit_result.hpp"
#include "lmm/linear_mixed_model.hpp"

namespace lmm {

struct PredictOptions {
  // Add each row's conditional modes (lme4's default re.form); false is re.form = NA, the
  // fixed effects alone.
  bool include_random_effects = true;
  // lme4's allow.new.levels: a level of a grouping factor that the model has not seen (or a
  // missing one) contributes 0; when false it is an error.
  bool allow_new_levels = true;
};

// The linear predictor for each row of newdata, as predict(m, newdata, re.form, allow.new.levels)
// with lme4's default na.action = na.pass: NaN where a variable the prediction uses is missing.
// The formula's offset() terms are evaluated on newdata and added; a ModelOptions::offset column
// is not, as lme4 1.1-31 leaves out lmer's `offset =` argument on new data.
// Factors are matched to the fitted model's levels by label (a numeric column matches by R's
// as.character of its values, so a grouping column need not be declared a factor). The response
// is not needed. Throws lmm::Error: kInput when newdata lacks a column the model uses, or a
// fixed-effects factor has a level the model was not fit with (or, with allow_new_levels false,
// a grouping factor has a new or missing level), naming the column and the level; kUsage when
// `fit` is not a fit of `model`.
Eigen::VectorXd predict(const LinearMixedModel& model, const FitResult& fit, const DataFrame& newdata,
                        const PredictOptions& options = {});

// The rows of the model's data that it uses (0-based; rows with a missing value in a variable
// of the model are dropped, lme4's na.omit), aligned with FitResult::fitted and residuals.
std::vector<std::size_t> observation_rows(const LinearMixedModel& model);

}  // namespace lmm
