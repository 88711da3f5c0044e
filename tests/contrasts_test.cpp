// Contrasts (treatment with a chosen baseline, sum, helmert, SAS, poly; --levels, --ordered,
// --contrasts and C(f, kind)) against lme4 1.1-31 and lmerTest 3.1-3: the fits, type III tests
// and predictions of tests/golden/lme4_contrasts.json (tools/reference/lme4_contrasts.R) run
// through the lmm command, R's contr.* matrices, and the errors for bad codings.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_run.hpp"
#include "formula/contrasts.hpp"
#include "golden_file.hpp"
#include "lmm/lmm.hpp"

namespace {

using json = nlohmann::ordered_json;
using lmm::testing::expect_one_line_error;
using lmm::testing::run_cli;

const json& goldens() {
  static const json all = lmm::testing::read_golden("tests/golden/lme4_contrasts.json");
  return all;
}

const json& golden_case(std::size_t index) { return goldens()["cases"][index]; }

// The case's model as lmm arguments: 'FORMULA' --data ... (the case's coding options) [--ml].
std::string model_arguments(const json& c) {
  std::string args = "'" + c["formula"].get<std::string>() + "'";
  for (const json& a : c["args"]) args += " " + a.get<std::string>();
  if (!c["reml"].get<bool>()) args += " --ml";
  return args;
}

json run_json(const std::string& command, const json& c, const std::string& extra = "") {
  const auto run = run_cli(command + " " + model_arguments(c) + " --format json" + extra);
  EXPECT_EQ(run.status, 0) << run.err;
  return run.status == 0 ? json::parse(run.out) : json::object();
}

double relative_error(double got, double want) { return std::fabs(got - want) / std::fabs(want); }

// The cases (all, or those with the given golden entry).
std::vector<std::size_t> case_indices(const std::string& with = "") {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < goldens()["cases"].size(); ++i)
    if (with.empty() || golden_case(i).contains(with)) out.push_back(i);
  return out;
}

std::string case_name(const ::testing::TestParamInfo<std::size_t>& info) {
  return golden_case(info.param)["id"].get<std::string>();
}

class ContrastsGolden : public ::testing::TestWithParam<std::size_t> {};
class ContrastsTypeThree : public ::testing::TestWithParam<std::size_t> {};
class ContrastsPrediction : public ::testing::TestWithParam<std::size_t> {};

TEST_P(ContrastsGolden, FitAgreesWithLme4) {
  const json& c = golden_case(GetParam());
  SCOPED_TRACE(model_arguments(c));
  const json fit = run_json("fit", c);
  ASSERT_TRUE(fit.contains("fixef"));
  // Fixed-effect names and order exactly (R's model.matrix names); estimates within 1% of their
  // standard error, standard errors within 0.2% (lme4_golden_test's tolerances).
  std::vector<std::string> names;
  for (const auto& [name, value] : fit["fixef"].items()) names.push_back(name);
  ASSERT_EQ(names, c["fixef_names"].get<std::vector<std::string>>());
  for (std::size_t i = 0; i < names.size(); ++i) {
    const double se = c["fixef_se"][i].get<double>();
    EXPECT_NEAR(fit["fixef"][names[i]].get<double>(), c["fixef"][i].get<double>(), 0.01 * se) << names[i];
    EXPECT_NEAR(fit["fixef_se"][names[i]].get<double>(), se, 0.002 * se) << names[i];
  }
  // Objective no worse than lme4's by more than 1e-6 relative, nor better by more (the same
  // optimum); sigma within 0.2%.
  const double objective = c["objective"].get<double>();
  EXPECT_NEAR(fit["objective"].get<double>(), objective, 1e-6 * std::fabs(objective));
  EXPECT_NEAR(fit["sigma"].get<double>(), c["sigma"].get<double>(), 0.002 * c["sigma"].get<double>());
  // theta (relative standard deviations and Cholesky entries): within 0.2% of the larger of its
  // magnitude and 1, the standard deviations' tolerance on theta's scale.
  const auto theta = c["theta"].get<std::vector<double>>();
  ASSERT_EQ(fit["theta"].size(), theta.size());
  for (std::size_t k = 0; k < theta.size(); ++k)
    EXPECT_NEAR(fit["theta"][k].get<double>(), theta[k], 0.002 * std::max(1.0, std::fabs(theta[k]))) << "theta " << k;
  // The random-effects terms' column names (contrasts in (1 + f | g) too): exactly.
  std::vector<std::string> re_names;
  for (const json& row : fit["varcorr"])
    if (row["var2"].is_null() && row["grp"] != "Residual") re_names.push_back(row["var1"].get<std::string>());
  EXPECT_EQ(re_names, c["varcorr_names"].get<std::vector<std::string>>());
}

TEST_P(ContrastsTypeThree, AnovaAgreesWithLmerTest) {
  const json& c = golden_case(GetParam());
  SCOPED_TRACE(model_arguments(c));
  const json got = run_json("anova", c);
  const json& want = c["anova_type3"];
  ASSERT_EQ(got["anova_type3"].size(), want["terms"].size());
  for (std::size_t i = 0; i < want["terms"].size(); ++i) {
    const json& row = got["anova_type3"][i];
    EXPECT_EQ(row["term"], want["terms"][i]);
    EXPECT_EQ(row["num_df"].get<double>(), want["numdf"][i].get<double>());  // exact
    // 1e-5 relative for F and DenDF, as satterthwaite_test holds lmerTest's tables.
    EXPECT_LT(relative_error(row["F"].get<double>(), want["f"][i].get<double>()), 1e-5) << row["term"];
    EXPECT_LT(relative_error(row["den_df"].get<double>(), want["dendf"][i].get<double>()), 1e-5) << row["term"];
  }
}

TEST_P(ContrastsPrediction, NewDataUseTheModelsCoding) {
  const json& c = golden_case(GetParam());
  SCOPED_TRACE(model_arguments(c));
  const json got = run_json("predict", c, " --newdata " + c["predict"]["newdata"].get<std::string>());
  const auto want = c["predict"]["fit"].get<std::vector<double>>();
  ASSERT_EQ(got["fit"].size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i)  // 1e-6 relative, as prediction_test holds lme4's
    EXPECT_LT(relative_error(got["fit"][i].get<double>(), want[i]), 1e-6) << "newdata row " << i + 1;
}

INSTANTIATE_TEST_SUITE_P(Lme4, ContrastsGolden, ::testing::ValuesIn(case_indices()), case_name);
INSTANTIATE_TEST_SUITE_P(LmerTest, ContrastsTypeThree, ::testing::ValuesIn(case_indices("anova_type3")), case_name);
INSTANTIATE_TEST_SUITE_P(Lme4, ContrastsPrediction, ::testing::ValuesIn(case_indices("predict")), case_name);

lmm::Contrasts kind_of(const std::string& name) {
  const auto kind = lmm::contrasts_from_name(name);
  EXPECT_TRUE(kind.has_value()) << name;
  return kind.value_or(lmm::Contrasts::kDefault);
}

// contr.treatment, contr.sum, contr.helmert, contr.SAS and contr.poly for 2..8 levels, as R
// computes them: within 1e-12 (R's own contr.poly has rounding noise of 1e-16 in its zeros).
TEST(ContrastMatrices, EqualRsValues) {
  ASSERT_FALSE(goldens()["contrast_matrices"].empty());
  for (const json& m : goldens()["contrast_matrices"]) {
    const auto levels = m["levels"].get<std::size_t>();
    SCOPED_TRACE(m["kind"].get<std::string>() + " with " + std::to_string(levels) + " levels");
    const Eigen::MatrixXd got = lmm::internal::contrast_matrix(kind_of(m["kind"]), levels);
    const auto want = m["values"].get<std::vector<double>>();  // column-major, as R stores it
    ASSERT_EQ(static_cast<std::size_t>(got.size()), want.size());
    for (std::size_t k = 0; k < want.size(); ++k) EXPECT_NEAR(got.data()[k], want[k], 1e-12) << "element " << k;
  }
}

TEST(ContrastNames, AcceptRsSpellings) {
  EXPECT_EQ(kind_of("contr.sum"), kind_of("sum"));
  EXPECT_EQ(kind_of("contr.SAS"), lmm::Contrasts::kSAS);
  EXPECT_FALSE(lmm::contrasts_from_name("sas").has_value());
  EXPECT_EQ(lmm::contrasts_name(lmm::Contrasts::kHelmert), "contr.helmert");
}

// R's factor(x, levels = ...) on a numeric column: its values as R prints them, in the order
// given; a listed level absent from the data stays in the column (the model drops it).
TEST(FactorLevels, NumericColumnBecomesAFactorInTheGivenOrder) {
  lmm::DataFrame d = lmm::read_csv_text("x\n2\n10\n2.5\n", "x.csv");
  d.set_levels("x", {"10", "2", "2.5", "7"});
  const lmm::Column& x = d.column("x");
  ASSERT_TRUE(x.is_factor());
  EXPECT_EQ(x.levels, (std::vector<std::string>{"10", "2", "2.5", "7"}));
  EXPECT_EQ(x.codes, (std::vector<int>{1, 0, 2}));
}

const std::string kOats = "'Y ~ V + N + (1 | B)' --data tests/data/oats.csv";

TEST(ContrastErrors, UnknownContrastsIsAUsageError) {
  expect_one_line_error(run_cli("fit " + kOats + " --contrasts V=deviation"), 2, "unknown contrasts 'deviation'");
  expect_one_line_error(run_cli("fit " + kOats + " --contrasts V"), 2, "--contrasts 'V': expected COL=");
  expect_one_line_error(run_cli("fit " + kOats + " --levels V"), 2, "--levels 'V': expected COL=");
}

TEST(ContrastErrors, AbsentColumnsAreInputErrors) {
  expect_one_line_error(run_cli("fit " + kOats + " --contrasts W=sum"), 3, "--contrasts: no column named 'W'");
  expect_one_line_error(run_cli("fit " + kOats + " --ordered Nitro"), 3, "--ordered: no column named 'Nitro'");
  expect_one_line_error(run_cli("fit " + kOats + " --levels v=Victory"), 3, "--levels: no column named 'v'");
}

TEST(ContrastErrors, ContrastsOfANumericColumnAreAnInputError) {
  expect_one_line_error(run_cli("fit " + kOats + " --contrasts Y=sum"), 3, "contrasts for column 'Y': it is numeric");
}

TEST(ContrastErrors, LevelsMustListEveryValueOnce) {
  expect_one_line_error(run_cli("fit " + kOats + " --levels V=Victory,Marvellous"), 3,
                        "levels of column 'V': value 'Golden.rain' (line 6) is not among the levels listed");
  expect_one_line_error(run_cli("fit " + kOats + " --levels V=Victory,Marvellous,Golden.rain,Victory"), 3,
                        "levels of column 'V': level 'Victory' is listed twice");
}

TEST(ContrastErrors, ContrastsCallNeedsAFactorAndAKnownKind) {
  const std::string data = " --data tests/data/oats.csv";
  expect_one_line_error(run_cli("fit 'Y ~ C(V, deviation) + (1 | B)'" + data), 4, "unknown contrasts 'deviation'");
  expect_one_line_error(run_cli("fit 'Y ~ C(Y, sum) + (1 | B)'" + data), 4, "'Y' is numeric, not a factor");
  expect_one_line_error(run_cli("fit 'Y ~ C(V) + (1 | B)'" + data), 4, "C() takes a factor and the name of its contrasts");
}

}  // namespace

namespace {

std::vector<std::string> fixef_names(const std::string& formula, const lmm::DataFrame& data) {
  return lmm::fit_lmm(formula, data, lmm::FitOptions{}).fixef_names;
}

// R: contrasts(d$V) <- "contr.sum" codes V, C(V, sum) and an ordered N's default poly, but
// factor(V) is a new factor without V's contrasts (R warns "variable 'V' is absent, its contrast
// will be ignored"), while factor() of an ordered factor stays ordered.
TEST(ContrastsOfAColumn, ReachItsUsesButNotFactorOfIt) {
  lmm::DataFrame d = lmm::read_csv("tests/data/oats.csv");
  d.set_contrasts("V", lmm::Contrasts::kSum);
  d.declare_ordered("N");
  EXPECT_EQ(fixef_names("Y ~ V + (1 | B)", d), (std::vector<std::string>{"(Intercept)", "V1", "V2"}));
  EXPECT_EQ(fixef_names("Y ~ factor(V) + (1 | B)", d),
            (std::vector<std::string>{"(Intercept)", "factor(V)Marvellous", "factor(V)Victory"}));
  EXPECT_EQ(fixef_names("Y ~ factor(N) + (1 | B)", d),
            (std::vector<std::string>{"(Intercept)", "factor(N).L", "factor(N).Q", "factor(N).C"}));
  EXPECT_EQ(fixef_names("Y ~ C(N, helmert) + (1 | B)", d),
            (std::vector<std::string>{"(Intercept)", "C(N, helmert)1", "C(N, helmert)2", "C(N, helmert)3"}));
}

}  // namespace
