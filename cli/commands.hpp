// The lmm command line: one function per subcommand, sharing the data options.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "factor_coding_options.hpp"
#include "lmm/anova.hpp"
#include "lmm/bootstrap.hpp"
#include "lmm/confint.hpp"
#include "lmm/lmm.hpp"
#include "lmm/satterthwaite.hpp"

namespace lmm::cli {

// read_csv, keeping what it noticed (DataFrame::warnings) for deferred_warnings().
DataFrame read_data_file(const std::string& path);
// The reader's warnings so far, one line each, held back until the command succeeds: a failure
// prints its one error line and nothing else (the errors that a spoiled column causes name its
// first field themselves).
std::vector<std::string>& deferred_warnings();

// --data FILE [--join FILE --by COL]... [--factor COL[,COL...]] [--levels COL=L1,...]...
// [--ordered COL]... [--contrasts COL=KIND]...
struct DataOptions {
  std::string data;
  std::vector<std::string> joins;
  std::vector<std::string> by;
  std::vector<std::string> factors;
  FactorCodingOptions coding;
  std::string name;  // --data-name: shown on the summary's "Data:" line
  ModelOptions model;  // --weights, --offset

  void add_to(CLI::App& app);
  // Reads, joins, declares factors and their coding; throws lmm::Error naming the file or column at fault.
  DataFrame load() const;
  std::string data_name() const;  // --data-name, else the data file's stem
};

// --ml --optimizer bobyqa|nelder-mead --xtol-rel X --ftol-abs X --max-evaluations N: how the
// model is fitted, in every command that fits one. Unset tolerances are lme4's for the optimizer.
struct FitControlOptions {
  bool ml = false;
  std::string optimizer = "bobyqa";
  std::optional<double> xtol_rel;
  std::optional<double> ftol_abs;
  std::optional<int> max_evaluations;

  // `ml_help` describes --ml, which differs between commands.
  void add_to(CLI::App& app, const std::string& ml_help = "fit by maximum likelihood instead of REML");
  FitOptions fit_options() const;
};

struct FitCommand {
  std::string formula;
  DataOptions data;
  FitControlOptions control;
  std::string format = "text";
  std::string ddf;  // --ddf satterthwaite: lmerTest's t-tests and type III F tests

  void add_to(CLI::App& app);
  int run() const;
};

// lmm anova FORMULA: lmerTest's type III F tests (Satterthwaite's df) of one model's terms.
// lmm anova FORMULA FORMULA [FORMULA...]: likelihood-ratio tests between nested models.
struct AnovaCommand {
  std::vector<std::string> formulas;
  DataOptions data;
  std::vector<std::string> names;
  FitControlOptions control;
  std::string format = "text";

  void add_to(CLI::App& app);
  int run() const;

 private:
  int run_type3(const DataFrame& frame, const FitOptions& options) const;
};

// lmm confint FORMULA: profile, Wald or bootstrap confidence intervals.
struct ConfintCommand {
  std::string formula;
  DataOptions data;
  FitControlOptions control;
  std::string method = "profile";
  std::vector<std::string> parm;
  double level = 0.95;
  int nsim = 500;
  std::uint64_t seed = 1;
  int threads = 0;
  bool progress = false;
  std::string format = "text";

  void add_to(CLI::App& app);
  int run() const;
};

// lmm bootstrap FORMULA: parametric bootstrap replicates as CSV.
struct BootstrapCommand {
  std::string formula;
  DataOptions data;
  FitControlOptions control;
  int nsim = 500;
  std::uint64_t seed = 1;
  int threads = 0;
  bool progress = false;
  std::string output;

  void add_to(CLI::App& app);
  int run() const;
};


// A progress bar on stderr, shown when stderr is a terminal or when forced.
std::function<void(int, int)> progress_bar(const std::string& label, bool force);

// Options shared by the commands that fit one model and query it: FORMULA, the data, the fit's
// control options, --format csv|json.
struct QueryOptions {
  std::string formula;
  DataOptions data;
  FitControlOptions control;
  std::string format = "csv";

  void add_to(CLI::App& app);
};

// lmm ranef FORMULA: conditional modes and standard deviations, as.data.frame(ranef(m, condVar = TRUE)).
struct RanefCommand {
  QueryOptions query;

  void add_to(CLI::App& app);
  int run() const;
};

// lmm coef FORMULA: coef(m), each level's fixed plus random effects.
struct CoefCommand {
  QueryOptions query;

  void add_to(CLI::App& app);
  int run() const;
};

// lmm predict FORMULA --newdata FILE: predict(m, newdata); without --newdata the fitted values
// and residuals of the data's rows.
struct PredictCommand {
  QueryOptions query;
  std::string newdata;
  std::vector<std::string> newdata_factors;
  bool no_random_effects = false;
  bool no_new_levels = false;

  void add_to(CLI::App& app);
  int run() const;
};

}  // namespace lmm::cli
