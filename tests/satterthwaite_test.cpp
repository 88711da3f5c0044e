// Satterthwaite's t-tests and type III F tests against lmerTest 3.1-3 (tests/golden/
// lme4_inference.json key "satterthwaite", from tools/reference/lme4_inference.R; printed output
// from tools/reference/lmertest_summary.R).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <sstream>

#include "lmm/satterthwaite.hpp"
#include "satterthwaite_cases.hpp"
#include "seed_data.hpp"

namespace {

using lmm::testing::Case;
using lmm::testing::fitted;
using lmm::testing::golden;
using nlohmann::json;

double relative_error(double got, double want) { return std::fabs(got - want) / std::fabs(want); }

class SatterthwaiteGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(SatterthwaiteGolden, CoefficientTestsAgreeWithLmerTest) {
  const json& c = golden(GetParam());
  const Case& k = fitted(GetParam());
  ASSERT_EQ(k.tests.coefficients.size(), c["coefficients"].size());
  double worst_df = 0.0, worst_p = 0.0;
  for (std::size_t i = 0; i < k.tests.coefficients.size(); ++i) {
    const lmm::CoefficientTest& got = k.tests.coefficients[i];
    const json& want = c["coefficients"][i];
    SCOPED_TRACE(got.name);
    EXPECT_EQ(got.name, want["name"]);
    // The fit itself agrees with lme4's to about 1e-6 (BOBYQA's stopping rules), so do the
    // estimates, their standard errors and t.
    EXPECT_LT(relative_error(got.estimate, want["estimate"]), 1e-5);
    EXPECT_LT(relative_error(got.std_error, want["se"]), 1e-5);
    EXPECT_LT(relative_error(got.t_value, want["t"]), 1e-5);
    // The acceptance bound is 1e-3 relative; lmm holds df to 1e-5 (it takes the Hessian and the
    // Jacobian exactly as numDeriv does) and p, which magnifies the 1e-6 differences in t deep
    // in the tails, to 1e-4.
    EXPECT_LT(relative_error(got.df, want["df"]), 1e-5);
    EXPECT_LT(relative_error(got.p_value, want["p"]), 1e-4);
    worst_df = std::max(worst_df, relative_error(got.df, want["df"]));
    worst_p = std::max(worst_p, relative_error(got.p_value, want["p"]));
  }
  std::cout << "[ agreement ] " << GetParam() << " coefficients: max relative error df " << worst_df << ", p "
            << worst_p << "\n";
}

TEST_P(SatterthwaiteGolden, TypeThreeFTestsAgreeWithLmerTest) {
  const json& c = golden(GetParam());
  const Case& k = fitted(GetParam());
  EXPECT_EQ(k.tests.anova_heading, c["anova_type"]);
  ASSERT_EQ(k.tests.terms.size(), c["anova"].size());
  double worst_df = 0.0, worst_f = 0.0, worst_p = 0.0;
  for (std::size_t i = 0; i < k.tests.terms.size(); ++i) {
    const lmm::TermFTest& got = k.tests.terms[i];
    const json& want = c["anova"][i];
    SCOPED_TRACE(got.term);
    EXPECT_EQ(got.term, want["term"]);
    EXPECT_EQ(got.num_df, want["numdf"].get<int>());  // exact
    // Acceptance bound 1e-3 relative; held to 1e-5 for F, its sums of squares and DenDF, and to
    // 1e-4 for p (as for the t-tests above).
    EXPECT_LT(relative_error(got.f_value, want["F"]), 1e-5);
    EXPECT_LT(relative_error(got.sum_sq, want["sumsq"]), 1e-5);
    EXPECT_LT(relative_error(got.mean_sq, want["meansq"]), 1e-5);
    EXPECT_LT(relative_error(got.den_df, want["dendf"]), 1e-5);
    EXPECT_LT(relative_error(got.p_value, want["p"]), 1e-4);
    worst_df = std::max(worst_df, relative_error(got.den_df, want["dendf"]));
    worst_f = std::max(worst_f, relative_error(got.f_value, want["F"]));
    worst_p = std::max(worst_p, relative_error(got.p_value, want["p"]));
  }
  std::cout << "[ agreement ] " << GetParam() << " F tests: max relative error DenDF " << worst_df << ", F " << worst_f
            << ", p " << worst_p << "\n";
}

TEST_P(SatterthwaiteGolden, VarianceParameterCovarianceAgreesWithLmerTest) {
  const json& c = golden(GetParam());
  const Case& k = fitted(GetParam());
  const auto n = static_cast<Eigen::Index>(c["varpar_vcov"].size());
  ASSERT_EQ(k.tests.varpar_vcov.rows(), n);
  ASSERT_EQ(k.tests.varpar_vcov.cols(), n);
  double worst = 0.0;
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j) {
      const double want = c["varpar_vcov"][static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
      // Each entry within 1e-4 relative of lmerTest's (acceptance bound 1e-3).
      EXPECT_LT(relative_error(k.tests.varpar_vcov(i, j), want), 1e-4) << "entry (" << i << ", " << j << ")";
      worst = std::max(worst, relative_error(k.tests.varpar_vcov(i, j), want));
    }
  std::cout << "[ agreement ] " << GetParam() << " varpar_vcov: max relative error " << worst << "\n";
  EXPECT_TRUE(k.tests.messages.empty()) << k.tests.messages.front();  // lmerTest warned about none
}

INSTANTIATE_TEST_SUITE_P(LmerTest, SatterthwaiteGolden,
                         ::testing::Values("M_glp2", "M17", "sleepstudy", "cake", "M_glp2_ML"));

// ---- printed output ---------------------------------------------------------------------------

lmm::SummaryOptions named(const std::string& data_name) {
  lmm::SummaryOptions o;
  o.data_name = data_name;
  return o;
}

TEST(SatterthwaiteText, SummaryIsLmerTests) {
  const Case& k = fitted("M_glp2");
  EXPECT_EQ(lmm::satterthwaite_summary_text(k.fit, k.tests, named("mathach_df2")),
            lmm::testing::read_text("tests/golden/M_glp2_lmertest_summary.txt"));
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// cake's df column is printed to 9 significant digits (254.015771, 222.000008), finer than
// either numerical Hessian is accurate (the exact df of temp is 222): every other character is
// lmerTest's, and each df cell has lmerTest's position and width and agrees to 1e-6 relative.
TEST(SatterthwaiteText, CakeSummaryIsLmerTestsUpToTheNinthDigitOfDf) {
  const Case& k = fitted("cake");
  const std::vector<std::string> got = lines(lmm::satterthwaite_summary_text(k.fit, k.tests, named("cake")));
  const std::vector<std::string> want = lines(lmm::testing::read_text("tests/golden/cake_lmertest_summary.txt"));
  ASSERT_EQ(got.size(), want.size());
  const auto header = std::find(want.begin(), want.end(), "Fixed effects:") - want.begin() + 1;
  const std::size_t df_end = want[static_cast<std::size_t>(header)].find("df") + 2;
  int df_cells = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(want[i]);
    const bool coefficient_row = i > static_cast<std::size_t>(header) && i <= static_cast<std::size_t>(header) + 6;
    if (!coefficient_row) {
      EXPECT_EQ(got[i], want[i]);
      continue;
    }
    ASSERT_EQ(got[i].size(), want[i].size());
    const std::size_t df_begin = want[i].rfind(' ', df_end - 1) + 1;
    EXPECT_EQ(got[i].substr(0, df_begin), want[i].substr(0, df_begin));
    EXPECT_EQ(got[i].substr(df_end), want[i].substr(df_end));
    const double df_got = std::stod(got[i].substr(df_begin, df_end - df_begin));
    const double df_want = std::stod(want[i].substr(df_begin, df_end - df_begin));
    EXPECT_LT(relative_error(df_got, df_want), 1e-6);
    ++df_cells;
  }
  EXPECT_EQ(df_cells, 6);
}

TEST(SatterthwaiteText, AnovaTablesAreLmerTests) {
  EXPECT_EQ(lmm::satterthwaite_anova_text(fitted("M_glp2").tests),
            lmm::testing::read_text("tests/golden/M_glp2_lmertest_anova.txt"));
  EXPECT_EQ(lmm::satterthwaite_anova_text(fitted("cake").tests),
            lmm::testing::read_text("tests/golden/cake_lmertest_anova.txt"));
  EXPECT_EQ(lmm::satterthwaite_anova_text(fitted("sleepstudy").tests),
            lmm::testing::read_text("tests/golden/sleepstudy_lmertest_anova.txt"));
}

// ---- contrasts and errors ----------------------------------------------------------------------

TEST(Satterthwaite, OneRowFTestIsTheSquaredTTest) {
  const Case& k = fitted("M_glp2");
  const lmm::CoefficientTest t = lmm::contrast_t_test(k.tests, Eigen::VectorXd::Unit(4, 2), "himinty1");
  const lmm::TermFTest f = lmm::contrast_f_test(k.tests, Eigen::RowVectorXd::Unit(4, 2), "himinty");
  EXPECT_EQ(f.num_df, 1);
  EXPECT_DOUBLE_EQ(f.f_value, t.t_value * t.t_value);
  EXPECT_DOUBLE_EQ(f.den_df, t.df);
  EXPECT_NEAR(f.p_value, t.p_value, 1e-12 * t.p_value);
}

TEST(Satterthwaite, RankDeficientContrastIsTestedOnItsRank) {
  const Case& k = fitted("cake");
  Eigen::MatrixXd L = Eigen::MatrixXd::Zero(3, 6);
  L(0, 1) = 1;
  L(1, 2) = 1;
  L(2, 1) = 2;  // twice the first row
  const lmm::TermFTest f = lmm::contrast_f_test(k.tests, L, "recipe");
  EXPECT_EQ(f.num_df, 2);
  EXPECT_NEAR(f.f_value, k.tests.terms[0].f_value, 1e-9 * f.f_value);
}

TEST(Satterthwaite, WrongContrastLengthIsAnError) {
  const Case& k = fitted("sleepstudy");
  EXPECT_THROW(lmm::contrast_t_test(k.tests, Eigen::VectorXd::Ones(3)), lmm::Error);
  EXPECT_THROW(lmm::contrast_f_test(k.tests, Eigen::MatrixXd::Ones(2, 3)), lmm::Error);
}

TEST(Satterthwaite, FitOfAnotherModelIsAnError) {
  const Case& sleep = fitted("sleepstudy");
  const Case& cake = fitted("cake");
  try {
    lmm::satterthwaite(sleep.model, cake.fit);
    FAIL() << "expected an error";
  } catch (const lmm::Error& e) {
    EXPECT_EQ(e.kind(), lmm::ErrorKind::kUsage);
    EXPECT_NE(std::string(e.what()).find("does not belong to the model"), std::string::npos) << e.what();
  }
}

TEST(Satterthwaite, InterceptOnlyModelHasNoFTests) {
  lmm::LinearMixedModel m("Yield ~ 1 + (1 | Batch)", lmm::testing::seed_data("Dyestuff"));
  const lmm::SatterthwaiteResult s = lmm::satterthwaite(m, m.fit());
  ASSERT_EQ(s.coefficients.size(), 1u);
  EXPECT_TRUE(s.terms.empty());
  // lmerTest: Dyestuff's intercept has the 5 degrees of freedom of a balanced one-way design.
  EXPECT_NEAR(s.coefficients[0].df, 5.0, 1e-3);
  EXPECT_EQ(lmm::satterthwaite_anova_text(s),
            "Type III Analysis of Variance Table with Satterthwaite's method\n"
            "     Sum Sq Mean Sq NumDF DenDF F value Pr(>F)\n");
}

}  // namespace
