// The lmm command line: the JSON contract of `lmm fit` and one-line errors with exit codes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_run.hpp"

namespace {

using lmm::testing::CliRun;
const auto& slurp = lmm::testing::slurp_file;
const auto& lmm_cli = lmm::testing::run_cli;

const std::string kClassroom = "--data ../shared/data/classroom.csv --factor classid,schoolid,classid2";

TEST(CliFit, JsonHasTheContractFields) {
  const CliRun r = lmm_cli("fit 'mathscore ~ ses + (ses | schoolid) + (1 | classid)' " + kClassroom + " --format json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::ordered_json::parse(r.out);
  for (const char* key : {"formula", "reml", "nobs", "ngroups", "objective", "loglik", "aic", "bic", "sigma", "fixef",
                          "fixef_se", "theta", "varcorr", "singular", "converged", "messages"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["reml"], true);
  EXPECT_EQ(j["nobs"], 1190);
  EXPECT_EQ(j["ngroups"]["classid"], 312);
  EXPECT_EQ(j["ngroups"]["schoolid"], 107);
  EXPECT_EQ(j["fixef"].begin().key(), "(Intercept)");
  // varcorr rows in as.data.frame(VarCorr()) order: classid first (more levels), Residual last.
  EXPECT_EQ(j["varcorr"][0]["grp"], "classid");
  EXPECT_TRUE(j["varcorr"][0]["var2"].is_null());
  EXPECT_EQ(j["varcorr"][3]["var2"], "ses");
  EXPECT_EQ(j["varcorr"].back()["grp"], "Residual");
  EXPECT_TRUE(j["varcorr"].back()["var1"].is_null());
}

TEST(CliFit, MlFlagFitsByMaximumLikelihood) {
  const CliRun r = lmm_cli("fit 'mathscore ~ ses + (ses | schoolid)' " + kClassroom + " --ml --format json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["reml"], false);
  EXPECT_NEAR(j["objective"].get<double>(), -2.0 * j["loglik"].get<double>(), 1e-9);
}

TEST(CliFit, JoinAddsGroupLevelColumns) {
  const CliRun r = lmm_cli(
      "fit 'mathach ~ ses + himinty + ses:himinty + (ses | school)' --data ../shared/data/mathachieve.csv "
      "--join ../shared/data/mathachieveschool.csv --by school --factor himinty --format json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::ordered_json::parse(r.out);
  std::vector<std::string> names;
  for (auto& [k, v] : j["fixef"].items()) names.push_back(k);
  EXPECT_EQ(names, (std::vector<std::string>{"(Intercept)", "ses", "himinty1", "ses:himinty1"}));
  // The seed prints fixef(M_glp2) as 13.1542443 2.5436697 -1.8593332 -0.5760956.
  EXPECT_NEAR(j["fixef"]["(Intercept)"].get<double>(), 13.1542443, 5e-7);
  EXPECT_NEAR(j["fixef"]["ses:himinty1"].get<double>(), -0.5760956, 5e-7);
}

// The acceptance check of the engine issue: M_glp2's summary as lme4 1.1-31 prints it
// (tests/golden/M_glp2_summary.txt, captured by tools/reference/lme4_goldens.R), to the character.
TEST(CliFit, TextSummaryOfMGlp2IsLme4s) {
  const CliRun r = lmm_cli(
      "fit 'mathach ~ ses + himinty + ses:himinty + (ses | school)' --data ../shared/data/mathachieve.csv "
      "--join ../shared/data/mathachieveschool.csv --by school --factor himinty --data-name mathach_df2");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, slurp("tests/golden/M_glp2_summary.txt"));
}

TEST(CliFit, TextSummaryOfM17IsLme4s) {
  const CliRun r = lmm_cli("fit 'mathscore ~ ses + (ses | schoolid) + (1 | classid)' " + kClassroom +
                           " --data-name classroom_df");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, slurp("tests/golden/M17_summary.txt"));
}

// Without fixed effects lme4 reports an ML fit (the REML criterion is then the deviance): its
// header, the AIC table and no fixed-effects section (tests/golden/Dyestuff_no_fixef_summary.txt,
// from tools/reference/lme4_goldens.R). The fuzzers found this model's rank check reading a null
// matrix (bd1dc65).
TEST(CliFit, ModelWithoutFixedEffectsIsReportedAsLme4Does) {
  const CliRun r = lmm_cli("fit 'Yield ~ 0 + (1 | Batch)' --data ../shared/data/Dyestuff.csv");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, slurp("tests/golden/Dyestuff_no_fixef_summary.txt"));
  const CliRun j = lmm_cli("fit 'Yield ~ 0 + (1 | Batch)' --data ../shared/data/Dyestuff.csv --format json");
  ASSERT_EQ(j.status, 0) << j.err;
  const auto fit = nlohmann::json::parse(j.out);
  EXPECT_FALSE(fit["reml"].get<bool>());
  EXPECT_NEAR(fit["objective"].get<double>(), 370.0789, 1e-4);  // R: REMLcrit() and deviance() alike
}

// --ddf satterthwaite: lmerTest's df and p-values per coefficient and its type III table, in the
// fit JSON; checked against lmerTest 3.1-3 (tests/golden/lme4_inference.json, case M17).
TEST(CliFit, SatterthwaiteJsonHasDfPValuesAndTypeThreeTable) {
  const CliRun r = lmm_cli("fit 'mathscore ~ ses + (ses | schoolid) + (1 | classid)' " + kClassroom +
                           " --ddf satterthwaite --format json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"fixef", "fixef_se", "theta", "fixef_df", "fixef_t", "fixef_p", "anova_type3"})
    EXPECT_TRUE(j.contains(key)) << key;
  const auto golden = nlohmann::json::parse(std::ifstream("tests/golden/lme4_inference.json"));
  const nlohmann::json* m17 = nullptr;
  for (const auto& c : golden["satterthwaite"])
    if (c["id"] == "M17") m17 = &c;
  ASSERT_NE(m17, nullptr);
  ASSERT_EQ(j["fixef_df"].size(), (*m17)["coefficients"].size());
  for (const auto& want : (*m17)["coefficients"]) {
    const std::string name = want["name"];
    SCOPED_TRACE(name);
    // Relative 1e-5 for df, 1e-4 for p (the library's own tests hold the same bounds).
    EXPECT_NEAR(j["fixef_df"][name].get<double>(), want["df"].get<double>(), 1e-5 * want["df"].get<double>());
    EXPECT_NEAR(j["fixef_p"][name].get<double>(), want["p"].get<double>(), 1e-4 * want["p"].get<double>());
    EXPECT_NEAR(j["fixef_t"][name].get<double>(), want["t"].get<double>(), 1e-5 * std::fabs(want["t"].get<double>()));
  }
  ASSERT_EQ(j["anova_type3"].size(), 1u);
  const auto& row = j["anova_type3"][0];
  const auto& want = (*m17)["anova"][0];
  EXPECT_EQ(row["term"], "ses");
  EXPECT_EQ(row["num_df"], 1);
  EXPECT_NEAR(row["den_df"].get<double>(), want["dendf"].get<double>(), 1e-5 * want["dendf"].get<double>());
  EXPECT_NEAR(row["F"].get<double>(), want["F"].get<double>(), 1e-5 * want["F"].get<double>());
  EXPECT_NEAR(row["sum_sq"].get<double>(), want["sumsq"].get<double>(), 1e-5 * want["sumsq"].get<double>());
  EXPECT_NEAR(row["p"].get<double>(), want["p"].get<double>(), 1e-4 * want["p"].get<double>());
}

// lmerTest's print(summary(M_glp2)) (tests/golden/M_glp2_lmertest_summary.txt, captured by
// tools/reference/lmertest_summary.R), to the character.
TEST(CliFit, SatterthwaiteSummaryOfMGlp2IsLmerTests) {
  const CliRun r = lmm_cli(
      "fit 'mathach ~ ses + himinty + ses:himinty + (ses | school)' --data ../shared/data/mathachieve.csv "
      "--join ../shared/data/mathachieveschool.csv --by school --factor himinty --data-name mathach_df2 "
      "--ddf satterthwaite");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, slurp("tests/golden/M_glp2_lmertest_summary.txt"));
}

// lmm anova with one formula: lmerTest's anova(m).
TEST(CliAnova, OneFormulaPrintsTheTypeThreeTable) {
  const CliRun r = lmm_cli("anova 'angle ~ recipe * temp + (1 | recipe:replicate)' --data ../shared/data/cake.csv "
                           "--factor replicate");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, slurp("tests/golden/cake_lmertest_anova.txt"));
  const CliRun j = lmm_cli("anova 'Reaction ~ Days + (Days | Subject)' --data ../shared/data/sleepstudy.csv "
                           "--factor Subject --format json");
  ASSERT_EQ(j.status, 0) << j.err;
  const auto table = nlohmann::json::parse(j.out);
  EXPECT_EQ(table["heading"], "Type III Analysis of Variance Table with Satterthwaite's method");
  ASSERT_EQ(table["anova_type3"].size(), 1u);
  EXPECT_EQ(table["anova_type3"][0]["term"], "Days");
  EXPECT_NEAR(table["anova_type3"][0]["den_df"].get<double>(), 17.0, 1e-3);  // lmerTest: 16.99998
}

// Two formulas stay lme4's likelihood-ratio comparison.
TEST(CliAnova, TwoFormulasCompareModels) {
  const CliRun r = lmm_cli("anova 'Reaction ~ Days + (1 | Subject)' 'Reaction ~ Days + (Days | Subject)' "
                           "--data ../shared/data/sleepstudy.csv --factor Subject --names sleep0,sleepstudy");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, slurp("tests/golden/anova_sleep.txt"));
}

}  // namespace

namespace {

const std::string kSleep = "--data ../shared/data/sleepstudy.csv --factor Subject";

TEST(CliAnova, JsonHasTheContractFieldsInPrintedOrder) {
  const CliRun r = lmm_cli("anova 'Reaction ~ Days + (Days | Subject)' 'Reaction ~ Days + (1 | Subject)' " + kSleep +
                           " --format json");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::ordered_json::parse(r.out);
  ASSERT_EQ(j["models"].size(), 2u);
  for (const auto& m : j["models"])
    for (const char* key : {"formula", "npar", "AIC", "BIC", "logLik", "deviance", "Chisq", "Df", "p"})
      EXPECT_TRUE(m.contains(key)) << key;
  EXPECT_EQ(j["models"][0]["formula"], "Reaction ~ Days + (1 | Subject)");  // fewer parameters first
  EXPECT_EQ(j["models"][0]["npar"], 4);
  EXPECT_TRUE(j["models"][0]["Chisq"].is_null() && j["models"][0]["Df"].is_null() && j["models"][0]["p"].is_null());
  EXPECT_EQ(j["models"][1]["Df"], 2);
  EXPECT_NEAR(j["models"][1]["Chisq"].get<double>(), 42.139, 1e-3);  // lme4: 42.139 on 2 df
}

TEST(CliAnova, TextNamesModelsAndSaysItRefits) {
  const CliRun r = lmm_cli("anova 'Reaction ~ Days + (1 | Subject)' 'Reaction ~ Days + (Days | Subject)' " + kSleep +
                           " --names sleep0,sleepstudy --data-name sleepstudy");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "refitting model(s) with ML (instead of REML)\n");
  EXPECT_EQ(r.out.rfind("Data: sleepstudy\nModels:\nsleep0: Reaction ~ Days + (1 | Subject)\n", 0), 0u) << r.out;
}

TEST(CliAnova, OneFormulaOrMismatchedNamesAreUsageErrors) {
  CliRun r = lmm_cli("anova 'Reaction ~ Days + (1 | Subject)' 'Reaction ~ Days + (Days | Subject)' " + kSleep +
                     " --names a");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--names gives 1 names for 2 formulas"), std::string::npos) << r.err;
}

TEST(CliConfint, JsonContractForProfileAndWald) {
  CliRun r = lmm_cli("confint 'Reaction ~ Days + (Days | Subject)' " + kSleep + " --format json --parm beta_");
  ASSERT_EQ(r.status, 0) << r.err;
  auto j = nlohmann::ordered_json::parse(r.out);
  EXPECT_EQ(j["method"], "profile");
  EXPECT_EQ(j["level"], 0.95);
  ASSERT_EQ(j["intervals"].size(), 2u);
  EXPECT_EQ(j["intervals"][1]["name"], "Days");
  EXPECT_NEAR(j["intervals"][1]["lower"].get<double>(), 7.3587, 1e-3);  // lme4: 7.358653
  r = lmm_cli("confint 'Reaction ~ Days + (Days | Subject)' " + kSleep + " --format json --method wald --level 0.9");
  ASSERT_EQ(r.status, 0) << r.err;
  j = nlohmann::ordered_json::parse(r.out);
  EXPECT_EQ(j["method"], "wald");
  EXPECT_EQ(j["intervals"][0]["name"], ".sig01");
  EXPECT_TRUE(j["intervals"][0]["lower"].is_null());
  EXPECT_EQ(j["intervals"].size(), 6u);
}

TEST(CliConfint, UnknownParameterIsAUsageError) {
  const CliRun r = lmm_cli("confint 'Reaction ~ Days + (Days | Subject)' " + kSleep + " --parm Dayz");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("no parameter named 'Dayz'"), std::string::npos) << r.err;
}

TEST(CliBootstrap, WritesReplicatesAsCsvTheSameOnAnyThreadCount) {
  const std::string base = "bootstrap 'Reaction ~ Days + (1 | Subject)' " + kSleep + " --nsim 8 --seed 3";
  const CliRun one = lmm_cli(base + " --threads 1");
  const CliRun two = lmm_cli(base + " --threads 2");
  ASSERT_EQ(one.status, 0) << one.err;
  EXPECT_EQ(one.out, two.out);
  EXPECT_EQ(one.out.substr(0, one.out.find('\n')), "\".sig01\",\".sigma\",\"(Intercept)\",\"Days\"");
  EXPECT_EQ(std::count(one.out.begin(), one.out.end(), '\n'), 9);
}

}  // namespace
