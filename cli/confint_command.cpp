// lmm confint and lmm bootstrap.
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <limits>

#include "commands.hpp"
#include "option_checks.hpp"
#include "util/excerpt.hpp"

namespace lmm::cli {
namespace {

constexpr std::uint64_t kMaxCount = std::numeric_limits<int>::max();
constexpr std::uint64_t kMaxSeed = std::numeric_limits<std::uint64_t>::max();

void print_threads_note(int threads) {
  if (const std::string note = threads_note(threads); !note.empty()) std::cerr << "lmm: note: " << note << "\n";
}

}  // namespace

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
  control.add_to(app);
  app.add_option("--method", method, "profile (default), wald or boot")
      ->check(CLI::IsMember({"profile", "wald", "boot"}));
  app.add_option("--parm", parm, "parameters: beta_, theta_ or names (.sig01, .sigma, fixed effects)")
      ->delimiter(',');
  app.add_option("--level", level, "confidence level, strictly between 0 and 1 (default 0.95)")
      ->check(open_unit_interval());
  app.add_option("--nsim", nsim, "bootstrap replicates (default 500)")->check(whole_number(1, kMaxCount));
  app.add_option("--seed", seed, "bootstrap seed, 0 to 2^64 - 1 (default 1)")->check(whole_number(0, kMaxSeed));
  app.add_option("--threads", threads, "threads, 1 to 1024 (default: all cores)")->check(whole_number(1, kMaxThreads));
  app.add_flag("--progress", progress, "show a progress bar even when stderr is not a terminal");
  app.add_option("--format", format, "output format")->check(CLI::IsMember({"text", "json"}));
}

int ConfintCommand::run() const {
  const LinearMixedModel model(formula, data.load(), data.model);
  ConfintOptions options;
  options.method = method == "wald" ? IntervalMethod::kWald : method == "boot" ? IntervalMethod::kBootstrap
                                                                                : IntervalMethod::kProfile;
  options.parm = parm;
  options.level = level;
  options.nsim = nsim;
  options.seed = seed;
  options.threads = threads;
  check_confint_options(model, options);  // before the fit: a bad --parm costs no fit
  const FitResult fit = model.fit(control.fit_options());
  if (options.method != IntervalMethod::kWald) print_threads_note(threads);
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
  control.add_to(app, "fit (and refit) by maximum likelihood instead of REML");
  app.add_option("--nsim", nsim, "replicates (default 500)")->check(whole_number(1, kMaxCount));
  app.add_option("--seed", seed,
                 "seed, 0 to 2^64 - 1 (default 1): the same seed gives the same replicates on any number of threads")
      ->check(whole_number(0, kMaxSeed));
  app.add_option("--threads", threads, "threads, 1 to 1024 (default: all cores)")->check(whole_number(1, kMaxThreads));
  app.add_flag("--progress", progress, "show a progress bar even when stderr is not a terminal");
  app.add_option("--output,-o", output, "CSV file for the replicates (default: standard output)");
}

int BootstrapCommand::run() const {
  const LinearMixedModel model(formula, data.load(), data.model);
  const FitResult fit = model.fit(control.fit_options());
  BootstrapOptions options;
  options.nsim = nsim;
  options.seed = seed;
  options.threads = threads;
  print_threads_note(threads);
  options.progress = progress_bar("bootstrap", progress);
  const BootstrapResult result = parametric_bootstrap(model, fit, options);
  const std::string csv = bootstrap_csv(result);
  if (output.empty()) {
    std::cout << csv;
  } else {
    std::ofstream out(output);
    if (!out) throw Error(ErrorKind::kInput, "cannot write " + internal::quote_path(output));
    out << csv;
    if (!out) throw Error(ErrorKind::kInput, "failed writing " + internal::quote_path(output));
  }
  if (result.failures > 0)
    std::cerr << "lmm: warning: " << result.failures << " of " << nsim << " refits failed (rows of NA)\n";
  return 0;
}

}  // namespace lmm::cli
