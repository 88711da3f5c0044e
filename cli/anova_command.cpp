// lmm anova: lme4's anova(m1, m2, ...) from the command line.
#include <iostream>

#include "commands.hpp"
#include "util/excerpt.hpp"
#include "util/one_line.hpp"

namespace lmm::cli {

void AnovaCommand::add_to(CLI::App& app) {
  app.add_option("formulas", formulas,
                 "one model formula (type III F tests of its terms, Satterthwaite's df, as lmerTest's anova(m)) or "
                 "two or more fitted to the same data (likelihood-ratio tests, as lme4's anova(m1, m2, ...))")
      ->required();
  data.add_to(app);
  app.add_option("--names", names, "names of the models in the table (default MODEL1, MODEL2, ...)")->delimiter(',');
  control.add_to(app, "fit by maximum likelihood (otherwise REML fits are refitted by ML, as lme4 does)");
  app.add_option("--format", format, "output format")->check(CLI::IsMember({"text", "json"}));
}

// One model: lmerTest's anova(m), the type III F tests of its terms.
int AnovaCommand::run_type3(const DataFrame& frame, const FitOptions& options) const {
  const LinearMixedModel model(formulas[0], frame, data.model);
  const SatterthwaiteResult tests = satterthwaite(model, model.fit(options));
  if (format == "json") {
    std::cout << satterthwaite_anova_json(tests) << "\n";
  } else {
    for (const std::string& m : tests.messages) std::cerr << "lmm: warning: " << internal::one_line(m) << "\n";
    std::cout << satterthwaite_anova_text(tests);
  }
  return 0;
}

int AnovaCommand::run() const {
  if (formulas.empty()) throw Error(ErrorKind::kUsage, "anova needs at least one formula");
  if (!names.empty() && names.size() != formulas.size())
    throw Error(ErrorKind::kUsage, "--names gives " + std::to_string(names.size()) + " names for " +
                                       std::to_string(formulas.size()) + " formulas");
  for (std::size_t i = 0; i < names.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (names[i] == names[j])
        throw Error(ErrorKind::kUsage, "--names: " + internal::quote(names[i]) + " is used twice");
  const DataFrame frame = data.load();
  const FitOptions options = control.fit_options();
  if (formulas.size() == 1) return run_type3(frame, options);
  std::vector<LinearMixedModel> models;
  models.reserve(formulas.size());
  std::vector<ComparedModel> compared;
  for (std::size_t i = 0; i < formulas.size(); ++i) {
    models.emplace_back(formulas[i], frame, data.model);
    compared.push_back({names.empty() ? "MODEL" + std::to_string(i + 1) : names[i], &models.back(),
                        models.back().fit(options)});
  }
  const AnovaTable table = anova(compared);
  if (format == "json") {
    std::cout << anova_json(table) << "\n";
  } else {
    if (table.refitted) std::cerr << "refitting model(s) with ML (instead of REML)\n";
    std::cout << anova_text(table, data.data_name());
  }
  return 0;
}

}  // namespace lmm::cli
