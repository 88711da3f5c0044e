// lmm/bootstrap.hpp: parametric bootstrap (lme4's bootMer, MixedModels.jl's
// parametricbootstrap): simulate responses from the fitted model, refit, collect parameters.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lmm/fit_result.hpp"
#include "lmm/linear_mixed_model.hpp"

namespace lmm {

struct BootstrapOptions {
  int nsim = 500;
  // Replicate i draws from its own generator seeded by (seed, i), so the replicates do not
  // depend on the number of threads.
  std::uint64_t seed = 1;
  int threads = 0;  // 0: all cores
  std::function<void(int, int)> progress;  // (replicates done, nsim), called from one thread at a time
};

struct BootstrapResult {
  // lme4's bootstrap statistics: .sig01, ..., .sigma, then the fixed effects.
  std::vector<std::string> names;
  Eigen::MatrixXd replicates;  // nsim x names.size(); a row of NaN for a refit that failed
  int failures = 0;
  std::uint64_t seed = 1;
};

// Refits by the fit's own criterion (REML or ML), each refit starting at the fit's theta.
BootstrapResult parametric_bootstrap(const LinearMixedModel& model, const FitResult& fit,
                                     const BootstrapOptions& options = {});

// Percentile limits as R's boot.ci(type = "perc") computes them (order statistics
// interpolated on the normal quantile scale), for probabilities (1 -+ level) / 2.
std::pair<double, double> percentile_interval(std::vector<double> replicates, double level);

// One header line of names, then one line per replicate ("NA" for a failed refit).
std::string bootstrap_csv(const BootstrapResult& result);

}  // namespace lmm
