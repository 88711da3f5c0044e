// lmm: fit linear mixed-effects models from the command line.
#include <iostream>

#include "commands.hpp"

namespace {

// Exit codes (documented in the README): 0 success, 2 usage, 3 data, 4 formula, 5 model, 1 other.
int exit_code(lmm::ErrorKind kind) {
  switch (kind) {
    case lmm::ErrorKind::kUsage: return 2;
    case lmm::ErrorKind::kInput: return 3;
    case lmm::ErrorKind::kFormula: return 4;
    case lmm::ErrorKind::kModel: return 5;
  }
  return 1;
}

bool is_command(const CLI::App& app, const std::string& name) {
  for (const CLI::App* sub : app.get_subcommands({})) if (sub->get_name() == name) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lmm: linear mixed-effects models, with lme4's formulas and numbers"};
  app.require_subcommand(1);
  lmm::cli::FitCommand fit;
  fit.add_to(*app.add_subcommand("fit", "fit a model and print its summary"));
  lmm::cli::AnovaCommand anova;
  anova.add_to(*app.add_subcommand("anova", "type III F tests of one model's terms (Satterthwaite), or likelihood-ratio tests between nested models"));
  lmm::cli::ConfintCommand confint;
  confint.add_to(*app.add_subcommand("confint", "confidence intervals: profile likelihood, Wald or bootstrap"));
  lmm::cli::BootstrapCommand bootstrap;
  bootstrap.add_to(*app.add_subcommand("bootstrap", "parametric bootstrap replicates as CSV"));
  lmm::cli::RanefCommand ranef;
  ranef.add_to(*app.add_subcommand("ranef", "conditional modes and standard deviations of the random effects"));
  lmm::cli::CoefCommand coef;
  coef.add_to(*app.add_subcommand("coef", "each group level's coefficients: fixed plus random effects"));
  lmm::cli::PredictCommand predict;
  predict.add_to(*app.add_subcommand("predict", "predictions for new data, or fitted values and residuals"));
  if (argc > 1 && argv[1][0] != '-' && !is_command(app, argv[1])) {
    std::cerr << "lmm: error: unknown command '" << argv[1]
              << "' (commands: fit, anova, confint, bootstrap, ranef, coef, predict; see lmm --help)\n";
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "lmm: error: " << e.what() << "\n";
    return 2;
  }
  try {
    if (app.got_subcommand("fit")) return fit.run();
    if (app.got_subcommand("anova")) return anova.run();
    if (app.got_subcommand("confint")) return confint.run();
    if (app.got_subcommand("bootstrap")) return bootstrap.run();
    if (app.got_subcommand("ranef")) return ranef.run();
    if (app.got_subcommand("coef")) return coef.run();
    if (app.got_subcommand("predict")) return predict.run();
  } catch (const lmm::Error& e) {
    std::cerr << "lmm: error: " << e.what() << "\n";
    return exit_code(e.kind());
  } catch (const std::exception& e) {
    std::cerr << "lmm: internal error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
