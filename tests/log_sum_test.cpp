// LogSum (the log det of L from its pivots) against a plain sum of logs: lengths around its eight
// lanes, numbers whose range allows 10 factors per lane (many blocks) or 1,000 (pivots near 1),
// strided input, values whose product over- or underflows a double, and the numbers it cannot
// multiply (0, subnormals, inf, NaN).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "linalg/log_sum.hpp"

namespace {

using lmm::internal::LogSum;

// The reference: logs summed in long double (64-bit mantissa on x86-64), so that its own
// rounding stays well below LogSum's.
double plain_sum(const std::vector<double>& v, Eigen::Index n, Eigen::Index stride) {
  long double s = 0.0L;
  for (Eigen::Index i = 0; i < n; ++i) s += std::log(static_cast<long double>(v[static_cast<std::size_t>(i * stride)]));
  return static_cast<double>(s);
}

// LogSum loses about an ulp of the mantissa product per factor (an absolute 1.1e-16 in the
// log) and an ulp of the final exponent x ln 2 and sum: within a few machine epsilons times
// (sum of |log v| + n).
void expect_near_sum(double got, const std::vector<double>& v, Eigen::Index n, Eigen::Index stride) {
  double magnitude = static_cast<double>(n);
  for (Eigen::Index i = 0; i < n; ++i) magnitude += std::abs(std::log(v[static_cast<std::size_t>(i * stride)]));
  EXPECT_NEAR(got, plain_sum(v, n, stride), 4.0 * std::numeric_limits<double>::epsilon() * magnitude)
      << "n = " << n << ", stride " << stride;
}

TEST(LogSum, MatchesSumOfLogsAcrossLengthsAndStrides) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> exponent(-30.0, 30.0);
  for (Eigen::Index stride : {1, 4}) {
    for (Eigen::Index n : {0, 1, 3, 4, 5, 1023, 1024, 1025, 5000}) {
      std::vector<double> v(static_cast<std::size_t>(std::max<Eigen::Index>(n * stride, 1)));
      for (double& x : v) x = std::pow(10.0, exponent(rng));
      LogSum sum;
      sum.add(v.data(), n, stride);
      expect_near_sum(sum.value(), v, n, stride);
    }
  }
}

TEST(LogSum, LongRunsOfNumbersNearOne) {
  std::mt19937_64 rng(8);
  std::uniform_real_distribution<double> near_one(1.0, 1.5);
  for (Eigen::Index n : {7999, 8000, 8001, 20000}) {
    std::vector<double> v(static_cast<std::size_t>(n));
    for (double& x : v) x = near_one(rng);
    LogSum sum;
    sum.add(v.data(), n, 1);
    expect_near_sum(sum.value(), v, n, 1);
  }
}

TEST(LogSum, ProductsFarOutsideDoubleRange) {
  std::vector<double> big(3000, 1e250), small(3000, 1e-250);
  LogSum sum;
  sum.add(big.data(), 3000, 1);
  expect_near_sum(sum.value(), big, 3000, 1);
  sum.add(small.data(), 3000, 1);  // the two calls cancel
  EXPECT_NEAR(sum.value(), 0.0, 1e-9);
}

TEST(LogSum, NumbersThatAreNotNormalFallBackToLogs) {
  const double subnormal = std::numeric_limits<double>::denorm_min() * 8.0;
  std::vector<double> v = {2.0, subnormal, 3.0, 0.5, 7.0};
  LogSum sum;
  sum.add(v.data(), 5, 1);
  EXPECT_NEAR(sum.value(), plain_sum(v, 5, 1), 1e-12);  // logs summed directly

  std::vector<double> with_zero = {2.0, 0.0, 3.0};
  LogSum zero;
  zero.add(with_zero.data(), 3, 1);
  EXPECT_EQ(zero.value(), -std::numeric_limits<double>::infinity());

  std::vector<double> with_inf = {2.0, std::numeric_limits<double>::infinity()};
  LogSum inf;
  inf.add(with_inf.data(), 2, 1);
  EXPECT_EQ(inf.value(), std::numeric_limits<double>::infinity());

  std::vector<double> with_nan = {2.0, std::nan("")};
  LogSum nan;
  nan.add(with_nan.data(), 2, 1);
  EXPECT_TRUE(std::isnan(nan.value()));
}

}  // namespace
