// anova(): likelihood-ratio tables against lme4's (tests/golden/lme4_inference.json, from
// tools/reference/lme4_inference.R).
#include <gtest/gtest.h>

#include <cmath>
#include <deque>

#include "lmm/anova.hpp"
#include "seed_data.hpp"

namespace {

using lmm::testing::data_for;
using lmm::testing::inference_goldens;
using nlohmann::json;

struct Compared {
  std::deque<lmm::LinearMixedModel> models;
  std::vector<lmm::ComparedModel> inputs;
};

Compared from_golden(const json& c) {
  Compared out;
  for (const json& m : c["models"]) {
    const std::string formula = m["formula"];
    out.models.emplace_back(formula, data_for(formula));
    lmm::FitOptions options;
    options.reml = m["reml"].get<bool>();
    out.inputs.push_back({m["name"], &out.models.back(), out.models.back().fit(options)});
  }
  return out;
}

const json& golden(const std::string& id) {
  for (const json& c : inference_goldens()["anova"])
    if (c["id"] == id) return c;
  throw std::runtime_error("no anova golden " + id);
}

class AnovaGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(AnovaGolden, EveryNumberAgreesWithLme4) {
  const json& c = golden(GetParam());
  Compared compared = from_golden(c);
  const lmm::AnovaTable table = lmm::anova(compared.inputs);
  EXPECT_EQ(table.refitted, !c["refit_message"].is_null());
  ASSERT_EQ(table.rows.size(), c["rows"].size());
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    const lmm::AnovaRow& got = table.rows[i];
    const json& want = c["rows"][i];
    SCOPED_TRACE(got.name);
    EXPECT_EQ(got.name, want["name"]);
    EXPECT_EQ(got.npar, want["npar"].get<int>());
    // ML optima agree with lme4's to about 1e-8 in the log-likelihood (both stop BOBYQA at
    // ftol_abs 1e-8), far below the 5 significant digits lme4 prints.
    EXPECT_NEAR(got.loglik, want["logLik"].get<double>(), 1e-6);
    EXPECT_NEAR(got.deviance, want["deviance"].get<double>(), 2e-6);
    EXPECT_NEAR(got.aic, want["AIC"].get<double>(), 2e-6);
    EXPECT_NEAR(got.bic, want["BIC"].get<double>(), 2e-6);
    if (want["Chisq"].is_null()) {
      EXPECT_FALSE(got.chisq);
      EXPECT_FALSE(got.df);
      EXPECT_FALSE(got.p);
      continue;
    }
    ASSERT_TRUE(got.chisq && got.df && got.p);
    EXPECT_NEAR(*got.chisq, want["Chisq"].get<double>(), 4e-6);  // a difference of two deviances
    EXPECT_EQ(*got.df, want["Df"].get<int>());
    if (want["Chisq"].get<double>() > 1e-6) {
      EXPECT_NEAR(*got.p, want["p"].get<double>(), 1e-6 * std::max(1e-3, want["p"].get<double>()));
    } else {
      // lme4's Chisq is 0: the larger model's extra variance sits on its boundary and the two
      // optima coincide. There p = 1 - sqrt(2 Chisq / pi) + ... has an infinite derivative in
      // Chisq, so a Chisq of 1e-10 (optimizer noise, within the Chisq check above) moves p by
      // 1e-5. Compare p to the 4 decimals the table prints.
      EXPECT_NEAR(*got.p, want["p"].get<double>(), 5e-5);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Lme4, AnovaGolden, ::testing::Values("M14_M17_M16", "sleep", "glp"));

// The printed table is lme4's, character for character.
TEST(AnovaText, ThreeLevelSeedTableIsLme4s) {
  Compared compared = from_golden(golden("M14_M17_M16"));
  EXPECT_EQ(lmm::anova_text(lmm::anova(compared.inputs), "classroom_df"),
            lmm::testing::read_text("tests/golden/anova_M14_M17_M16.txt"));
}

TEST(AnovaText, SleepstudyTableIsLme4s) {
  Compared compared = from_golden(golden("sleep"));
  EXPECT_EQ(lmm::anova_text(lmm::anova(compared.inputs), "sleepstudy"),
            lmm::testing::read_text("tests/golden/anova_sleep.txt"));
}

TEST(Anova, OrdersByNumberOfParametersAndKeepsMlFits) {
  const lmm::DataFrame& d = lmm::testing::seed_data("sleepstudy");
  lmm::LinearMixedModel big("Reaction ~ Days + (Days | Subject)", d), small("Reaction ~ Days + (1 | Subject)", d);
  lmm::FitOptions ml;
  ml.reml = false;
  const lmm::AnovaTable t = lmm::anova({{"big", &big, big.fit(ml)}, {"small", &small, small.fit(ml)}});
  EXPECT_FALSE(t.refitted);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].name, "small");
  EXPECT_EQ(t.rows[1].name, "big");
  EXPECT_EQ(*t.rows[1].df, 2);
}

TEST(Anova, RefusesModelsFitToDifferentObservations) {
  const lmm::DataFrame d = lmm::read_csv("tests/data/sim_missing.csv");
  // x1 has missing values that x2 does not, so the two models keep different rows.
  lmm::LinearMixedModel a("y ~ x1 + (1 | g)", d), b("y ~ x2 + (1 | g)", d);
  try {
    lmm::anova({{"a", &a, a.fit()}, {"b", &b, b.fit()}});
    FAIL() << "expected an error";
  } catch (const lmm::Error& e) {
    EXPECT_EQ(e.kind(), lmm::ErrorKind::kModel);
    EXPECT_NE(std::string(e.what()).find("not all fitted to the same size of dataset"), std::string::npos) << e.what();
  }
}

TEST(Anova, NeedsTwoModels) {
  const lmm::DataFrame& d = lmm::testing::seed_data("sleepstudy");
  lmm::LinearMixedModel m("Reaction ~ Days + (1 | Subject)", d);
  EXPECT_THROW(lmm::anova({{"m", &m, m.fit()}}), lmm::Error);
}

}  // namespace
