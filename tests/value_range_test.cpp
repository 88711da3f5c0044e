// Data a fit cannot use are refused with a line that names them (src/model/value_range.cpp):
// magnitudes whose square overflows, a constant response, a response the fixed effects fit
// exactly; and no fit returns an estimate that is not finite.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "lmm/lmm.hpp"
#include "model/value_range.hpp"

namespace {

// 12 observations in 4 groups; `y` and `x` as given (text, so any spelling).
lmm::DataFrame data(const std::vector<std::string>& y, const std::vector<std::string>& x) {
  std::string text = "y,x,g\n";
  for (std::size_t i = 0; i < y.size(); ++i) text += y[i] + "," + x[i] + ",g" + std::to_string(i % 4) + "\n";
  return lmm::read_csv_text(text, "d.csv");
}

std::vector<std::string> column(std::initializer_list<double> values) {
  std::vector<std::string> out;
  for (double v : values) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    out.emplace_back(buf);
  }
  return out;
}

const std::vector<std::string> kY = column({1.2, 0.4, 2.5, 1.9, 0.7, 1.1, 2.8, 2.2, 0.9, 1.6, 3.1, 2.0});
const std::vector<std::string> kX = column({0.1, 0.5, 0.9, 1.3, 0.2, 0.6, 1.0, 1.4, 0.3, 0.7, 1.1, 1.5});

// Fits and returns the error's kind and words ("" when the fit succeeds).
std::pair<lmm::ErrorKind, std::string> failure(const std::string& formula, const lmm::DataFrame& d) {
  try {
    lmm::fit_lmm(formula, d);
  } catch (const lmm::Error& e) {
    return {e.kind(), e.what()};
  }
  return {lmm::ErrorKind::kUsage, ""};
}

TEST(ValueRange, LargestUsableMagnitudeIsTheSquareRootOfTheLargestDouble) {
  const double limit = lmm::internal::largest_usable_magnitude();
  EXPECT_TRUE(std::isfinite(limit * limit));
  EXPECT_FALSE(std::isfinite(std::nextafter(limit, HUGE_VAL) * std::nextafter(limit, HUGE_VAL)));
}

// The data row counts the file's rows, missing ones included (row 3 is NA and dropped).
TEST(ValueRange, AResponseWhoseSquareOverflowsNamesItsDataRow) {
  auto y = kY;
  y[2] = "NA";
  y[6] = "-2e154";
  const auto [kind, message] = failure("y ~ x + (1 | g)", data(y, kX));
  EXPECT_EQ(kind, lmm::ErrorKind::kInput);
  EXPECT_EQ(message,
            "the response 'y' has the value -2e+154 in data row 7, too large to fit: its square overflows a double "
            "(magnitudes up to 1.3e154 can be used)");
}

// A column the formula computes, checked before the rank check would drop it.
TEST(ValueRange, AComputedFixedEffectsColumnIsCheckedBeforeTheRankCheck) {
  auto x = kX;
  x[4] = "1e100";
  const auto [kind, message] = failure("y ~ I(x^2) + (1 | g)", data(kY, x));
  EXPECT_EQ(kind, lmm::ErrorKind::kInput);
  EXPECT_EQ(message,
            "fixed-effects column 'I(x^2)' has the value 1e+200 in data row 5, too large to fit: its square overflows a "
            "double (magnitudes up to 1.3e154 can be used)");
}

TEST(ValueRange, ARandomEffectsColumnNamesItsTerm) {
  auto x = kX;
  x[0] = "3e160";
  const auto [kind, message] = failure("y ~ 1 + (0 + x | g)", data(kY, x));
  EXPECT_EQ(kind, lmm::ErrorKind::kInput);
  EXPECT_EQ(message,
            "random-effects column 'x' of the 'g' term has the value 3e+160 in data row 1, too large to fit: its square "
            "overflows a double (magnitudes up to 1.3e154 can be used)");
}

TEST(ValueRange, SmallestUsableMagnitudeIsTheSquareRootOfTheSmallestNormalDouble) {
  const double limit = lmm::internal::smallest_usable_magnitude();
  EXPECT_TRUE(std::isnormal(limit * limit));
  EXPECT_FALSE(std::isnormal(std::nextafter(limit, 0.0) * std::nextafter(limit, 0.0)));
}

// x * 1e-300: lme4 stops with "Downdated VtV is not positive definite" (and drifts from about
// 1e-160 on); the rank check would drop the column as zero. A column with one tiny value among
// others is data like any other.
TEST(ValueRange, AColumnWhoseSquaresUnderflowIsADataError) {
  std::vector<std::string> x;
  for (const std::string& v : kX) x.push_back(column({std::stod(v) * 1e-300})[0]);
  const auto [kind, message] = failure("y ~ x + (1 | g)", data(kY, x));
  EXPECT_EQ(kind, lmm::ErrorKind::kInput);
  EXPECT_EQ(message,
            "fixed-effects column 'x' is too small to fit: its largest magnitude, 1.5e-300 in data row 12, has a "
            "square that underflows a double (rescale it; magnitudes from 1.5e-154 can be used)");
  std::vector<std::string> y;
  for (const std::string& v : kY) y.push_back(column({std::stod(v) * 1e-200})[0]);
  EXPECT_EQ(failure("y ~ x + (1 | g)", data(y, kX)).second,
            "the response 'y' is too small to fit: its largest magnitude, 3.1e-200 in data row 11, has a square that "
            "underflows a double (rescale it; magnitudes from 1.5e-154 can be used)");
  auto one_tiny = kX;
  one_tiny[3] = "1e-300";
  EXPECT_EQ(failure("y ~ x + (1 | g)", data(kY, one_tiny)).second, "");
}

TEST(ValueRange, AConstantResponseIsAModelError) {
  const std::vector<std::string> y(12, "5");
  for (const char* formula : {"y ~ x + (1 | g)", "y ~ 0 + (1 | g)"}) {
    const auto [kind, message] = failure(formula, data(y, kX));
    EXPECT_EQ(kind, lmm::ErrorKind::kModel) << formula;
    EXPECT_EQ(message, "the response 'y' is constant (every value is 5): a mixed model needs a response that varies");
  }
}

// y = 3 + 2 x to the last bit: lme4 reports sigma 4e-15 with convergence warnings.
TEST(ValueRange, AResponseTheFixedEffectsFitExactlyIsAModelError) {
  std::vector<std::string> y;
  for (const std::string& x : kX) y.push_back(column({3.0 + 2.0 * std::stod(x)})[0]);
  const auto [kind, message] = failure("y ~ x + (1 | g)", data(y, kX));
  EXPECT_EQ(kind, lmm::ErrorKind::kModel);
  EXPECT_EQ(message,
            "the fixed effects fit the response 'y' exactly (every residual is rounding error): no variation is left "
            "for a mixed model");
}

// A residual of a millionth of y's magnitude is data, not rounding: it is fitted.
TEST(ValueRange, ASmallButRealResidualIsFitted) {
  std::vector<std::string> y;
  for (std::size_t i = 0; i < kX.size(); ++i)
    y.push_back(column({1e6 + 2.0 * std::stod(kX[i]) + (i % 3 == 0 ? 0.5 : -0.25)})[0]);
  EXPECT_EQ(failure("y ~ x + (1 | g)", data(y, kX)).second, "");
}

TEST(ValueRange, AnEstimateThatIsNotFiniteIsNamed) {
  lmm::FitResult fit;
  fit.objective = 10.0;
  fit.sigma = 1.0;
  fit.theta = {0.5};
  fit.fixef_names = {"(Intercept)", "x"};
  fit.fixef = Eigen::Vector2d(1.0, std::numeric_limits<double>::quiet_NaN());
  fit.fixef_se = Eigen::Vector2d(0.1, 0.1);
  try {
    lmm::internal::check_estimates_finite(fit);
    FAIL() << "no error";
  } catch (const lmm::Error& e) {
    EXPECT_EQ(e.kind(), lmm::ErrorKind::kModel);
    EXPECT_EQ(std::string(e.what()),
              "the fit ended with a non-finite fixed effect 'x': the data's range defeats double precision (rescale "
              "the variables)");
  }
  fit.fixef[1] = 2.0;
  EXPECT_NO_THROW(lmm::internal::check_estimates_finite(fit));
}

}  // namespace

namespace {

// One response value of 1e15 among values near 1 (an outlier, not an exact fit): the bound is
// per row, so the other rows' residuals are not taken for rounding of y's largest magnitude
// (the bound against max |y| refused this as "fit exactly").
TEST(ValueRange, AnOutlierIsNotAnExactFit) {
  auto y = kY;
  y[5] = "1e15";
  EXPECT_EQ(failure("y ~ x + (1 | g)", data(y, kX)).second, "");
}

}  // namespace
