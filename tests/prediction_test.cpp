// Predictions against lme4 1.1-31 (tests/golden/lme4_inference.json, written by
// tools/reference/lme4_inference.R): predict() on new data, fitted() and residuals(); and
// predict()'s errors.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>

#include "seed_data.hpp"
#include "seed_fits.hpp"

namespace {

using lmm::testing::data_for;
using lmm::testing::fitted;
using lmm::testing::Fitted;
using lmm::testing::inference_goldens;
using lmm::testing::relative_difference;
using nlohmann::json;

// The columns tools/reference/lme4_inference.R converts with factor() after read.csv().
const std::map<std::string, std::vector<std::string>>& newdata_factors() {
  static const std::map<std::string, std::vector<std::string>> f = {
      {"sleepstudy", {"Subject"}}, {"M17", {"schoolid", "classid"}}, {"M_glp2", {"school", "himinty"}}};
  return f;
}

lmm::DataFrame read_newdata(const json& c, bool declare_factors) {
  lmm::DataFrame d = lmm::read_csv(c["newdata"].get<std::string>());
  if (declare_factors)
    for (const std::string& f : newdata_factors().at(c["id"])) d.declare_factor(f);
  return d;
}


// ---------------------------------------------------------------------------------------------
// predict(m, newdata, allow.new.levels = TRUE) and predict(m, newdata, re.form = NA)

class PredictGolden : public ::testing::TestWithParam<std::size_t> {};

void expect_golden_predictions(const json& c, const Eigen::VectorXd& got) {
  const json& want = c["values"];
  ASSERT_EQ(got.size(), static_cast<Eigen::Index>(want.size()));
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE("newdata row " + std::to_string(i + 1));
    const auto k = static_cast<Eigen::Index>(i);
    if (want[i].is_null()) {
      // lme4's na.action = na.pass: NA where a predictor is missing.
      EXPECT_TRUE(std::isnan(got[k])) << got[k];
      continue;
    }
    // 1e-6 relative (the acceptance tolerance): lmm follows lme4's BOBYQA path to the same stop
    // (ftol_abs 1e-8 on the objective), so theta, beta and the modes, and with them the
    // predictions, differ from lme4's by rounding and stopping noise only (observed: at most
    // 4e-10 relative for these three models).
    EXPECT_LE(relative_difference(got[k], want[i].get<double>()), 1e-6)
        << "got " << got[k] << ", lme4 " << want[i].get<double>();
  }
}

TEST_P(PredictGolden, EveryValueAgreesWithLme4) {
  const json& c = inference_goldens()["predict"][GetParam()];
  SCOPED_TRACE(c["id"].get<std::string>() + " re.form = " + c["re_form"].get<std::string>());
  const Fitted& f = fitted(c["formula"]);
  lmm::PredictOptions options;
  options.include_random_effects = c["re_form"] == "full";
  expect_golden_predictions(c, lmm::predict(f.model, f.fit, read_newdata(c, true), options));
}

// A numeric grouping column that is not declared a factor matches the model's levels by its
// labels (R's as.character), as declaring it does.
TEST_P(PredictGolden, UndeclaredNumericFactorsMatchByLabel) {
  const json& c = inference_goldens()["predict"][GetParam()];
  const Fitted& f = fitted(c["formula"]);
  lmm::PredictOptions options;
  options.include_random_effects = c["re_form"] == "full";
  expect_golden_predictions(c, lmm::predict(f.model, f.fit, read_newdata(c, false), options));
}

INSTANTIATE_TEST_SUITE_P(Lme4, PredictGolden, ::testing::Range<std::size_t>(0, 6),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           const json& c = inference_goldens()["predict"][info.param];
                           return c["id"].get<std::string>() + (c["re_form"] == "full" ? "_full" : "_fixed");
                         });

TEST(PredictGoldenCases, CoverAllThreeModelsBothWays) {
  ASSERT_EQ(inference_goldens()["predict"].size(), 6u);
  EXPECT_EQ(inference_goldens()["predict"][0]["values"].back(), nullptr);  // the row with Days NA
}

// Levels are matched by label, not by position: a newdata factor whose levels are a different
// set, in a different order, from the model's predicts what the same rows as numbers predict.
TEST(Predict, FactorLevelsMatchByLabelNotPosition) {
  const Fitted& f = fitted("Reaction ~ Days + (Days | Subject)");
  const lmm::DataFrame numeric = lmm::read_csv_text("Days,Subject\n1,372\n2,308\n3,372\n", "numeric");
  lmm::DataFrame as_text;  // Subject a factor with levels {"308", "372"}: 372 is level 1 here, 17 in the model
  as_text.add(numeric.column("Days"));
  lmm::Column subject;
  subject.name = "Subject";
  subject.type = lmm::Column::Type::kFactor;
  subject.levels = {"308", "372"};
  subject.codes = {1, 0, 1};
  subject.missing = {0, 0, 0};
  as_text.add(subject);
  const Eigen::VectorXd a = lmm::predict(f.model, f.fit, as_text);
  const Eigen::VectorXd b = lmm::predict(f.model, f.fit, numeric);
  ASSERT_EQ(a.size(), 3);
  for (Eigen::Index i = 0; i < 3; ++i) EXPECT_EQ(a[i], b[i]);
  // And they are the model's own fitted values for those subjects and days (Subject 372 is the
  // last level, 308 the first; 10 days each): exact up to rounding in the sums.
  const auto& rows = f.fit.fitted;
  EXPECT_NEAR(a[0], rows[17 * 10 + 1], 1e-9 * std::fabs(rows[171]));
  EXPECT_NEAR(a[1], rows[0 * 10 + 2], 1e-9 * std::fabs(rows[2]));
  EXPECT_NEAR(a[2], rows[17 * 10 + 3], 1e-9 * std::fabs(rows[173]));
}

// The predictions on the training data are the fitted values.
TEST(Predict, OnTheTrainingDataGivesTheFittedValues) {
  const Fitted& f = fitted("mathscore ~ ses + (ses | schoolid) + (1 | classid)");
  const Eigen::VectorXd p = lmm::predict(f.model, f.fit, data_for("mathscore"));
  ASSERT_EQ(p.size(), f.fit.fitted.size());
  // Same products in a different order of summation: rounding only.
  EXPECT_LE((p - f.fit.fitted).cwiseAbs().maxCoeff(), 1e-9 * f.fit.fitted.cwiseAbs().maxCoeff());
}

TEST(Predict, MissingGroupingValueContributesNothing) {
  const Fitted& f = fitted("Reaction ~ Days + (Days | Subject)");
  const lmm::DataFrame nd = lmm::read_csv_text("Days,Subject\n4,NA\n", "nd");
  lmm::PredictOptions fixed_only;
  fixed_only.include_random_effects = false;
  const double with_na = lmm::predict(f.model, f.fit, nd)[0];
  EXPECT_EQ(with_na, lmm::predict(f.model, f.fit, nd, fixed_only)[0]);
  EXPECT_NEAR(with_na, f.fit.fixef[0] + 4.0 * f.fit.fixef[1], 1e-12 * std::fabs(with_na));
}

TEST(Predict, FixedEffectsAloneNeedNoGroupingColumn) {
  const Fitted& f = fitted("Reaction ~ Days + (Days | Subject)");
  lmm::PredictOptions fixed_only;
  fixed_only.include_random_effects = false;
  const Eigen::VectorXd p = lmm::predict(f.model, f.fit, lmm::read_csv_text("Days\n0\n10\n", "nd"), fixed_only);
  ASSERT_EQ(p.size(), 2);
  EXPECT_EQ(p[0], f.fit.fixef[0]);
  EXPECT_NEAR(p[1], f.fit.fixef[0] + 10.0 * f.fit.fixef[1], 1e-12 * std::fabs(p[1]));
}

void expect_error(const std::function<void()>& call, lmm::ErrorKind kind, const std::vector<std::string>& words) {
  try {
    call();
    ADD_FAILURE() << "no lmm::Error";
  } catch (const lmm::Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    const std::string message = e.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    for (const std::string& w : words) EXPECT_NE(message.find(w), std::string::npos) << "'" << w << "' not in: " << message;
  }
}

TEST(PredictErrors, MissingColumnIsNamed) {
  const Fitted& f = fitted("Reaction ~ Days + (Days | Subject)");
  expect_error([&] { lmm::predict(f.model, f.fit, lmm::read_csv_text("Subject\n308\n", "nd")); },
               lmm::ErrorKind::kInput, {"no column 'Days'"});
  expect_error([&] { lmm::predict(f.model, f.fit, lmm::read_csv_text("Days\n1\n", "nd")); }, lmm::ErrorKind::kInput,
               {"no column 'Subject'"});
}

TEST(PredictErrors, UnseenLevelOfAFixedEffectsFactorIsNamed) {
  const Fitted& f = fitted("mathach ~ ses + himinty + ses:himinty + (ses | school)");
  const lmm::DataFrame nd = lmm::read_csv_text("ses,school,himinty\n0.1,s1224,0\n0.2,s1224,2\n", "nd");
  expect_error([&] { lmm::predict(f.model, f.fit, nd); }, lmm::ErrorKind::kInput,
               {"row 2", "factor 'himinty'", "new level '2'"});
  lmm::PredictOptions fixed_only;
  fixed_only.include_random_effects = false;
  expect_error([&] { lmm::predict(f.model, f.fit, nd, fixed_only); }, lmm::ErrorKind::kInput, {"new level '2'"});
}

TEST(PredictErrors, NewGroupLevelWithoutAllowNewLevelsIsNamed) {
  const Fitted& f = fitted("Reaction ~ Days + (Days | Subject)");
  lmm::PredictOptions strict;
  strict.allow_new_levels = false;
  const lmm::DataFrame nd = lmm::read_csv_text("Days,Subject\n1,308\n2,999\n3,1000\n4,999\n", "nd");
  expect_error([&] { lmm::predict(f.model, f.fit, nd, strict); }, lmm::ErrorKind::kInput,
               {"grouping factor 'Subject'", "'999', '1000'"});
  expect_error([&] { lmm::predict(f.model, f.fit, lmm::read_csv_text("Days,Subject\n1,NA\n", "nd"), strict); },
               lmm::ErrorKind::kInput, {"row 1", "'Subject' is missing"});
  // Known levels alone are fine.
  const Eigen::VectorXd p = lmm::predict(f.model, f.fit, lmm::read_csv_text("Days,Subject\n0,308\n", "nd"), strict);
  EXPECT_NEAR(p[0], f.fit.fitted[0], 1e-12 * std::fabs(p[0]));
}

TEST(PredictErrors, TextWhereTheModelHasANumber) {
  const Fitted& f = fitted("Reaction ~ Days + (Days | Subject)");
  expect_error([&] { lmm::predict(f.model, f.fit, lmm::read_csv_text("Days,Subject\nfive,308\n", "nd")); },
               lmm::ErrorKind::kInput, {"'Days'", "text"});
}

TEST(PredictErrors, FitOfAnotherModel) {
  const Fitted& f = fitted("Reaction ~ Days + (Days | Subject)");
  const Fitted& other = fitted("mathscore ~ ses + (ses | schoolid) + (1 | classid)");
  expect_error([&] { lmm::predict(f.model, other.fit, data_for("Reaction")); }, lmm::ErrorKind::kUsage,
               {"not a fit of this model"});
  expect_error([&] { lmm::ranef_table(f.model, other.fit); }, lmm::ErrorKind::kUsage, {"not a fit of this model"});
}

// ---------------------------------------------------------------------------------------------
// fitted(m), residuals(m)

TEST(FittedResiduals, SleepstudyAgreesWithLme4) {
  const json& c = inference_goldens()["fitted_residuals"];
  const Fitted& f = fitted(c["formula"]);
  const auto fitted_want = c["fitted"].get<std::vector<double>>();
  const auto resid_want = c["residuals"].get<std::vector<double>>();
  ASSERT_EQ(fitted_want.size(), 10u);
  for (std::size_t i = 0; i < 10; ++i) {
    const auto k = static_cast<Eigen::Index>(i);
    // As the predictions: 1e-6 relative to the fitted value, also for the residual (its
    // difference from lme4's is the fitted value's).
    EXPECT_LE(relative_difference(f.fit.fitted[k], fitted_want[i]), 1e-6);
    EXPECT_LE(std::fabs(f.fit.residuals[k] - resid_want[i]), 1e-6 * std::fabs(fitted_want[i]));
  }
  const auto rows = lmm::observation_rows(f.model);
  ASSERT_EQ(rows.size(), 180u);
  EXPECT_EQ(rows.front(), 0u);
  EXPECT_EQ(rows.back(), 179u);
}

}  // namespace
