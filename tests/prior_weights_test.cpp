// Prior weights and offsets: every fit in tests/golden/lme4_weights.json (lme4 1.1-31, made by
// tools/reference/lme4_weights.R) reproduced by lmm, with the tolerances written next to each
// check; the CLI's --weights and --offset; refits that keep them.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_run.hpp"
#include "golden_file.hpp"
#include "lmm/lmm.hpp"

namespace {

using json = nlohmann::ordered_json;
using lmm::testing::CliRun;
using lmm::testing::run_cli;

const json& cases() {
  static const json all = lmm::testing::read_golden("tests/golden/lme4_weights.json");
  return all;
}

lmm::ModelOptions model_options(const json& c) {
  return {c["weights"].get<std::string>(), c["offset"].get<std::string>()};
}

Eigen::VectorXd vec(const json& j) {
  const auto v = j.get<std::vector<double>>();
  return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

class Lme4Weights : public ::testing::TestWithParam<std::size_t> {};

TEST_P(Lme4Weights, AgreesWithLme4) {
  const json& c = cases()[GetParam()];
  SCOPED_TRACE(c["id"].get<std::string>());
  const lmm::DataFrame data = lmm::read_csv(c["data"].get<std::string>());
  const lmm::LinearMixedModel model(c["formula"].get<std::string>(), data, model_options(c));
  lmm::FitOptions options;
  options.reml = c["reml"].get<bool>();
  const lmm::FitResult fit = model.fit(options);
  const double objective = c["objective"].get<double>();

  // The criterion itself, weights' sum(log w) included: lmm's objective at lme4's theta is
  // lme4's objective (1e-10 relative).
  EXPECT_NEAR(model.objective(c["theta"].get<std::vector<double>>(), options.reml), objective, 1e-10 * std::fabs(objective));
  // The optimum: no worse than lme4's by more than 1e-6 relative (lme4_golden_test's rule), and
  // logLik, AIC and BIC within the same.
  EXPECT_LE(fit.objective - objective, 1e-6 * std::fabs(objective));
  EXPECT_NEAR(fit.loglik, c["loglik"].get<double>(), 1e-6 * std::fabs(objective));
  EXPECT_NEAR(fit.aic, c["aic"].get<double>(), 1e-6 * std::fabs(objective));
  EXPECT_NEAR(fit.bic, c["bic"].get<double>(), 1e-6 * std::fabs(objective));

  const double sigma = c["sigma"].get<double>();
  // Estimates at two optima that agree to 1e-6 in the objective: 1e-4 relative for sigma and the
  // standard errors, 1e-3 standard errors for the fixed effects.
  EXPECT_NEAR(fit.sigma, sigma, 1e-4 * sigma);
  ASSERT_EQ(fit.fixef_names, c["fixef_names"].get<std::vector<std::string>>());
  const Eigen::VectorXd fixef = vec(c["fixef"]), se = vec(c["fixef_se"]);
  for (Eigen::Index k = 0; k < fixef.size(); ++k) {
    EXPECT_NEAR(fit.fixef[k], fixef[k], 1e-3 * se[k]) << fit.fixef_names[static_cast<std::size_t>(k)];
    EXPECT_NEAR(fit.fixef_se[k], se[k], 1e-4 * se[k]) << fit.fixef_names[static_cast<std::size_t>(k)];
  }
  // The scaled Pearson residuals sqrt(w) (y - fitted) / sigma: 1e-4 absolute.
  const std::vector<double> q = fit.scaled_residual_quantiles();
  const Eigen::VectorXd q_ref = vec(c["scaled_residual_quantiles"]);
  for (std::size_t k = 0; k < q.size(); ++k) EXPECT_NEAR(q[k], q_ref[static_cast<Eigen::Index>(k)], 1e-4);
  // Fitted values (offset included) and predictions on new rows (the formula's offset() terms
  // evaluated there; lme4 leaves out lmer's offset = argument on new data): 1e-4 sigma.
  const Eigen::VectorXd fitted_ref = vec(c["fitted_head"]);
  for (Eigen::Index i = 0; i < fitted_ref.size(); ++i) EXPECT_NEAR(fit.fitted[i], fitted_ref[i], 1e-4 * sigma);
  lmm::DataFrame newdata = lmm::read_csv(c["data"].get<std::string>());
  const Eigen::VectorXd with_re = lmm::predict(model, fit, newdata), fixed_only = lmm::predict(model, fit, newdata, {false, true});
  const Eigen::VectorXd predict_ref = vec(c["predict_newdata"]), fixed_ref = vec(c["predict_newdata_fixed"]);
  for (Eigen::Index i = 0; i < predict_ref.size(); ++i) {
    EXPECT_NEAR(with_re[i], predict_ref[i], 1e-4 * sigma);
    EXPECT_NEAR(fixed_only[i], fixed_ref[i], 1e-4 * sigma);
  }
}

// lmerTest's Satterthwaite degrees of freedom with prior weights and offsets: 1e-4 relative
// (satterthwaite_test holds 1e-5 on unweighted fits; here the two optima differ by up to 1e-6
// in the objective, which moves df in its fifth digit).
TEST(PriorWeights, SatterthwaiteDfAgreeWithLmerTest) {
  int checked = 0;
  for (const json& c : cases()) {
    if (!c["reml"].get<bool>()) continue;  // lmerTest's df are for REML fits
    SCOPED_TRACE(c["id"].get<std::string>());
    const lmm::LinearMixedModel model(c["formula"].get<std::string>(), lmm::read_csv(c["data"].get<std::string>()),
                                      model_options(c));
    const lmm::SatterthwaiteResult tests = lmm::satterthwaite(model, model.fit());
    const auto df = c["satterthwaite_df"].get<std::vector<double>>();
    ASSERT_EQ(tests.coefficients.size(), df.size());
    for (std::size_t k = 0; k < df.size(); ++k) EXPECT_NEAR(tests.coefficients[k].df, df[k], 1e-4 * df[k]);
    ++checked;
  }
  EXPECT_EQ(checked, 5);
}

INSTANTIATE_TEST_SUITE_P(Cases, Lme4Weights, ::testing::Range<std::size_t>(0, 10));

TEST(PriorWeights, GoldenHoldsTenCases) { EXPECT_EQ(cases().size(), 10u); }

// A refit with the model's own response keeps the weights and the offset: the same optimum
// (1e-10 relative; only y's crossproducts are formed again, in another order of rounding).
TEST(PriorWeights, RefitWithOwnResponseKeepsWeightsAndOffset) {
  const lmm::DataFrame data = lmm::read_csv("tests/data/weights_penicillin.csv");
  const lmm::LinearMixedModel model("diameter ~ 1 + (1 | plate) + (1 | sample)", data, {"w", "o"});
  const lmm::FitResult fit = model.fit();
  std::vector<double> y;
  for (std::size_t i = 0; i < data.rows(); ++i) y.push_back(data.column("diameter").numbers[i]);
  const lmm::FitResult refit = model.with_response(Eigen::Map<const Eigen::VectorXd>(y.data(), static_cast<Eigen::Index>(y.size()))).fit();
  EXPECT_NEAR(refit.objective, fit.objective, 1e-10 * std::fabs(fit.objective));
  EXPECT_NEAR(refit.fixef[0], fit.fixef[0], 1e-6 * fit.fixef_se[0]);
}

// The bootstrap simulates residuals with variances sigma^2 / w and adds the offset: with the
// weights and offset of the data, the replicates' mean intercept is near the fit's (within 4
// standard errors of a mean of 200 replicates, taking the fit's SE as the replicates' SD).
TEST(PriorWeights, BootstrapCentresOnTheFit) {
  const lmm::DataFrame data = lmm::read_csv("tests/data/weights_sleepstudy.csv");
  const lmm::LinearMixedModel model("Reaction ~ Days + (Days | Subject)", data, {"w", "o"});
  const lmm::FitResult fit = model.fit();
  lmm::BootstrapOptions options;
  options.nsim = 200;
  options.threads = 1;
  const lmm::BootstrapResult boot = lmm::parametric_bootstrap(model, fit, options);
  ASSERT_EQ(boot.failures, 0);
  const auto intercept = static_cast<Eigen::Index>(boot.names.size()) - fit.fixef.size();
  ASSERT_EQ(boot.names[static_cast<std::size_t>(intercept)], "(Intercept)");
  const double mean = boot.replicates.col(intercept).mean();
  const auto count = boot.replicates.rows();
  EXPECT_NEAR(mean, fit.fixef[0], 4.0 * fit.fixef_se[0] / std::sqrt(static_cast<double>(count)));
}

TEST(PriorWeightsCli, SummaryNamesWeightsAndOffset) {
  const CliRun r = run_cli("fit 'Reaction ~ Days + (Days | Subject)' --data tests/data/weights_sleepstudy.csv --weights w --offset o");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("   Data: weights_sleepstudy\nWeights: w\n Offset: o\n"), std::string::npos) << r.out;
}

TEST(PriorWeightsCli, BadWeightsAreOneLineInputErrors) {
  const std::string fit = "fit 'Reaction ~ Days + (Days | Subject)' --data tests/data/weights_sleepstudy.csv ";
  const CliRun missing = run_cli(fit + "--weights nope");
  EXPECT_EQ(missing.status, 3);
  EXPECT_NE(missing.err.find("--weights: no column named 'nope'"), std::string::npos) << missing.err;
  const CliRun text = run_cli("fit 'distance ~ age + (1 | Subject)' --data tests/data/weights_orthodont.csv --weights Sex");
  EXPECT_EQ(text.status, 3);
  EXPECT_NE(text.err.find("text (a factor)"), std::string::npos) << text.err;
  const CliRun zero = run_cli(fit + "--weights Days");  // Days is 0 on each subject's first row
  EXPECT_EQ(zero.status, 3);
  EXPECT_NE(zero.err.find("a zero weight (0) in data row 1"), std::string::npos) << zero.err;
  const CliRun offset = run_cli(fit + "--offset nope");
  EXPECT_EQ(offset.status, 3);
  EXPECT_NE(offset.err.find("--offset: no column named 'nope'"), std::string::npos) << offset.err;
}

TEST(PriorWeightsCli, OffsetInAnInteractionIsAFormulaError) {
  const CliRun r = run_cli("fit 'Reaction ~ Days * offset(o) + (1 | Subject)' --data tests/data/weights_sleepstudy.csv");
  EXPECT_EQ(r.status, 4);
  EXPECT_NE(r.err.find("offset() must be a summand of its own"), std::string::npos) << r.err;
}

}  // namespace
