#include "commands.hpp"

#include <filesystem>
#include <iostream>
#include <limits>

#include "option_checks.hpp"
#include "util/excerpt.hpp"
#include "util/one_line.hpp"

namespace lmm::cli {

using internal::quote;
using internal::quote_path;

void DataOptions::add_to(CLI::App& app) {
  app.add_option("--data", data, "CSV file of observations")->required();
  app.add_option("--join", joins, "CSV file of group-level variables to left-join (repeatable, each with --by)")
      ->expected(1)->take_all();
  app.add_option("--by", by, "key column for the matching --join")->expected(1)->take_all();
  app.add_option("--factor", factors, "numeric-coded columns to treat as factors")->delimiter(',');
  coding.add_to(app);
  app.add_option("--data-name", name, "name shown on the summary's Data: line (default: the file's stem)");
  app.add_option("--weights", model.weights, "column of prior weights (lmer's weights =): residual variance sigma^2 / w");
  app.add_option("--offset", model.offset, "column added to the linear predictor (lmer's offset =), beside offset() terms");
}

std::vector<std::string>& deferred_warnings() {
  static std::vector<std::string> warnings;
  return warnings;
}

DataFrame read_data_file(const std::string& path) {
  DataFrame frame = read_csv(path);
  for (const std::string& w : frame.warnings()) deferred_warnings().push_back(internal::one_line(w));
  return frame;
}

DataFrame DataOptions::load() const {
  if (joins.size() != by.size())
    throw Error(ErrorKind::kUsage, "each --join needs one --by (got " + std::to_string(joins.size()) + " --join and " +
                                       std::to_string(by.size()) + " --by)");
  DataFrame frame = read_data_file(data);
  for (std::size_t k = 0; k < joins.size(); ++k) {
    if (!frame.has(by[k]))
      throw Error(ErrorKind::kInput, "--by: no column named " + quote(by[k]) + " in " + quote_path(data) +
                                         (k > 0 ? " or the files joined before " + quote_path(joins[k]) : "") +
                                         did_you_mean(frame, by[k]));
    const DataFrame right = read_data_file(joins[k]);
    if (!right.has(by[k]))
      throw Error(ErrorKind::kInput,
                  "--by: no column named " + quote(by[k]) + " in " + quote_path(joins[k]) + did_you_mean(right, by[k]));
    frame = left_join(frame, right, by[k]);
  }
  for (const std::string& name : factors) {
    if (!frame.has(name))
      throw Error(ErrorKind::kInput, "--factor: no column named " + quote(name) + " in the data" + did_you_mean(frame, name));
    frame.declare_factor(name);
  }
  coding.apply(frame);
  return frame;
}

std::string DataOptions::data_name() const {
  return name.empty() ? std::filesystem::path(data).stem().string() : name;
}

void FitControlOptions::add_to(CLI::App& app, const std::string& ml_help) {
  app.add_flag("--ml", ml, ml_help);
  app.add_option("--optimizer", optimizer,
                 "bobyqa (default, lme4's nloptwrap) or nelder-mead (lmerControl(optimizer = \"Nelder_Mead\"))")
      ->check(CLI::IsMember({"bobyqa", "nelder-mead"}));
  app.add_option("--xtol-rel", xtol_rel, "relative tolerance on theta (default: BOBYQA 1e-4, Nelder-Mead 1e-7)")
      ->check(non_negative_number());
  app.add_option("--ftol-abs", ftol_abs, "absolute tolerance on the objective (default: BOBYQA 1e-8, Nelder-Mead 1e-5)")
      ->check(non_negative_number());
  app.add_option("--max-evaluations", max_evaluations,
                 "limit on objective evaluations, 1 to 2147483647 (default: BOBYQA 100000, Nelder-Mead 10000)")
      ->check(whole_number(1, std::numeric_limits<int>::max()));
}

FitOptions FitControlOptions::fit_options() const {
  FitOptions options;
  options.reml = !ml;
  optimizer_from_string(optimizer, &options.optimizer);  // checked by --optimizer's IsMember
  options.xtol_rel = xtol_rel;
  options.ftol_abs = ftol_abs;
  options.max_evaluations = max_evaluations;
  return options;
}

void FitCommand::add_to(CLI::App& app) {
  app.add_option("formula", formula, "model formula, e.g. 'y ~ x + (x | g)'")->required();
  data.add_to(app);
  control.add_to(app);
  app.add_option("--format", format, "output format")->check(CLI::IsMember({"text", "json"}));
  app.add_option("--ddf", ddf,
                 "denominator degrees of freedom for tests of the fixed effects: satterthwaite (lmerTest's "
                 "summary; JSON adds fixef_df, fixef_t, fixef_p and anova_type3)")
      ->check(CLI::IsMember({"satterthwaite"}));
}

namespace {

void print_warnings(const std::vector<std::string>& messages) {
  for (const std::string& m : messages) std::cerr << "lmm: warning: " << internal::one_line(m) << "\n";
}

}  // namespace

int FitCommand::run() const {
  const DataFrame frame = data.load();
  const LinearMixedModel model(formula, frame, data.model);
  const FitResult fit = model.fit(control.fit_options());
  SummaryOptions summary;
  summary.data_name = data.data_name();
  if (ddf == "satterthwaite") {
    SatterthwaiteOptions tests_options;
    tests_options.type3_anova = format == "json";  // the summary shows t-tests only, as lmerTest's
    const SatterthwaiteResult tests = satterthwaite(model, fit, tests_options);
    if (format == "json") {
      std::cout << satterthwaite_fit_json(fit, tests) << "\n";
    } else {
      print_warnings(tests.messages);
      std::cout << satterthwaite_summary_text(fit, tests, summary);
    }
    return 0;
  }
  if (format == "json") {
    std::cout << fit_json(fit) << "\n";
  } else {
    std::cout << summary_text(fit, summary);
  }
  return 0;
}

}  // namespace lmm::cli
