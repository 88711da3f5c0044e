// The sum of the logs of many positive numbers (the pivots of L, for log det), with one log call.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <numbers>

namespace lmm::internal {

// Sum of the logs of positive numbers with one log per call to value(): each number is split
// into its binary exponent (summed exactly) and its mantissa in [1, 2), whose products run in
// four independent lanes, each renormalized after 256 factors (below 2^256). The loop has no
// branch, so it runs in SIMD lanes; a call given a number that is not a positive normal double
// (never a pivot of L, which are finite and at least 1 for the random effects) sums logs instead.
class LogSum {
 public:
  void add(const double* v, Eigen::Index n, Eigen::Index stride) {
    std::uint64_t abnormal = 0;
    std::int64_t exponent = 0;
    double product[4] = {1.0, 1.0, 1.0, 1.0};
    Eigen::Index k = 0;
    while (k < n) {
      const Eigen::Index end = std::min(n, k + 4 * 256);
      for (; k + 4 <= end; k += 4)
        for (int lane = 0; lane < 4; ++lane) {
          const auto bits = std::bit_cast<std::uint64_t>(v[(k + lane) * stride]);
          const auto biased = (bits >> 52) & 0xfff;  // with the sign bit
          abnormal |= static_cast<std::uint64_t>(biased == 0 || biased >= 0x7ff);
          exponent += static_cast<std::int64_t>(biased) - 1023;
          product[lane] *= std::bit_cast<double>((bits & kMantissa) | kOne);
        }
      for (; k < end; ++k) {
        const auto bits = std::bit_cast<std::uint64_t>(v[k * stride]);
        const auto biased = (bits >> 52) & 0xfff;
        abnormal |= static_cast<std::uint64_t>(biased == 0 || biased >= 0x7ff);
        exponent += static_cast<std::int64_t>(biased) - 1023;
        product[0] *= std::bit_cast<double>((bits & kMantissa) | kOne);
      }
      for (double& lane : product) {  // renormalize
        const auto bits = std::bit_cast<std::uint64_t>(lane);
        exponent += static_cast<std::int64_t>((bits >> 52) & 0x7ff) - 1023;
        lane = std::bit_cast<double>((bits & kMantissa) | kOne);
      }
    }
    if (abnormal != 0) {
      for (Eigen::Index i = 0; i < n; ++i) logs_ += std::log(v[i * stride]);
      return;
    }
    exponent_ += exponent;
    for (const double lane : product) mantissa_ *= lane;  // below 2^5, renormalized next
    const auto bits = std::bit_cast<std::uint64_t>(mantissa_);
    exponent_ += static_cast<std::int64_t>((bits >> 52) & 0x7ff) - 1023;
    mantissa_ = std::bit_cast<double>((bits & kMantissa) | kOne);
  }
  double value() const {
    return std::log(mantissa_) + static_cast<double>(exponent_) * std::numbers::ln2 + logs_;
  }

 private:
  static constexpr std::uint64_t kMantissa = 0x000fffffffffffffULL, kOne = 0x3ff0000000000000ULL;
  double mantissa_ = 1.0;  // in [1, 2)
  std::int64_t exponent_ = 0;
  double logs_ = 0.0;
};

}  // namespace lmm::internal
