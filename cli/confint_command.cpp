// lmm confint and lmm bootstrap.
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "commands.hpp"

namespace lmm::cli {

std::function<void(int, int)> progress_bar(const std::string& label, bool force) {
  if (!force && !isatty(STDERR_FILENO)) return {};
  return [label, last = -1](int done, int total) mutable {
    const int percent = total > 0 ? 100 * done / total : 100;
    if (percent == last) return;
    last = percent;
    const int filled = percent / 5;
    std::cerr << "\r" << label << " [" << std::string(static_cast<std::size_t>(filled), '#')
              << std::string(static_cast<std::size_t>(20 - filled), '.') << "] " << done << "/" << total;
    if (done == total) std::cerr << "\n";
    std::cerr.flush();
  };
}

void ConfintCommand::add_to(CLI::App& app) {
  app.add_option("formula", formula, "model formula")->required();
  data.add_to(app);
  app.add_flag("--ml", ml, "fit by maximum likelihood instead of REML");
  app.add_option("--method", method, "profile (default), wald or boot")
      ->check(CLI::IsMember({"profile", "wald", "boot"}));
  app.add_option("--parm", parm, "parameters: beta_, theta_ or names (.sig01, .sigma, fixed effects)")
      ->delimiter(',');
  app.add_option("--level", level, "confidence level")->check(CLI::Range(0.0, 1.0));
  app.add_option("--nsim", nsim, "bootstrap replicates")->check(CLI::PositiveNumber);
  app.add_option("--seed", seed, "bootstrap seed");
  app.add_option("--threads", threads, "threads (0: all cores)")->check(CLI::NonNegativeNumber);
  app.add_flag("--progress", progress, "show a progress bar even when stderr is not a terminal");
  app.add_option("--format", format, "output format")->check(CLI::IsMember({"text", "json"}));
}

int ConfintCommand::run() const {
  const LinearMixedModel model(formula, data.load());
  const FitResult fit = fit_model(model, ml);
  ConfintOptions options;
  options.method = method == "wald" ? IntervalMethod::kWald : method == "boot" ? IntervalMethod::kBootstrap
                                                                                : IntervalMethod::kProfile;
  options.parm = parm;
  options.level = level;
  options.nsim = nsim;
  options.seed = seed;
  options.threads = threads;
  if (options.method == IntervalMethod::kBootstrap) options.progress = progress_bar("bootstrap", progress);
  if (format == "text" && options.method != IntervalMethod::kWald)
    std::cerr << "Computing " << (options.method == IntervalMethod::kProfile ? "profile" : "bootstrap")
              << " confidence intervals ...\n";
  const ConfintResult result = confint(model, fit, options);
  std::cout << (format == "json" ? confint_json(result) + "\n" : confint_text(result));
  return 0;
}

void BootstrapCommand::add_to(CLI::App& app) {
  app.add_option("formula", formula, "model formula")->required();
  data.add_to(app);
  app.add_flag("--ml", ml, "fit (and refit) by maximum likelihood instead of REML");
  app.add_option("--nsim", nsim, "replicates")->check(CLI::PositiveNumber);
  app.add_option("--seed", seed, "seed: the same seed gives the same replicates on any number of threads");
  app.add_option("--threads", threads, "threads (0: all cores)")->check(CLI::NonNegativeNumber);
  app.add_flag("--progress", progress, "show a progress bar even when stderr is not a terminal");
  app.add_option("--output,-o", output, "CSV file for the replicates (default: standard output)");
}

int BootstrapCommand::run() const {
  const LinearMixedModel model(formula, data.load());
  const FitResult fit = fit_model(model, ml);
  BootstrapOptions options;
  options.nsim = nsim;
  options.seed = seed;
  options.threads = threads;
  options.progress = progress_bar("bootstrap", progress);
  const BootstrapResult result = parametric_bootstrap(model, fit, options);
  const std::string csv = bootstrap_csv(result);
  if (output.empty()) {
    std::cout << csv;
  } else {
    std::ofstream out(output);
    if (!out) throw Error(ErrorKind::kInput, "cannot write '" + output + "'");
    out << csv;
    if (!out) throw Error(ErrorKind::kInput, "failed writing '" + output + "'");
  }
  if (result.failures > 0)
    std::cerr << "lmm: warning: " << result.failures << " of " << nsim << " refits failed (rows of NA)\n";
  return 0;
}

}  // namespace lmm::cli
