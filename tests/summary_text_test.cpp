// Tests of summary_text() on fits given lme4 1.1-31's own numbers.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "lmm/report.hpp"

namespace lmm {
namespace {

// Residuals whose scaled quantiles are exactly `q` (five values: type-7 quantiles are the values).
Eigen::VectorXd residuals_with_quantiles(const std::vector<double>& q, double sigma) {
  Eigen::VectorXd r(5);
  for (int i = 0; i < 5; ++i) r[i] = q[static_cast<std::size_t>(i)] * sigma;
  return r;
}

Eigen::MatrixXd square(int p, std::initializer_list<double> column_major) {
  Eigen::MatrixXd m(p, p);
  auto it = column_major.begin();
  for (int j = 0; j < p; ++j)
    for (int i = 0; i < p; ++i) m(i, j) = *it++;
  return m;
}

RandomEffectsCovariance covariance(const std::string& group, std::vector<std::string> names,
                                   std::initializer_list<double> sd, std::initializer_list<double> corr) {
  const auto q = static_cast<int>(names.size());
  Eigen::VectorXd s(q);
  int k = 0;
  for (double v : sd) s[k++] = v;
  return {group, std::move(names), s, square(q, corr)};
}

// Numbers from lme4 1.1-31: m <- lmer(Reaction ~ Days + (Days | Subject), sleepstudy);
// REMLcrit(m), sigma(m), fixef(m), vcov(m), quantile(summary(m)$residuals), VarCorr(m).
FitResult sleepstudy_fit() {
  FitResult fit;
  fit.formula = "Reaction ~ Days + (Days | Subject)";
  fit.nobs = 180;
  fit.ngroups = {{"Subject", 18}};
  fit.objective = 1743.6282719599519;
  fit.sigma = 25.59179572167535;
  fit.fixef_names = {"(Intercept)", "Days"};
  fit.fixef = Eigen::Vector2d(251.40510484848497, 10.467285959595987);
  fit.fixef_vcov = square(2, {46.575120048789422, -1.4510884166325206, -1.4510884166325206, 2.3894656232069797});
  fit.fixef_se = fit.fixef_vcov.diagonal().cwiseSqrt();
  fit.residuals = residuals_with_quantiles({-3.9535673453670297, -0.46339768312706581, 0.023117664779438673,
                                            0.46340207815026713, 5.1792603734114504},
                                           fit.sigma);
  fit.covariances = {covariance("Subject", {"(Intercept)", "Days"}, {24.740657994984062, 5.9221376588980812},
                                {1, 0.065551238238128209, 0.065551238238128209, 1})};
  return fit;
}

// tests/golden/sleepstudy_summary.txt
TEST(SummaryText, SleepstudyAsLme4PrintsIt) {
  SummaryOptions options;
  options.data_name = "sleepstudy";
  EXPECT_EQ(summary_text(sleepstudy_fit(), options),
            "Linear mixed model fit by REML ['lmerMod']\n"
            "Formula: Reaction ~ Days + (Days | Subject)\n"
            "   Data: sleepstudy\n"
            "\n"
            "REML criterion at convergence: 1743.6\n"
            "\n"
            "Scaled residuals: \n"
            "    Min      1Q  Median      3Q     Max \n"
            "-3.9536 -0.4634  0.0231  0.4634  5.1793 \n"
            "\n"
            "Random effects:\n"
            " Groups   Name        Variance Std.Dev. Corr\n"
            " Subject  (Intercept) 612.10   24.741       \n"
            "          Days         35.07    5.922   0.07\n"
            " Residual             654.94   25.592       \n"
            "Number of obs: 180, groups:  Subject, 18\n"
            "\n"
            "Fixed effects:\n"
            "            Estimate Std. Error t value\n"
            "(Intercept)  251.405      6.825  36.838\n"
            "Days          10.467      1.546   6.771\n"
            "\n"
            "Correlation of Fixed Effects:\n"
            "     (Intr)\n"
            "Days -0.138\n");
}

// tests/golden/M16_summary.txt, from lme4's numbers for
// lmer(mathscore ~ ses + (ses | schoolid) + (ses || classid), classroom_df).
TEST(SummaryText, DoubleBarSingularFitAsLme4PrintsIt) {
  FitResult fit;
  fit.formula = "mathscore ~ ses + (ses | schoolid) + (ses || classid)";
  fit.nobs = 1190;
  fit.ngroups = {{"classid", 312}, {"schoolid", 107}};
  fit.objective = 11874.973545618815;
  fit.sigma = 32.894996932460401;
  fit.fixef_names = {"(Intercept)", "ses"};
  fit.fixef = Eigen::Vector2d(522.82481394148817, 11.204334628033779);
  fit.fixef_vcov = square(2, {3.6880761148356691, 0.73099194909025644, 0.73099194909025644, 2.9265399404312884});
  fit.fixef_se = fit.fixef_vcov.diagonal().cwiseSqrt();
  fit.residuals = residuals_with_quantiles({-5.3052917012836609, -0.56877709810544796, -0.045073142517465498,
                                            0.57278504535856101, 3.6211480939787895},
                                           fit.sigma);
  fit.covariances = {covariance("classid", {"ses"}, {0}, {1}),
                     covariance("classid.1", {"(Intercept)"}, {8.3963798841922177}, {1}),
                     covariance("schoolid", {"(Intercept)", "ses"}, {15.439795098948792, 7.3039320198853961},
                                {1, 0.47010871944552507, 0.47010871944552507, 1})};
  fit.singular = true;
  fit.messages = {"boundary (singular) fit: see help('isSingular')"};
  SummaryOptions options;
  options.data_name = "classroom_df";
  EXPECT_EQ(summary_text(fit, options),
            "Linear mixed model fit by REML ['lmerMod']\n"
            "Formula: mathscore ~ ses + (ses | schoolid) + ((1 | classid) + (0 + ses |  \n"
            "    classid))\n"
            "   Data: classroom_df\n"
            "\n"
            "REML criterion at convergence: 11875\n"
            "\n"
            "Scaled residuals: \n"
            "    Min      1Q  Median      3Q     Max \n"
            "-5.3053 -0.5688 -0.0451  0.5728  3.6211 \n"
            "\n"
            "Random effects:\n"
            " Groups    Name        Variance Std.Dev. Corr\n"
            " classid   ses            0.00   0.000       \n"
            " classid.1 (Intercept)   70.50   8.396       \n"
            " schoolid  (Intercept)  238.39  15.440       \n"
            "           ses           53.35   7.304   0.47\n"
            " Residual              1082.08  32.895       \n"
            "Number of obs: 1190, groups:  classid, 312; schoolid, 107\n"
            "\n"
            "Fixed effects:\n"
            "            Estimate Std. Error t value\n"
            "(Intercept)  522.825      1.920  272.24\n"
            "ses           11.204      1.711    6.55\n"
            "\n"
            "Correlation of Fixed Effects:\n"
            "    (Intr)\n"
            "ses 0.223 \n"
            "optimizer (nloptwrap) convergence code: 0 (OK)\n"
            "boundary (singular) fit: see help('isSingular')\n"
            "\n");
}

// R: options(width = 40); print(summary(update(m, REML = FALSE))) for the sleepstudy model above
// (only the header and criterion table are checked here; numbers from the REML fit are reused).
TEST(SummaryText, MaximumLikelihoodHeaderWrapsAtNarrowWidth) {
  FitResult fit = sleepstudy_fit();
  fit.reml = false;
  fit.objective = 1751.9393444889909;  // deviance(update(m, REML = FALSE))
  fit.df = 6;
  fit.loglik = -fit.objective / 2;
  fit.aic = fit.objective + 12;
  fit.bic = fit.objective + 6 * std::log(180.0);
  SummaryOptions options;
  options.data_name = "sleepstudy";
  options.width = 40;
  const std::string text = summary_text(fit, options);
  EXPECT_EQ(text.substr(0, text.find("Scaled")),
            "Linear mixed model fit by maximum\n"
            "  likelihood [lmerMod]\n"
            "Formula: \n"
            "Reaction ~ Days + (Days | Subject)\n"
            "   Data: sleepstudy\n"
            "\n"
            "     AIC      BIC   logLik deviance \n"
            "  1763.9   1783.1   -876.0   1751.9 \n"
            "df.resid \n"
            "     174 \n"
            "\n");
}

TEST(SummaryText, MissingRowsNoteComesLast) {
  FitResult fit = sleepstudy_fit();
  fit.nobs_dropped = 3;
  const std::string text = summary_text(fit);
  const std::string tail = "Days -0.138\n(3 observations deleted due to missingness)\n";
  ASSERT_GE(text.size(), tail.size());
  EXPECT_EQ(text.substr(text.size() - tail.size()), tail);
}

}  // namespace
}  // namespace lmm
