// lmm ranef, lmm coef, lmm predict: lme4's ranef(condVar = TRUE), coef() and predict() from the
// command line, as CSV or JSON.
#include <iostream>

#include "commands.hpp"
#include "util/excerpt.hpp"

namespace lmm::cli {

void QueryOptions::add_to(CLI::App& app) {
  app.add_option("formula", formula, "model formula, e.g. 'y ~ x + (x | g)'")->required();
  data.add_to(app);
  control.add_to(app);
  app.add_option("--format", format, "output format (default csv)")->check(CLI::IsMember({"csv", "json"}));
}

void RanefCommand::add_to(CLI::App& app) { query.add_to(app); }

int RanefCommand::run() const {
  const LinearMixedModel model(query.formula, query.data.load(), query.data.model);
  const std::vector<RandomEffectRow> rows = ranef_table(model, model.fit(query.control.fit_options()));
  std::cout << (query.format == "json" ? ranef_json(rows) + "\n" : ranef_csv(rows));
  return 0;
}

void CoefCommand::add_to(CLI::App& app) { query.add_to(app); }

int CoefCommand::run() const {
  const LinearMixedModel model(query.formula, query.data.load(), query.data.model);
  const std::vector<GroupCoefficients> groups = coef(model.fit(query.control.fit_options()));
  std::cout << (query.format == "json" ? coef_json(groups) + "\n" : coef_csv(groups));
  return 0;
}

void PredictCommand::add_to(CLI::App& app) {
  query.add_to(app);
  app.add_option("--newdata", newdata, "CSV file of rows to predict (without it: fitted values and residuals)");
  app.add_option("--newdata-factor", newdata_factors,
                 "numeric-coded newdata columns to treat as factors (the --factor columns are included)")
      ->delimiter(',');
  app.add_flag("--no-random-effects", no_random_effects, "fixed effects only (lme4's re.form = NA)");
  app.add_flag("--no-new-levels", no_new_levels,
               "a grouping-factor level the model was not fit with is an error (otherwise it contributes 0)");
}

int PredictCommand::run() const {
  if (newdata.empty() && (no_random_effects || no_new_levels || !newdata_factors.empty()))
    throw Error(ErrorKind::kUsage, "--no-random-effects, --no-new-levels and --newdata-factor need --newdata");
  const LinearMixedModel model(query.formula, query.data.load(), query.data.model);
  const FitResult fit = model.fit(query.control.fit_options());
  if (newdata.empty()) {
    const std::vector<std::size_t> rows = observation_rows(model);
    std::cout << (query.format == "json" ? fitted_json(rows, fit.fitted, fit.residuals) + "\n"
                                         : fitted_csv(rows, fit.fitted, fit.residuals));
    return 0;
  }
  DataFrame frame = read_data_file(newdata);
  for (const std::string& name : query.data.factors)
    if (frame.has(name)) frame.declare_factor(name);
  for (const std::string& name : query.data.coding.factor_columns())
    if (frame.has(name)) frame.declare_factor(name);  // matched to the model's levels by label
  for (const std::string& name : newdata_factors) {
    if (!frame.has(name))
      throw Error(ErrorKind::kInput,
                  "--newdata-factor: no column named " + internal::quote(name) + " in " + internal::quote_path(newdata) +
                      did_you_mean(frame, name));
    frame.declare_factor(name);
  }
  PredictOptions options;
  options.include_random_effects = !no_random_effects;
  options.allow_new_levels = !no_new_levels;
  const Eigen::VectorXd values = predict(model, fit, frame, options);
  if (!query.data.model.offset.empty())
    deferred_warnings().push_back("as lme4's predict(), predictions on new data leave out the --offset column " +
                                  internal::quote(query.data.model.offset) +
                                  " (only the formula's offset() terms are added); write offset(" +
                                  query.data.model.offset + ") in the formula to include it");
  std::cout << (query.format == "json" ? prediction_json(values) + "\n" : prediction_csv(values));
  return 0;
}

}  // namespace lmm::cli
