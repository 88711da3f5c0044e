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
// kLanes independent lanes, each renormalized after 256 factors (below 2^256). The loop has no
// branch and each lane's state is one array per type, so it runs in SIMD lanes; a call given a
// number that is not a positive normal double (never a pivot of L, which are finite and at
// least 1 for the random effects) sums logs instead.
class LogSum {
 public:
  void add(const double* v, Eigen::Index n, Eigen::Index stride) {
    if (stride == 1) accumulate<1>(v, n, 1);  // contiguous: the lanes load as vectors
    else accumulate<0>(v, n, stride);
  }
  double value() const {
    return std::log(mantissa_) + static_cast<double>(exponent_) * std::numbers::ln2 + logs_;
  }

 private:
  static constexpr int kLanes = 8;

  // Stride > 0 fixes the stride at compile time; 0 takes stride_.
  template <int Stride>
  void accumulate(const double* v, Eigen::Index n, Eigen::Index stride_) {
    const Eigen::Index stride = Stride > 0 ? Stride : stride_;
    std::uint64_t abnormal[kLanes] = {};  // per lane: 0 or 1
    std::uint64_t biased_sum[kLanes] = {};  // biased exponents (the bias is taken off at the end)
    double product[kLanes];
    for (double& p : product) p = 1.0;
    // One factor into one lane, in integer and double operations only (so that the compiler
    // makes vector instructions of them). x = biased - 1 wraps around for biased = 0 (zero,
    // subnormals) and is at least 0x7fe for inf, NaN and anything with the sign bit set: both
    // set the top bit of x | (0x7fd - x).
    auto take = [&abnormal, &biased_sum, &product](int lane, double value) {
      const auto bits = std::bit_cast<std::uint64_t>(value);
      const std::uint64_t biased = bits >> 52;  // with the sign bit
      const std::uint64_t x = biased - 1;
      abnormal[lane] |= (x | (0x7fdULL - x)) >> 63;
      biased_sum[lane] += biased;
      product[lane] *= std::bit_cast<double>((bits & kMantissa) | kOne);
    };
    std::int64_t exponent = -1023 * static_cast<std::int64_t>(n);
    Eigen::Index k = 0;
    while (k < n) {
      const Eigen::Index end = std::min(n, k + kLanes * 256);
      for (; k + kLanes <= end; k += kLanes)
        for (int lane = 0; lane < kLanes; ++lane) take(lane, v[(k + lane) * stride]);
      for (int lane = 0; k < end; ++k, ++lane) take(lane, v[k * stride]);
      for (double& lane : product) {  // renormalize
        const auto bits = std::bit_cast<std::uint64_t>(lane);
        exponent += static_cast<std::int64_t>((bits >> 52) & 0x7ff) - 1023;
        lane = std::bit_cast<double>((bits & kMantissa) | kOne);
      }
    }
    std::uint64_t any_abnormal = 0;
    for (int lane = 0; lane < kLanes; ++lane) {
      any_abnormal |= abnormal[lane];
      exponent += static_cast<std::int64_t>(biased_sum[lane]);
    }
    if (any_abnormal != 0) {
      for (Eigen::Index i = 0; i < n; ++i) logs_ += std::log(v[i * stride]);
      return;
    }
    exponent_ += exponent;
    for (const double lane : product) mantissa_ *= lane;  // below 2^9, renormalized next
    const auto bits = std::bit_cast<std::uint64_t>(mantissa_);
    exponent_ += static_cast<std::int64_t>((bits >> 52) & 0x7ff) - 1023;
    mantissa_ = std::bit_cast<double>((bits & kMantissa) | kOne);
  }

  static constexpr std::uint64_t kMantissa = 0x000fffffffffffffULL, kOne = 0x3ff0000000000000ULL;
  double mantissa_ = 1.0;  // in [1, 2)
  std::int64_t exponent_ = 0;
  double logs_ = 0.0;
};

}  // namespace lmm::internal
