// The sum of the logs of many positive numbers (the pivots of L, for log det), with one log call.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>

namespace lmm::internal {

// Sum of the logs of positive numbers with one log per call to value(). The numbers are
// multiplied in kLanes independent lanes (SIMD registers when they are contiguous), as many per
// lane as their range allows before a product could leave [2^-1000, 2^1000]: the smallest and
// largest number fix that count. Each lane's product is then split into its binary exponent
// (summed exactly) and its mantissa, multiplied into one running mantissa. A call given a
// number that is not positive and finite (never a pivot of L) sums logs instead, so that the
// result is log's: -inf for a zero, NaN for a negative number or NaN.
class LogSum {
 public:
  void add(const double* v, Eigen::Index n, Eigen::Index stride) {
    if (n == 0) return;
    if (stride == 1) accumulate<1>(v, n, 1);
    else accumulate<0>(v, n, stride);
  }
  double value() const {
    return std::log(mantissa_) + static_cast<double>(exponent_) * std::numbers::ln2 + logs_;
  }

 private:
  static constexpr Eigen::Index kLanes = 8;
  using Lanes = Eigen::Array<double, kLanes, 1>;

  // Stride > 0 fixes the stride at compile time (1: the lanes load as vectors); 0 takes stride_.
  template <int Stride>
  void accumulate(const double* v, Eigen::Index n, Eigen::Index stride_) {
    const Eigen::Index stride = Stride > 0 ? Stride : stride_;
    double lo = 0.0, hi = 0.0;
    if constexpr (Stride == 1) {
      const Eigen::Map<const Eigen::ArrayXd> values(v, n);
      lo = values.minCoeff();
      hi = values.maxCoeff();
    } else {
      const Eigen::Map<const Eigen::ArrayXd, 0, Eigen::InnerStride<>> values(v, n, Eigen::InnerStride<>(stride));
      lo = values.minCoeff();
      hi = values.maxCoeff();
    }
    if (!(lo > 0.0) || !(hi < std::numeric_limits<double>::infinity())) return sum_logs(v, n, stride);
    // Factors per lane between splits: |log2| of any product of them stays under 1000.
    const double range = std::max({std::abs(std::log2(lo)), std::abs(std::log2(hi)), 1.0});
    const auto per_lane = std::max<Eigen::Index>(1, static_cast<Eigen::Index>(1000.0 / range));
    std::int64_t exponent = 0;
    double mantissa = 1.0;
    Eigen::Index i = 0;
    while (i < n) {
      const Eigen::Index end = std::min(n, i + kLanes * per_lane);
      Lanes product = Lanes::Ones();
      for (; i + kLanes <= end; i += kLanes) {
        if constexpr (Stride == 1) product *= Eigen::Map<const Lanes>(v + i);
        else
          for (Eigen::Index lane = 0; lane < kLanes; ++lane) product[lane] *= v[(i + lane) * stride];
      }
      for (Eigen::Index lane = 0; i < end; ++i, ++lane) product[lane] *= v[i * stride];
      for (Eigen::Index lane = 0; lane < kLanes; ++lane) {
        const double p = product[lane];
        // A NaN among the numbers, or a subnormal one (a lane product of one factor).
        if (!(p >= std::numeric_limits<double>::min() && p < std::numeric_limits<double>::infinity()))
          return sum_logs(v, n, stride);
        take(p, exponent, mantissa);  // below 2^8 after the kLanes lanes
      }
      renormalize(exponent, mantissa);
    }
    exponent_ += exponent;
    mantissa_ *= mantissa;
    renormalize(exponent_, mantissa_);
  }

  // x (positive, normal) = m 2^e with m in [1, 2): exponent += e, mantissa *= m.
  static void take(double x, std::int64_t& exponent, double& mantissa) {
    const auto bits = std::bit_cast<std::uint64_t>(x);
    exponent += static_cast<std::int64_t>(bits >> 52) - 1023;
    mantissa *= std::bit_cast<double>((bits & kMantissa) | kOne);
  }
  // mantissa (positive, normal) back into [1, 2), its binary exponent into exponent.
  static void renormalize(std::int64_t& exponent, double& mantissa) {
    const double x = mantissa;
    mantissa = 1.0;
    take(x, exponent, mantissa);
  }

  void sum_logs(const double* v, Eigen::Index n, Eigen::Index stride) {
    for (Eigen::Index i = 0; i < n; ++i) logs_ += std::log(v[i * stride]);
  }

  static constexpr std::uint64_t kMantissa = 0x000fffffffffffffULL, kOne = 0x3ff0000000000000ULL;
  double mantissa_ = 1.0;  // in [1, 2)
  std::int64_t exponent_ = 0;
  double logs_ = 0.0;
};

}  // namespace lmm::internal
