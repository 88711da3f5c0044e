// Tests of R's formatting rules (report/r_format.hpp) against values computed with R 4.2.2
// (the R expression that produced each expected value is in the comment next to the check),
// and of summary_text() on fits given lme4 1.1-31's own numbers.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "formula/expression.hpp"
#include "lmm/report.hpp"
#include "report/r_format.hpp"

namespace lmm::internal {
namespace {

using Strings = std::vector<std::string>;

// ---- round, signif, zapsmall ----------------------------------------------------------------

TEST(RRound, HalvesGoToTheNearestRepresentableNeighbour) {
  EXPECT_EQ(r_round(2.5, 0), 2.0);                           // round(2.5)
  EXPECT_EQ(r_round(0.125, 2), 0.12);                        // round(0.125, 2)
  EXPECT_EQ(r_round(0.15, 1), 0.10000000000000001);          // round(0.15, 1)
  EXPECT_EQ(r_round(2.675, 2), 2.6699999999999999);          // round(2.675, 2)
  EXPECT_EQ(r_round(-1.005, 2), -1.0);                       // round(-1.005, 2)
  EXPECT_EQ(r_round(11874.97354, 1), 11875.0);               // round(11874.97354, 1)
}

TEST(RRound, NegativeAndFractionalDigits) {
  EXPECT_EQ(r_round(1234.5678, -2), 1200.0);                 // round(1234.5678, -2)
  EXPECT_EQ(r_round(0.0182231, 4.502), 0.01822);             // round(0.0182231, 4.502)
  EXPECT_EQ(r_round(0.0182231, 4.49), 0.018200000000000001); // round(0.0182231, 4.49)
}

TEST(RSignif, KeepsSignificantDigits) {
  EXPECT_EQ(r_signif(123456, 2), 120000.0);                       // signif(123456, 2)
  EXPECT_EQ(r_signif(0.000123456, 3), 0.00012300000000000001);    // signif(0.000123456, 3)
  EXPECT_EQ(r_signif(987.654321, 5), 987.64999999999998);         // signif(987.654321, 5)
  EXPECT_EQ(r_signif(1.5, 0), 2.0);                               // signif(1.5, 0)
  EXPECT_EQ(r_signif(-2.5e-300, 1), -2.9999999999999983e-300);    // signif(-2.5e-300, 1)
}

TEST(RZapsmall, RoundsRelativeToTheLargestMagnitude) {
  // zapsmall(c(-3.147523, -0.730891, 0.018222, 0.75202, 2.92852), 5)
  EXPECT_EQ(r_zapsmall({-3.147523, -0.730891, 0.018222, 0.75202, 2.92852}, 5),
            (std::vector<double>{-3.1475200000000001, -0.73089000000000004, 0.01822, 0.75202000000000002,
                                 2.9285199999999998}));
  // zapsmall(c(-3.95356735, -0.46339768, 0.02311766, 0.46340208, 5.17926037), 5)
  EXPECT_EQ(r_zapsmall({-3.95356735, -0.46339768, 0.02311766, 0.46340208, 5.17926037}, 5),
            (std::vector<double>{-3.9535999999999998, -0.46339999999999998, 0.023099999999999999,
                                 0.46339999999999998, 5.1792999999999996}));
  EXPECT_EQ(r_zapsmall({1e-20, 1}, 7), (std::vector<double>{0, 1}));  // zapsmall(c(1e-20, 1), 7)
  EXPECT_EQ(r_zapsmall({0, 0}, 3), (std::vector<double>{0, 0}));      // zapsmall(c(0, 0), 3)
}

// ---- format, formatC ------------------------------------------------------------------------

TEST(RFormat, CommonDecimalsForSignificantDigits) {
  // format(c(612.1043, 35.07166, 654.9412), digits = 4)
  EXPECT_EQ(r_format({612.1043, 35.07166, 654.9412}, 4), (Strings{"612.10", " 35.07", "654.94"}));
  // format(c(13.1542, 2.5437, -1.8593, -0.5761, 0.2113, 0.1402, 0.4057, 0.2536), digits = 4)
  EXPECT_EQ(r_format({13.1542, 2.5437, -1.8593, -0.5761, 0.2113, 0.1402, 0.4057, 0.2536}, 4),
            (Strings{"13.1542", " 2.5437", "-1.8593", "-0.5761", " 0.2113", " 0.1402", " 0.4057", " 0.2536"}));
  EXPECT_EQ(r_format({0.1 + 0.2, 100}, 7), (Strings{"  0.3", "100.0"}));  // format(c(0.1 + 0.2, 100), digits = 7)
  EXPECT_EQ(r_format({0.5, 0.25}, 1), (Strings{"0.5", "0.2"}));          // format(c(0.5, 0.25), digits = 1)
  EXPECT_EQ(r_format({123456789}, 7), (Strings{"123456789"}));           // format(123456789, digits = 7)
}

TEST(RFormat, Nsmall) {
  EXPECT_EQ(r_format({1, 0.07, 0.07, 1}, 7, 2), (Strings{"1.00", "0.07", "0.07", "1.00"}));  // format(c(1, 0.07, 0.07, 1), nsmall = 2)
  EXPECT_EQ(r_format({-0.28, 1}, 7, 2), (Strings{"-0.28", " 1.00"}));  // format(c(-0.28, 1), nsmall = 2)
}

TEST(RFormat, ScientificWhenNarrower) {
  // format(c(1.189e-09, 70.5, 238.4, 53.34, 1082), digits = 4)
  EXPECT_EQ(r_format({1.189e-09, 70.5, 238.4, 53.34, 1082}, 4),
            (Strings{"1.189e-09", "7.050e+01", "2.384e+02", "5.334e+01", "1.082e+03"}));
  EXPECT_EQ(r_format({0.00001234}, 4), (Strings{"1.234e-05"}));                 // format(0.00001234, digits = 4)
  EXPECT_EQ(r_format({1e15}, 15), (Strings{"1e+15"}));                          // format(1e15, digits = 15)
  EXPECT_EQ(r_format({1e-300, 1e300}, 3), (Strings{"1e-300", "1e+300"}));       // format(c(1e-300, 1e300), digits = 3)
}

TEST(RFormat, RoundingThatWidensAndSpecialValues) {
  EXPECT_EQ(r_format({9.9996}, 4), (Strings{"10"}));  // format(9.9996, digits = 4)
  EXPECT_EQ(r_format({-0.0}, 7), (Strings{"0"}));     // format(-0.0)
  // format(c(NaN, 1.5, Inf, -Inf), digits = 7)
  EXPECT_EQ(r_format({std::nan(""), 1.5, INFINITY, -INFINITY}, 7), (Strings{" NaN", " 1.5", " Inf", "-Inf"}));
}

TEST(RFormatC, DefaultsAndPrintfConversions) {
  EXPECT_EQ(r_formatC(3.14159, 3, 10, "f"), "     3.142");    // formatC(3.14159, width = 10, digits = 3, format = "f")
  EXPECT_EQ(r_formatC(3.14159, 3, std::nullopt, "g"), "3.14"); // formatC(3.14159, digits = 3, format = "g")
  EXPECT_EQ(r_formatC(42, std::nullopt, 8, "d", "0"), "00000042");  // formatC(42, width = 8, flag = "0", format = "d")
  EXPECT_EQ(r_formatC(0.000123, 2, std::nullopt, "e"), "1.23e-04");  // formatC(0.000123, format = "e", digits = 2)
  EXPECT_EQ(r_formatC(3.14159, std::nullopt, 8, "f", "-"), "3.1416  ");  // formatC(3.14159, width = 8, format = "f", flag = "-")
  EXPECT_EQ(r_formatC(1e6), "1e+06");                          // formatC(1e6, format = "g")
  EXPECT_EQ(r_formatC(2.5, 0, std::nullopt, "f"), "2");        // formatC(2.5, format = "f", digits = 0)
  EXPECT_EQ(r_formatC(3.7, std::nullopt, std::nullopt, "d"), "3");  // formatC(3.7, format = "d")
  EXPECT_EQ(r_formatC(123.456, 2, 0, "f"), "123.46");         // formatC(123.456, width = 0, digits = 2, format = "f")
  EXPECT_EQ(r_formatC(3.14159, -1, std::nullopt, "f"), "3.141590");  // formatC(3.14159, digits = -1, format = "f")
  EXPECT_EQ(r_formatC(0.5, 1, -6, "f"), "0.5   ");            // formatC(0.5, width = -6, format = "f", digits = 1)
}

// ---- abbreviate, strwrap --------------------------------------------------------------------

TEST(RAbbreviate, DropsVowelsThenLowerCaseFromTheEnd) {
  const Strings names = {"(Intercept)", "ses", "himinty1", "ses:himinty1"};
  // abbreviate(c("(Intercept)", "ses", "himinty1", "ses:himinty1"), 6)
  EXPECT_EQ(r_abbreviate(names, 6), (Strings{"(Intr)", "ses", "hmnty1", "ss:hm1"}));
  // abbreviate(c("(Intercept)", "ses", "himinty1", "ses:himinty1"), 11)
  EXPECT_EQ(r_abbreviate(names, 11), (Strings{"(Intercept)", "ses", "himinty1", "ses:himnty1"}));
  // abbreviate("International Business Machines", 8)
  EXPECT_EQ(r_abbreviate({"International Business Machines"}, 8), (Strings{"IntrntBM"}));
  // abbreviate(c("Days", "Days:Sex", "SexMale"), 4)
  EXPECT_EQ(r_abbreviate({"Days", "Days:Sex", "SexMale"}, 4), (Strings{"Days", "Dy:S", "SxMl"}));
  // abbreviate(c("aeiou", "  padded  "), 2)
  EXPECT_EQ(r_abbreviate({"aeiou", "  padded  "}, 2), (Strings{"ae", "pd"}));
}

TEST(RAbbreviate, ClashesAreLengthened) {
  // abbreviate(c("alpha1", "alpha2", "beta"), 3)
  EXPECT_EQ(r_abbreviate({"alpha1", "alpha2", "beta"}, 3), (Strings{"al1", "al2", "bet"}));
  // abbreviate(c("x", "x", "longname"), 4)
  EXPECT_EQ(r_abbreviate({"x", "x", "longname"}, 4), (Strings{"x", "x", "lngn"}));
}

TEST(RStrwrap, GreedyWithExdent) {
  // strwrap("Linear mixed model fit by maximum likelihood ", 38, exdent = 2)
  EXPECT_EQ(r_strwrap("Linear mixed model fit by maximum likelihood ", 38, 2),
            (Strings{"Linear mixed model fit by maximum", "  likelihood"}));
  // strwrap("Linear mixed model fit by maximum likelihood ", 18, exdent = 2)
  EXPECT_EQ(r_strwrap("Linear mixed model fit by maximum likelihood ", 18, 2),
            (Strings{"Linear mixed", "  model fit by", "  maximum", "  likelihood"}));
}

// ---- cat, print -----------------------------------------------------------------------------

TEST(RCatFill, BreaksBeforeAnElementThatWouldPassTheWidth) {
  // capture.output(cat("Formula:", c("aaaaaaaaaa bbbbbbbbbb", "cc"), fill = 30))
  EXPECT_EQ(r_cat_fill({{"Formula:"}, {"aaaaaaaaaa bbbbbbbbbb", "cc"}}, 30), "Formula: \naaaaaaaaaa bbbbbbbbbb cc\n");
  // capture.output(cat("Number of obs: 1190, groups: ", "classid, 312; schoolid, 107", fill = 40))
  EXPECT_EQ(r_cat_fill({{"Number of obs: 1190, groups: "}, {"classid, 312; schoolid, 107"}}, 40),
            "Number of obs: 1190, groups:  \nclassid, 312; schoolid, 107\n");
  EXPECT_EQ(r_cat_fill({{"x"}, {"y"}}, 80), "x y\n");  // capture.output(cat("x", "y", fill = TRUE))
}

TEST(RPrintNamed, RightJustifiedColumnsWrappedAtWidth) {
  // capture.output(print(c(Min = -1.5, Median = 0.25, Max = 2.25)))
  EXPECT_EQ(r_print_named({"Min", "Median", "Max"}, r_format({-1.5, 0.25, 2.25}, 7), 80),
            "   Min Median    Max \n -1.50   0.25   2.25 \n");
  // x <- 1:12/7; names(x) <- paste0("nm", 1:12); capture.output(print(format(x, digits = 4), quote = FALSE))
  std::vector<double> x;
  Strings names;
  for (int i = 1; i <= 12; ++i) {
    x.push_back(i / 7.0);
    names.push_back("nm" + std::to_string(i));
  }
  EXPECT_EQ(r_print_named(names, r_format(x, 4), 80),
            "   nm1    nm2    nm3    nm4    nm5    nm6    nm7    nm8    nm9   nm10   nm11 \n"
            "0.1429 0.2857 0.4286 0.5714 0.7143 0.8571 1.0000 1.1429 1.2857 1.4286 1.5714 \n"
            "  nm12 \n"
            "1.7143 \n");
}

TEST(RPrintMatrix, JustificationAndColumnBlocks) {
  const TextMatrix m{{"a", "bbb"}, {"Estimate", "t"}, {{"1.0", "x"}, {"-2.25", "yy"}}};
  // m <- matrix(c("1.0", "-2.25", "x", "yy"), 2, dimnames = list(c("a", "bbb"), c("Estimate", "t")))
  // capture.output(print(m, quote = FALSE, right = TRUE))
  EXPECT_EQ(r_print_matrix(m, true, 80), "    Estimate  t\na        1.0  x\nbbb    -2.25 yy\n");
  // capture.output(print(m, quote = FALSE))
  EXPECT_EQ(r_print_matrix(m, false, 80), "    Estimate t \na   1.0      x \nbbb -2.25    yy\n");
  // m2 <- matrix(format(1:12 * 1000.5), 2, dimnames = list(c("r1", "r2"), paste0("column", 1:6)))
  // options(width = 40); capture.output(print(m2, quote = FALSE, right = TRUE))
  TextMatrix m2{{"r1", "r2"}, {}, {{}, {}}};
  const Strings cells = r_format({1000.5, 2001, 3001.5, 4002, 5002.5, 6003, 7003.5, 8004, 9004.5, 10005, 11005.5, 12006}, 7);
  for (int j = 0; j < 6; ++j) {
    m2.col_names.push_back("column" + std::to_string(j + 1));
    for (int i = 0; i < 2; ++i) m2.cells[static_cast<std::size_t>(i)].push_back(cells[static_cast<std::size_t>(2 * j + i)]);
  }
  EXPECT_EQ(r_print_matrix(m2, true, 40),
            "   column1 column2 column3 column4\n"
            "r1  1000.5  3001.5  5002.5  7003.5\n"
            "r2  2001.0  4002.0  6003.0  8004.0\n"
            "   column5 column6\n"
            "r1  9004.5 11005.5\n"
            "r2 10005.0 12006.0\n");
}

// ---- deparse --------------------------------------------------------------------------------

TEST(RDeparse, SpacingOfOperators) {
  // deparse(quote(y ~ a + b:c + I(x^2) + log(z, 2) + d/e - 1))
  EXPECT_EQ(r_deparse_lines(parse_formula("y~a+b:c+I(x^2)+log(z,2)+d/e-1")),
            (Strings{"y ~ a + b:c + I(x^2) + log(z, 2) + d/e - 1"}));
  // deparse(quote(y ~ a * b + `my var` + (1 | g) + (0 + x || h)))
  EXPECT_EQ(r_deparse_lines(parse_formula("y ~ a*b + `my var` + (1|g) + (0+x||h)")),
            (Strings{"y ~ a * b + `my var` + (1 | g) + (0 + x || h)"}));
  // deparse(quote(y ~ 1e-10 + 100000 + 1e5 + 0.1 + 2L))
  EXPECT_EQ(r_deparse_lines(parse_formula("y ~ 1e-10 + 100000 + 1e5 + 0.1 + 2L")),
            (Strings{"y ~ 1e-10 + 1e+05 + 1e+05 + 0.1 + 2L"}));
}

TEST(RDeparse, LinesBreakAfterTheCutoff) {
  // deparse(quote(response ~ first_predictor + second_predictor + third_predictor +
  //   (first_predictor | grouping_factor_one)))
  EXPECT_EQ(r_deparse_lines(parse_formula("response ~ first_predictor + second_predictor + third_predictor + "
                                          "(first_predictor | grouping_factor_one)")),
            (Strings{"response ~ first_predictor + second_predictor + third_predictor + ",
                     "    (first_predictor | grouping_factor_one)"}));
  // deparse(quote(y ~ f(aaaaaaaaaa, bbbbbbbbbbb, cccccccccccc, ddddddddddddd, eeeeeeeeeeee,
  //   ffffffffffff, gggggggggg)))
  EXPECT_EQ(r_deparse_lines(parse_formula("y ~ f(aaaaaaaaaa, bbbbbbbbbbb, cccccccccccc, ddddddddddddd, "
                                          "eeeeeeeeeeee, ffffffffffff, gggggggggg)")),
            (Strings{"y ~ f(aaaaaaaaaa, bbbbbbbbbbb, cccccccccccc, ddddddddddddd, eeeeeeeeeeee, ",
                     "    ffffffffffff, gggggggggg)"}));
}

}  // namespace
}  // namespace lmm::internal

// ---- summary_text() on lme4's numbers -------------------------------------------------------

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
