// lmm: fit linear mixed-effects models from the command line.
#include <functional>
#include <iostream>
#include <new>
#include <vector>

#include "commands.hpp"
#include "util/excerpt.hpp"
#include "util/one_line.hpp"

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

// One subcommand: its name, its help line, and the object holding its options.
struct Command {
  const char* name;
  const char* help;
  std::function<void(CLI::App&)> add_to;
  std::function<int()> run;
};

template <typename T>
Command command(const char* name, const char* help, T& c) {
  return {name, help, [&c](CLI::App& app) { c.add_to(app); }, [&c] { return c.run(); }};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lmm: linear mixed-effects models, with lme4's formulas and numbers"};
  app.require_subcommand(1);
  lmm::cli::FitCommand fit;
  lmm::cli::AnovaCommand anova;
  lmm::cli::ConfintCommand confint;
  lmm::cli::BootstrapCommand bootstrap;
  lmm::cli::RanefCommand ranef;
  lmm::cli::CoefCommand coef;
  lmm::cli::PredictCommand predict;
  const std::vector<Command> commands = {
      command("fit", "fit a model and print its summary", fit),
      command("anova",
              "type III F tests of one model's terms (Satterthwaite), or likelihood-ratio tests between nested models",
              anova),
      command("confint", "confidence intervals: profile likelihood, Wald or bootstrap", confint),
      command("bootstrap", "parametric bootstrap replicates as CSV", bootstrap),
      command("ranef", "conditional modes and standard deviations of the random effects", ranef),
      command("coef", "each group level's coefficients: fixed plus random effects", coef),
      command("predict", "predictions for new data, or fitted values and residuals", predict),
  };
  std::string names;
  for (const Command& c : commands) {
    c.add_to(*app.add_subcommand(c.name, c.help));
    names += std::string(names.empty() ? "" : ", ") + c.name;
  }
  if (argc > 1 && argv[1][0] != '-' && !is_command(app, argv[1])) {
    std::cerr << "lmm: error: unknown command " << lmm::internal::quote(argv[1]) << " (commands: " << names
              << "; see lmm --help)\n";
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "lmm: error: " << lmm::internal::one_line(e.what()) << "\n";
    return 2;
  }
  try {
    for (const Command& c : commands) {
      if (!app.got_subcommand(c.name)) continue;
      const int status = c.run();
      if (status == 0)
        for (const std::string& w : lmm::cli::deferred_warnings()) std::cerr << "lmm: warning: " << w << "\n";
      return status;
    }
  } catch (const lmm::Error& e) {
    std::cerr << "lmm: error: " << e.what() << "\n";
    return exit_code(e.kind());
  } catch (const std::bad_alloc&) {
    // The last resort behind the memory estimate (model/memory_estimate.hpp), which refuses the
    // designs it can tell will not fit before allocating them.
    std::cerr << "lmm: error: out of memory: the data or the model needs more memory than this machine could give\n";
    return exit_code(lmm::ErrorKind::kModel);
  } catch (const std::exception& e) {
    std::cerr << "lmm: internal error: " << lmm::internal::one_line(e.what()) << "\n";
    return 1;
  }
  return 0;
}
