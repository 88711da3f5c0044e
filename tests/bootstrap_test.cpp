// The parametric bootstrap (lme4's bootMer) and its percentile intervals: reproducible on any
// number of threads, boot's norm.inter() percentiles, and agreement with lme4's bootstrap
// (tests/golden/lme4_bootstrap.json) and with the profile intervals.
#include <gtest/gtest.h>

#include <boost/math/distributions/normal.hpp>
#include <cmath>

#include "lmm/bootstrap.hpp"
#include "lmm/confint.hpp"
#include "seed_data.hpp"

namespace {

using lmm::testing::data_for;
using nlohmann::json;

double z_of(double level) { return boost::math::quantile(boost::math::normal(), (1.0 + level) / 2.0); }

TEST(Bootstrap, SameSeedSameReplicatesOnAnyNumberOfThreads) {
  const std::string formula = "Reaction ~ Days + (Days | Subject)";
  lmm::LinearMixedModel model(formula, data_for(formula));
  const lmm::FitResult fit = model.fit();
  lmm::BootstrapOptions options;
  options.nsim = 24;
  options.seed = 20261121;
  options.threads = 1;
  const lmm::BootstrapResult one = lmm::parametric_bootstrap(model, fit, options);
  options.threads = 2;
  const lmm::BootstrapResult two = lmm::parametric_bootstrap(model, fit, options);
  EXPECT_EQ(one.failures, 0);
  ASSERT_EQ(one.replicates.rows(), 24);
  EXPECT_TRUE((one.replicates.array() == two.replicates.array()).all());  // bit for bit
  options.seed = 7;
  const lmm::BootstrapResult other = lmm::parametric_bootstrap(model, fit, options);
  EXPECT_FALSE((one.replicates.array() == other.replicates.array()).all());
  EXPECT_EQ(lmm::bootstrap_csv(one).substr(0, 40), "\".sig01\",\".sig02\",\".sig03\",\".sigma\",\"(In");
}

TEST(Bootstrap, PercentileIsBootsNormInter) {
  // boot:::norm.inter(1:999, c(0.025, 0.975)) gives 24.6 and 975.4 on the normal-quantile
  // interpolation between order statistics 24/25 and 975/976 ((R + 1) * alpha = 25 exactly
  // for R = 999: the 25th and 975th order statistics).
  std::vector<double> t;
  for (int i = 1; i <= 999; ++i) t.push_back(i);
  const auto [lo, hi] = lmm::percentile_interval(t, 0.95);
  // (R + 1) * 0.025 is 25.000000000000004 in doubles, so R interpolates too, by ~1e-14.
  EXPECT_NEAR(lo, 25.0, 1e-9);
  EXPECT_NEAR(hi, 975.0, 1e-9);
}

// Acceptance: on M_base, 1,000 replicates give percentile limits that agree with the profile
// limits within Monte Carlo error. The Monte Carlo standard error of an estimated 2.5% or 97.5%
// quantile from R replicates is sqrt(p (1 - p) / R) / f(q); with the density f taken as normal
// with the replicates' standard deviation s, that is 0.085 s for R = 1000.
//  * The distribution is lme4's: mean, standard deviation and percentile limits of our 1000
//    replicates agree with those of lme4's bootMer (1000 replicates, tests/golden/
//    lme4_bootstrap.json) within 4 standard errors of the difference of two Monte Carlo
//    estimates (sqrt(2) times one), and within 15% for the standard deviation.
//  * Percentile vs profile: each limit within 4 Monte Carlo errors plus 0.05 s (the two methods
//    differ: the profile is of the ML deviance, the bootstrap refits by REML), or, where lme4's
//    own bootstrap differs from the profile by more than that (the percentile method is biased
//    for a skewed estimator such as .sig01's), within lme4's difference plus 4 Monte Carlo
//    errors.
TEST(Bootstrap, PercentileIntervalsAgreeWithProfileAndLme4OnMBase) {
  const json lme4 = json::parse(std::ifstream("tests/golden/lme4_bootstrap.json"));
  const std::string formula = lme4["model"];
  lmm::LinearMixedModel model(formula, data_for(formula));
  const lmm::FitResult fit = model.fit();
  lmm::BootstrapOptions boot_options;
  boot_options.nsim = 1000;
  boot_options.seed = 1;
  const lmm::BootstrapResult boot = lmm::parametric_bootstrap(model, fit, boot_options);
  EXPECT_EQ(boot.failures, 0);
  const lmm::ConfintResult profile = lmm::confint(model, fit);
  const double z = z_of(0.95);
  const double mc_se = std::sqrt(0.025 * 0.975 / 1000.0) / (std::exp(-0.5 * z * z) / std::sqrt(2.0 * M_PI));
  ASSERT_EQ(boot.names.size(), lme4["statistics"].size());
  for (std::size_t k = 0; k < boot.names.size(); ++k) {
    const json& theirs = lme4["statistics"][k];
    SCOPED_TRACE(boot.names[k]);
    ASSERT_EQ(theirs["name"], boot.names[k]);
    const Eigen::VectorXd col = boot.replicates.col(static_cast<Eigen::Index>(k));
    const double mean = col.mean();
    const double s = std::sqrt((col.array() - mean).square().sum() / static_cast<double>(col.size() - 1));
    const auto [lo, hi] = lmm::percentile_interval(std::vector<double>(col.data(), col.data() + col.size()), 0.95);
    EXPECT_NEAR(mean, theirs["mean"].get<double>(), 4.0 * std::sqrt(2.0 / 1000.0) * s);
    EXPECT_NEAR(s, theirs["sd"].get<double>(), 0.15 * s);
    const double two_estimates = 4.0 * std::sqrt(2.0) * mc_se * s;
    if (theirs["lower"].get<double>() > -1.0) {
      EXPECT_NEAR(lo, theirs["lower"].get<double>(), two_estimates);
    }
    EXPECT_NEAR(hi, theirs["upper"].get<double>(), two_estimates);

    const lmm::ConfidenceInterval& prof = profile.intervals[k];
    ASSERT_EQ(prof.name, boot.names[k]);
    const double own = (4.0 * mc_se + 0.05) * s;
    const double lo_allowed = std::max(own, std::abs(theirs["lower"].get<double>() - prof.lower) + 4.0 * mc_se * s);
    const double hi_allowed = std::max(own, std::abs(theirs["upper"].get<double>() - prof.upper) + 4.0 * mc_se * s);
    std::cout << boot.names[k] << ": boot [" << lo << ", " << hi << "], lme4 boot [" << theirs["lower"] << ", "
              << theirs["upper"] << "], profile [" << prof.lower << ", " << prof.upper << "]\n";
    if (prof.lower > -1.0) {
      EXPECT_NEAR(lo, prof.lower, lo_allowed);
    }
    EXPECT_NEAR(hi, prof.upper, hi_allowed);
  }
}

}  // namespace
