// Model queries against lme4 1.1-31 (tests/golden/lme4_inference.json, written by
// tools/reference/lme4_inference.R): predict() on new data, ranef(condVar = TRUE), coef(),
// fitted() and residuals(); their errors; and `lmm predict`, `lmm ranef`, `lmm coef`.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <sstream>

#include "cli_run.hpp"
#include "lmm/lmm.hpp"
#include "model/model_state.hpp"
#include "model/profiled_deviance.hpp"
#include "seed_data.hpp"

namespace {

using lmm::testing::data_for;
using lmm::testing::inference_goldens;
using nlohmann::json;

struct Fitted {
  lmm::LinearMixedModel model;
  lmm::FitResult fit;
};

// One REML fit per formula, on the data set the reference script fitted it to.
const Fitted& fitted(const std::string& formula) {
  static std::map<std::string, std::unique_ptr<Fitted>> cache;
  auto& slot = cache[formula];
  if (!slot) {
    lmm::LinearMixedModel model(formula, data_for(formula));
    lmm::FitResult fit = model.fit();
    slot = std::make_unique<Fitted>(Fitted{std::move(model), std::move(fit)});
  }
  return *slot;
}

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

double relative_difference(double got, double want) { return std::fabs(got - want) / std::fabs(want); }

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
// as.data.frame(ranef(m, condVar = TRUE))

class RanefGolden : public ::testing::TestWithParam<std::size_t> {};

TEST_P(RanefGolden, ModesAndConditionalSdsAgreeWithLme4) {
  const json& c = inference_goldens()["ranef_condvar"][GetParam()];
  const Fitted& f = fitted(c["formula"]);
  const std::vector<lmm::RandomEffectRow> rows = lmm::ranef_table(f.model, f.fit);
  const json& want = c["rows"];
  ASSERT_EQ(rows.size(), want.size());
  // The scale of each column of modes: its largest magnitude in lme4's table.
  std::map<std::pair<std::string, std::string>, double> scale;
  for (const json& w : want) {
    double& s = scale[{w["grpvar"], w["term"]}];
    s = std::max(s, std::fabs(w["condval"].get<double>()));
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const lmm::RandomEffectRow& got = rows[i];
    const json& w = want[i];
    SCOPED_TRACE(w.dump());
    EXPECT_EQ(got.grpvar, w["grpvar"]);
    EXPECT_EQ(got.term, w["term"]);
    EXPECT_EQ(got.grp, w["grp"]);
    // Modes within 1e-4 of their column's scale: a mode near 0 has no relative precision, and
    // 1e-4 covers the modes' sensitivity to where BOBYQA stops (theta to ~1e-6).
    EXPECT_LE(std::fabs(got.condval - w["condval"].get<double>()), 1e-4 * scale.at({w["grpvar"], w["term"]}))
        << "got " << got.condval;
    // Conditional SDs within 1e-3 relative: they depend on theta and sigma only.
    EXPECT_LE(relative_difference(got.condsd, w["condsd"].get<double>()), 1e-3) << "got " << got.condsd;
  }
}

INSTANTIATE_TEST_SUITE_P(Lme4, RanefGolden, ::testing::Range<std::size_t>(0, 4),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return inference_goldens()["ranef_condvar"][info.param]["id"].get<std::string>();
                         });

// The blocked computation of the inverse's diagonal blocks against a dense inverse of
// Lambda'Z'Z Lambda + I, for a first term with two columns and a crossed second term (the
// W_g = C^{-1} B_g A_g^{-1} path) and for M17 (first term with one column, trailing slopes).
void expect_blocks_match_dense_inverse(const std::string& formula) {
  const Fitted& f = fitted(formula);
  const lmm::internal::ModelState& m = f.model.state();
  lmm::internal::ProfiledDeviance deviance(m);
  ASSERT_TRUE(deviance.factor(f.fit.theta));
  const std::vector<Eigen::MatrixXd> blocks = deviance.cholesky().random_effects_inverse_blocks();
  const std::vector<Eigen::MatrixXd> factors = deviance.relative_factors(f.fit.theta);
  Eigen::Index q = 0;
  for (const auto& t : m.terms) q += t.nranef();
  const auto n = static_cast<Eigen::Index>(m.frame.nobs);
  Eigen::MatrixXd zl = Eigen::MatrixXd::Zero(n, q);  // Z Lambda, dense
  Eigen::Index offset = 0;
  for (std::size_t k = 0; k < m.terms.size(); ++k) {
    const auto& t = m.terms[k];
    for (Eigen::Index i = 0; i < n; ++i)
      zl.block(i, offset + static_cast<Eigen::Index>(t.codes[i]) * t.q(), 1, t.q()) = t.z.row(i) * factors[k];
    offset += t.nranef();
  }
  const Eigen::MatrixXd inverse =
      (zl.transpose() * zl + Eigen::MatrixXd::Identity(q, q)).llt().solve(Eigen::MatrixXd::Identity(q, q));
  ASSERT_EQ(blocks.size(), m.terms.size());
  offset = 0;
  for (std::size_t k = 0; k < m.terms.size(); ++k) {
    const auto& t = m.terms[k];
    ASSERT_EQ(blocks[k].cols(), t.nranef());
    for (int l = 0; l < t.nlevels(); ++l) {
      const Eigen::Index at = static_cast<Eigen::Index>(l) * t.q();
      // Two factorizations of the same well-conditioned matrix (eigenvalues >= 1): rounding.
      EXPECT_LE((blocks[k].middleCols(at, t.q()) - inverse.block(offset + at, offset + at, t.q(), t.q()))
                    .cwiseAbs()
                    .maxCoeff(),
                1e-10)
          << "term " << k << " level " << l;
    }
    offset += t.nranef();
  }
}

TEST(ConditionalVariance, BlocksMatchADenseInverseWithCrossedTerms) {
  expect_blocks_match_dense_inverse("mathscore ~ ses + (ses | classid) + (1 | schoolid)");
  expect_blocks_match_dense_inverse("mathscore ~ ses + (ses | schoolid) + (1 | classid)");
  expect_blocks_match_dense_inverse("diameter ~ 1 + (1 | plate) + (1 | sample)");
}

TEST(ConditionalVariance, CovariancesAreSymmetricWithTheTableDiagonal) {
  const Fitted& f = fitted("Reaction ~ Days + (Days | Subject)");
  const auto cov = lmm::conditional_covariances(f.model, f.fit);
  const auto rows = lmm::ranef_table(f.model, f.fit);
  ASSERT_EQ(cov.size(), 1u);
  ASSERT_EQ(cov[0].covariance.size(), 18u);
  for (std::size_t l = 0; l < 18; ++l) {
    const Eigen::MatrixXd& v = cov[0].covariance[l];
    EXPECT_LE(std::fabs(v(0, 1) - v(1, 0)), 1e-12 * v.cwiseAbs().maxCoeff());
    EXPECT_EQ(rows[l].condsd, std::sqrt(v(0, 0)));
    EXPECT_EQ(rows[18 + l].condsd, std::sqrt(v(1, 1)));
  }
}

// ---------------------------------------------------------------------------------------------
// coef(m), fitted(m), residuals(m)

TEST(Coef, SleepstudyAgreesWithLme4) {
  const json& c = inference_goldens()["coef"];
  const Fitted& f = fitted(c["formula"]);
  const std::vector<lmm::GroupCoefficients> groups = lmm::coef(f.fit);
  ASSERT_EQ(groups.size(), c["groups"].size());
  const lmm::GroupCoefficients& g = groups[0];
  const json& want = c["groups"]["Subject"];
  EXPECT_EQ(g.group, "Subject");
  EXPECT_EQ(g.levels, want["levels"].get<std::vector<std::string>>());
  ASSERT_EQ(g.names, (std::vector<std::string>{"(Intercept)", "Days"}));
  for (std::size_t k = 0; k < g.names.size(); ++k) {
    const std::vector<double> w = want[g.names[k]].get<std::vector<double>>();
    ASSERT_EQ(g.values.rows(), static_cast<Eigen::Index>(w.size()));
    double scale = 0.0;
    for (double v : w) scale = std::max(scale, std::fabs(v));
    for (std::size_t l = 0; l < w.size(); ++l) {
      // Fixed effect plus mode: within 1e-6 of the column's scale (a slope near 0, such as
      // Subject 335's, has no relative precision; see the predictions' tolerance).
      EXPECT_LE(std::fabs(g.values(static_cast<Eigen::Index>(l), static_cast<Eigen::Index>(k)) - w[l]), 1e-6 * scale)
          << g.names[k] << " " << g.levels[l];
    }
  }
}

TEST(Coef, RandomColumnsWithoutAFixedEffectComeFirstWithZero) {
  const Fitted& f = fitted("Reaction ~ 0 + Days + (1 | Subject)");
  const auto groups = lmm::coef(f.fit);
  ASSERT_EQ(groups.size(), 1u);
  ASSERT_EQ(groups[0].names, (std::vector<std::string>{"(Intercept)", "Days"}));
  EXPECT_EQ(groups[0].values.col(0), f.fit.ranef[0].values.col(0));
  for (Eigen::Index l = 0; l < groups[0].values.rows(); ++l) EXPECT_EQ(groups[0].values(l, 1), f.fit.fixef[0]);
}

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

// ---------------------------------------------------------------------------------------------
// The command line

using lmm::testing::CliRun;
using lmm::testing::expect_one_line_error;
using lmm::testing::run_cli;

const std::string kSleep = "'Reaction ~ Days + (Days | Subject)' --data ../shared/data/sleepstudy.csv --factor Subject";

std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::istringstream l(line);
    std::string field;
    while (std::getline(l, field, ',')) fields.push_back(field);
    rows.push_back(fields);
  }
  return rows;
}

void expect_cli_predictions(const CliRun& r, const json& c) {
  ASSERT_EQ(r.status, 0) << r.err;
  const auto rows = csv_rows(r.out);
  const json& want = c["values"];
  ASSERT_EQ(rows.size(), want.size() + 1);
  EXPECT_EQ(rows[0], std::vector<std::string>{"fit"});
  for (std::size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(rows[i + 1].size(), 1u);
    if (want[i].is_null()) {
      EXPECT_EQ(rows[i + 1][0], "NA");
      continue;
    }
    // The library's predictions (same tolerance and reason), printed to round-trip precision.
    EXPECT_LE(relative_difference(std::stod(rows[i + 1][0]), want[i].get<double>()), 1e-6) << rows[i + 1][0];
  }
}

TEST(CliPredict, CsvWithNewDataAgreesWithLme4) {
  const json& golden = inference_goldens()["predict"];
  expect_cli_predictions(run_cli("predict " + kSleep + " --newdata tests/data/newdata_sleepstudy.csv"), golden[0]);
  expect_cli_predictions(
      run_cli("predict " + kSleep + " --newdata tests/data/newdata_sleepstudy.csv --no-random-effects"), golden[1]);
  expect_cli_predictions(
      run_cli("predict 'mathach ~ ses + himinty + ses:himinty + (ses | school)' --data ../shared/data/mathachieve.csv "
              "--join ../shared/data/mathachieveschool.csv --by school --factor himinty "
              "--newdata tests/data/newdata_mathach.csv"),
      golden[4]);
}

TEST(CliPredict, NewdataFactorOption) {
  const json& golden = inference_goldens()["predict"];
  expect_cli_predictions(run_cli("predict 'mathscore ~ ses + (ses | schoolid) + (1 | classid)' "
                                 "--data ../shared/data/classroom.csv --newdata tests/data/newdata_classroom.csv "
                                 "--newdata-factor schoolid,classid"),
                         golden[2]);
  expect_one_line_error(run_cli("predict " + kSleep + " --newdata tests/data/newdata_sleepstudy.csv --newdata-factor nope"),
                        3, "--newdata-factor: no column named 'nope'");
}

TEST(CliPredict, JsonHasNullForMissing) {
  const CliRun r = run_cli("predict " + kSleep + " --newdata tests/data/newdata_sleepstudy.csv --format json");
  ASSERT_EQ(r.status, 0) << r.err;
  const json j = json::parse(r.out);
  ASSERT_EQ(j["fit"].size(), 12u);
  EXPECT_TRUE(j["fit"][11].is_null());
  EXPECT_LE(relative_difference(j["fit"][0].get<double>(), inference_goldens()["predict"][0]["values"][0]), 1e-6);
}

TEST(CliPredict, WithoutNewdataFittedAndResiduals) {
  const CliRun r = run_cli("predict " + kSleep);
  ASSERT_EQ(r.status, 0) << r.err;
  const auto rows = csv_rows(r.out);
  ASSERT_EQ(rows.size(), 181u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"row", "fitted", "residual"}));
  const json& c = inference_goldens()["fitted_residuals"];
  for (std::size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(rows[i + 1][0], std::to_string(i + 1));
    const double want = c["fitted"][i].get<double>();
    EXPECT_LE(relative_difference(std::stod(rows[i + 1][1]), want), 1e-6);
    EXPECT_LE(std::fabs(std::stod(rows[i + 1][2]) - c["residuals"][i].get<double>()), 1e-6 * std::fabs(want));
  }
}

TEST(CliPredict, Errors) {
  expect_one_line_error(
      run_cli("predict " + kSleep + " --newdata tests/data/newdata_sleepstudy.csv --no-new-levels"), 3, "'999', '1000'");
  expect_one_line_error(run_cli("predict " + kSleep + " --newdata tests/data/newdata_classroom.csv"), 3,
                        "no column 'Days'");
  expect_one_line_error(run_cli("predict " + kSleep + " --no-random-effects"), 2, "need --newdata");
  expect_one_line_error(run_cli("predict " + kSleep + " --newdata /nonexistent.csv"), 3, "/nonexistent.csv");
}

TEST(CliRanef, CsvRowsAsLme4Orders) {
  const CliRun r = run_cli("ranef 'diameter ~ 1 + (1 | plate) + (1 | sample)' --data ../shared/data/Penicillin.csv");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto rows = csv_rows(r.out);
  const json& want = inference_goldens()["ranef_condvar"][3]["rows"];
  ASSERT_EQ(rows.size(), want.size() + 1);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"grpvar", "term", "grp", "condval", "condsd"}));
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(rows[i + 1][0], want[i]["grpvar"]);
    EXPECT_EQ(rows[i + 1][1], want[i]["term"]);
    EXPECT_EQ(rows[i + 1][2], want[i]["grp"]);
    // As the library's table (same tolerance and reason).
    EXPECT_LE(relative_difference(std::stod(rows[i + 1][4]), want[i]["condsd"].get<double>()), 1e-3);
  }
}

TEST(CliCoef, CsvAndJson) {
  const CliRun csv = run_cli("coef " + kSleep);
  ASSERT_EQ(csv.status, 0) << csv.err;
  const auto rows = csv_rows(csv.out);
  ASSERT_EQ(rows.size(), 19u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"grpvar", "grp", "(Intercept)", "Days"}));
  EXPECT_EQ(rows[1][0], "Subject");
  EXPECT_EQ(rows[1][1], "308");
  const json& want = inference_goldens()["coef"]["groups"]["Subject"];
  EXPECT_LE(relative_difference(std::stod(rows[1][2]), want["(Intercept)"][0].get<double>()), 1e-6);
  const CliRun js = run_cli("coef " + kSleep + " --format json");
  ASSERT_EQ(js.status, 0) << js.err;
  const json j = json::parse(js.out);
  EXPECT_EQ(j["Subject"]["levels"], want["levels"]);
  EXPECT_LE(relative_difference(j["Subject"]["Days"][0].get<double>(), want["Days"][0].get<double>()), 1e-6);
}

}  // namespace
