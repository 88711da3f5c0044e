// lmm_bench: times one benchmark case in process, phase by phase.
//
//   lmm_bench FORMULA --data FILE [--join FILE --by COL]... [--factor COLS] [--ml]
//             [--runs K] [--budget SECONDS] [--confint [--threads T]]
//
// Each run loads the CSV (read_csv, joins, factors: the CLI's steps), constructs the
// LinearMixedModel and fits it (REML unless --ml); with --confint it then computes the full
// profile confint() as `lmm confint` does (on T threads, default 1: lme4's is single-threaded;
// `lmm confint` uses all cores). Up to K runs, stopping early once the runs so far
// took more than the budget (at least one run always completes). Prints key=value lines: the
// median of each phase over the runs, the number of runs, the process's peak resident memory
// (getrusage), the objective, the number of objective evaluations, the time of one evaluation at
// the fitted theta (evaluation_s), theta, and with --confint one `ci NAME LOWER UPPER` line per
// interval.
//
// A plain steady_clock loop rather than Google Benchmark: the phases are seconds long (one
// iteration is already far above timer resolution, so there is nothing to gain from Google
// Benchmark's iteration-count calibration), each phase of the same run needs its own median,
// and the result is a handful of numbers for bench/run.sh to read.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "bench_data.hpp"
#include "lmm/confint.hpp"
#include "lmm/error.hpp"
#include "lmm/linear_mixed_model.hpp"

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Peak resident set size of this process so far, in MiB (Linux reports ru_maxrss in KiB).
double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Times one lmm benchmark case in process: load, model construction, fit (and confint)."};
  std::string formula;
  lmm::bench::DataSpec spec;
  std::vector<std::string> joins, by;
  std::string factors;
  bool ml = false, with_confint = false;
  int runs = 5;
  int threads = 1;
  double budget = 60.0;
  app.add_option("formula", formula, "model formula")->required();
  app.add_option("--data", spec.data, "CSV file of observations")->required();
  app.add_option("--join", joins, "CSV to left-join (repeatable, each with --by)")->expected(1)->take_all();
  app.add_option("--by", by, "key column of the matching --join")->expected(1)->take_all();
  app.add_option("--factor", factors, "numeric-coded columns to treat as factors (comma-separated)");
  app.add_flag("--ml", ml, "maximum likelihood instead of REML");
  app.add_flag("--confint", with_confint, "also time the full profile confint()");
  app.add_option("--threads", threads, "confint threads (0: all cores)")->check(CLI::NonNegativeNumber);
  app.add_option("--runs", runs, "at most this many runs (median reported)")->check(CLI::PositiveNumber);
  app.add_option("--budget", budget, "no further run once the runs so far took this many seconds");
  CLI11_PARSE(app, argc, argv);
  if (joins.size() != by.size()) {
    std::cerr << "lmm_bench: each --join needs one --by\n";
    return 2;
  }
  for (std::size_t k = 0; k < joins.size(); ++k) spec.joins.emplace_back(joins[k], by[k]);
  spec.factors = lmm::bench::split_list(factors);

  try {
    std::vector<double> load_s, model_s, fit_s, confint_s, evaluation_s;
    lmm::FitResult fit;
    lmm::ConfintResult intervals;
    std::size_t nobs = 0;
    const auto all = std::chrono::steady_clock::now();
    for (int run = 0; run < runs && (run == 0 || seconds_since(all) < budget); ++run) {
      auto start = std::chrono::steady_clock::now();
      const lmm::DataFrame data = lmm::bench::load(spec);
      load_s.push_back(seconds_since(start));

      start = std::chrono::steady_clock::now();
      const lmm::LinearMixedModel model(formula, data);
      model_s.push_back(seconds_since(start));
      nobs = model.nobs();

      lmm::FitOptions options;
      options.reml = !ml;
      start = std::chrono::steady_clock::now();
      fit = model.fit(options);
      fit_s.push_back(seconds_since(start));

      // One objective evaluation at the fitted theta, timed over enough calls to last ~10 ms and
      // at least 3, after one untimed call: the fit's last steps (its summary's inverse blocks)
      // leave the factor's memory out of cache, which made a single timed call on InstEval 8%
      // slower than the evaluations inside the fit. With `evaluations`, how much of fit_s the
      // optimizer's evaluations take.
      const int calls = std::clamp(static_cast<int>(0.01 * fit.evaluations / std::max(fit_s.back(), 1e-9)), 3, 10000);
      (void)model.objective(fit.theta, !ml);
      start = std::chrono::steady_clock::now();
      for (int k = 0; k < calls; ++k) (void)model.objective(fit.theta, !ml);
      evaluation_s.push_back(seconds_since(start) / calls);

      if (with_confint) {
        start = std::chrono::steady_clock::now();
        lmm::ConfintOptions confint_options;  // profile, all parameters, as `lmm confint`
        confint_options.threads = threads;
        intervals = lmm::confint(model, fit, confint_options);
        confint_s.push_back(seconds_since(start));
      }
    }
    std::printf("n=%zu\nruns=%zu\nload_s=%.6f\nmodel_s=%.6f\nfit_s=%.6f\n", nobs, load_s.size(), median(load_s),
                median(model_s), median(fit_s));
    std::printf("evaluation_s=%.3g\n", median(evaluation_s));
    if (with_confint) std::printf("confint_s=%.6f\n", median(confint_s));
    std::printf("peak_rss_mib=%.0f\n", peak_rss_mib());
    std::printf("objective=%.17g\nevaluations=%d\nconverged=%d\nsingular=%d\ntheta=", fit.objective,
                fit.evaluations, fit.converged ? 1 : 0, fit.singular ? 1 : 0);
    for (std::size_t i = 0; i < fit.theta.size(); ++i) std::printf("%s%.10g", i ? "," : "", fit.theta[i]);
    std::printf("\n");
    if (!fit.messages.empty()) std::printf("message=%s\n", fit.messages.front().c_str());
    for (const lmm::ConfidenceInterval& ci : intervals.intervals)
      std::printf("ci %s %.10g %.10g\n", ci.name.c_str(), ci.lower, ci.upper);
  } catch (const lmm::Error& e) {
    std::cerr << "lmm_bench: error: " << e.what() << "\n";
    return 3;
  }
  return 0;
}
