// Tests of R's rules for writing numbers (report/r_numbers.hpp) against values computed with
// R 4.2.2 (the R expression that produced each expected value is in the comment next to the check).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "report/r_numbers.hpp"

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

}  // namespace
}  // namespace lmm::internal
