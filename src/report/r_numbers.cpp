// R's rules for writing numbers, reimplemented from their documented and observed behaviour
// (R 4.2).
#include "report/r_numbers.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string_view>

#include "report/r_text.hpp"
#include "util/printf_double.hpp"

namespace lmm::internal {
namespace {

constexpr int kMaxExactPower = 27;  // 10^k is exact in an x87 long double up to here

long double power_of_ten(int k) {
  static const long double table[] = {1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,  1e7L,  1e8L,  1e9L,
                                      1e10L, 1e11L, 1e12L, 1e13L, 1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L,
                                      1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L};
  if (k >= 0 && k <= kMaxExactPower) return table[k];
  return std::pow(10.0L, static_cast<long double>(k));
}

// 10^n by binary powering, as R's R_pow_di() computes it (1 / 10^-n for negative n).
double pow10_int(int n) {
  double result = 1.0, base = 10.0;
  for (int k = std::abs(n); k > 0; k >>= 1) {
    if (k & 1) result *= base;
    if (k > 1) base *= base;
  }
  return n < 0 ? 1.0 / result : result;
}

// Significant digits when more are asked for than a long double rescaling can deliver: let
// printf round, then count the digits it kept.
SignificantDigits significant_digits_via_printf(double r, int digits, bool negative) {
  char buffer[512];
  std::snprintf(buffer, sizeof buffer, "%#.*e", digits - 1, r);
  const std::string text = buffer;
  const std::size_t e = text.find('e');
  SignificantDigits s;
  s.negative = negative;
  s.kpower = std::atoi(text.c_str() + e + 1);
  int last = static_cast<int>(e) - 1;  // last mantissa digit
  while (last >= 2 && text[static_cast<std::size_t>(last)] == '0') --last;
  s.nsig = last >= 2 ? last : 1;  // "d.ddd": digits after the point sit at 2..e-1
  return s;
}

// Counts significant digits of an integer-valued alpha with `digits` digits, dropping trailing
// zeros.
int count_significant(double alpha, int digits) {
  int nsig = digits;
  for (int j = 1; j <= digits; ++j) {
    alpha /= 10.0;
    if (alpha != std::floor(alpha)) break;
    --nsig;
  }
  return nsig;
}

// Width needed for the non-finite values of x, or 0.
int non_finite_width(const std::vector<double>& x) {
  int width = 0;
  for (double v : x) {
    if (std::isnan(v)) width = std::max(width, 3);
    else if (std::isinf(v)) width = std::max(width, v > 0 ? 3 : 4);
  }
  return width;
}

std::string non_finite_text(double x) {
  if (std::isnan(x)) return "NaN";
  return x > 0 ? "Inf" : "-Inf";
}

}  // namespace

double r_round(double x, double digits) {
  constexpr int kMax10 = std::numeric_limits<double>::max_exponent10;  // 308
  constexpr int kDig = std::numeric_limits<double>::digits10;          // 15
  if (std::isnan(x) || std::isnan(digits)) return x + digits;
  if (!std::isfinite(x) || digits > kMax10 + kDig || x == 0.0) return x;
  if (digits < -kMax10) return 0.0;
  if (digits == 0.0) return std::nearbyint(x);
  const int d = static_cast<int>(std::floor(digits + 0.5));
  const double sign = x < 0 ? -1.0 : 1.0;
  x = std::fabs(x);
  if (std::log10(2.0) * (0.5 + std::logb(x)) + d > kDig) return sign * x;
  double scale = pow10_int(std::min(d, kMax10));
  double extra = d > kMax10 ? pow10_int(d - kMax10) : 1.0;
  const double scaled = x * scale * extra;
  const double low = std::floor(scaled);
  const double down = low / scale / extra;
  const double up = std::ceil(scaled) / scale / extra;
  const double du = up - x;
  const double dd = x - down;
  const bool take_up = du < dd || (std::fmod(low, 2.0) == 1.0 && du == dd);
  return sign * (take_up ? up : down);
}

namespace {

// signif() of a positive x of extreme magnitude (|log10 x| near the double range): shifts by
// two powers of ten whose product is 10^e10 so that neither overflows.
double signif_extreme(double x, int digits, int e10, double l10) {
  constexpr int kMax10 = std::numeric_limits<double>::max_exponent10;
  const bool round_half = kMax10 - l10 >= pow10_int(-digits);
  const int e2 = digits + (e10 > 0 ? 1 : 6);
  const double big = pow10_int(e2), small = pow10_int(e10 - e2);
  x = x * big * small;
  if (round_half) x += 0.5;
  return std::floor(x) / small / big;
}

}  // namespace

double r_signif(double x, int digits) {
  constexpr int kMax10 = std::numeric_limits<double>::max_exponent10;  // 308
  if (!std::isfinite(x) || x == 0.0 || digits > 22) return x;
  digits = std::max(digits, 1);
  const double sign = x < 0 ? -1.0 : 1.0;
  x = std::fabs(x);
  const double l10 = std::log10(x);
  int e10 = static_cast<int>(digits - 1 - std::floor(l10));  // decimals that keep `digits` digits
  if (std::fabs(l10) >= kMax10 - 2) return sign * signif_extreme(x, digits, e10, l10);
  double extra = 1.0;
  if (e10 > kMax10) {
    extra = pow10_int(e10 - kMax10);
    e10 = kMax10;
  }
  if (e10 > 0) {  // scale up by an exactly representable power
    const double pow10 = pow10_int(e10);
    return sign * (std::nearbyint(x * pow10 * extra) / pow10) / extra;
  }
  const double pow10 = pow10_int(-e10);
  return sign * std::nearbyint(x / pow10) * pow10;
}

std::vector<double> r_zapsmall(const std::vector<double>& x, int digits) {
  double mx = 0.0;
  for (double v : x)
    if (!std::isnan(v)) mx = std::max(mx, std::fabs(v));
  const double decimals = mx > 0 ? std::max(0.0, digits - std::log10(mx)) : digits;
  std::vector<double> out;
  out.reserve(x.size());
  for (double v : x) out.push_back(r_round(v, decimals));
  return out;
}

SignificantDigits r_significant_digits(double x, int digits) {
  SignificantDigits s;
  if (x == 0.0) return s;
  s.negative = x < 0;
  const double r = std::fabs(x);
  if (digits >= std::numeric_limits<double>::digits10 + 1) return significant_digits_via_printf(r, digits, s.negative);
  // Scale r so that its integer part has `digits` digits, then round that to an integer.
  int kp = static_cast<int>(std::floor(std::log10(r))) - digits + 1;
  long double scaled = r;
  if (std::abs(kp) <= kMaxExactPower) scaled = kp > 0 ? scaled / power_of_ten(kp) : scaled * power_of_ten(-kp);
  else scaled /= power_of_ten(kp);
  if (scaled < power_of_ten(digits - 1)) {
    scaled *= 10.0L;
    --kp;
  }
  const double alpha = static_cast<double>(std::nearbyint(scaled));
  s.nsig = count_significant(alpha, digits);
  if (s.nsig == 0) {  // alpha rounded up to 10^digits
    s.nsig = 1;
    ++kp;
  }
  s.kpower = kp + digits - 1;
  // Fixed notation rounds at decimal place digits - kpower; if r stays below 10^kpower there,
  // the rounding that gave the extra leading digit does not happen in fixed notation.
  const int place = std::clamp(digits - s.kpower, 0, kMaxExactPower);
  const long double fuzz = 0.5L / power_of_ten(place);
  s.rounding_widens = s.kpower > 0 && s.kpower <= kMaxExactPower && r < power_of_ten(s.kpower) - fuzz;
  return s;
}

namespace {

// What formatReal() gathers over the finite elements: digits left and right of the point,
// sign, significant digits.
struct DigitExtent {
  bool any_finite = false, any_negative = false;
  int max_right = INT_MIN, max_left = INT_MIN, min_left = INT_MAX, max_signed_left = INT_MIN, max_sig = INT_MIN;

  void add(const SignificantDigits& s) {
    const int left = s.kpower + 1 - (s.rounding_widens ? 1 : 0);  // digits before the point
    any_finite = true;
    any_negative = any_negative || s.negative;
    max_right = std::max(max_right, s.nsig - left);
    max_left = std::max(max_left, left);
    min_left = std::min(min_left, left);
    max_signed_left = std::max(max_signed_left, (s.negative ? 1 : 0) + std::max(left, 1));
    max_sig = std::max(max_sig, s.nsig);
  }
};

// Fixed notation if it is no wider than scientific notation (R's scipen = 0).
RealLayout choose_layout(const DigitExtent& x, int nsmall) {
  const int neg = x.any_negative ? 1 : 0;
  const int signed_left = x.max_left < 0 ? 1 + neg : x.max_signed_left;
  int right = std::max(x.max_right, 0);
  const int fixed_width = signed_left + right + (right != 0 ? 1 : 0);
  RealLayout layout;
  layout.exponent = (x.max_left > 100 || x.min_left <= -99) ? 2 : 1;
  layout.decimals = x.max_sig - 1;
  layout.width = neg + (layout.decimals > 0 ? 1 : 0) + layout.decimals + 4 + layout.exponent;
  if (fixed_width > layout.width) return layout;
  right = std::max(right, nsmall);
  return {signed_left + right + (right != 0 ? 1 : 0), right, 0};
}

}  // namespace

RealLayout r_real_layout(const std::vector<double>& x, int digits, int nsmall) {
  digits = std::clamp(digits, 1, 22);
  DigitExtent extent;
  for (double v : x)
    if (std::isfinite(v)) extent.add(r_significant_digits(v, digits));
  RealLayout layout = extent.any_finite ? choose_layout(extent, nsmall) : RealLayout{};
  layout.width = std::max(layout.width, non_finite_width(x));
  return layout;
}

std::string r_encode_real(double x, const RealLayout& layout) {
  if (!std::isfinite(x)) return r_pad(non_finite_text(x), layout.width, true);
  if (x == 0.0) x = 0.0;  // no "-0"
  const std::string w = std::to_string(layout.width), d = std::to_string(layout.decimals);
  if (layout.exponent == 0) return printf_double("%" + w + "." + d + "f", x);
  return printf_double(std::string("%") + (layout.decimals > 0 ? "#" : "") + w + "." + d + "e", x);
}

std::vector<std::string> r_format(const std::vector<double>& x, int digits, int nsmall) {
  const RealLayout layout = r_real_layout(x, digits, nsmall);
  std::vector<std::string> out;
  out.reserve(x.size());
  for (double v : x) out.push_back(r_encode_real(v, layout));
  return out;
}

std::string r_format_number(double x, int digits) { return r_format({x}, digits).front(); }

std::string r_formatC(double x, std::optional<int> digits, std::optional<int> width, const std::string& format,
                      const std::string& flag) {
  const bool integer = format == "d";
  if (!width && !digits) width = 1;
  const int d = !digits ? (integer ? 2 : 4) : *digits < 0 ? 6 : *digits;
  const int w = !width ? d + 1 : *width == 0 ? d : *width;
  std::string spec = "%";
  for (char c : flag)
    if (std::string_view("-0+ #").find(c) != std::string_view::npos) spec += c;
  char buffer[512];
  if (integer) {  // R first makes x an integer (truncating)
    spec += "*d";
    std::snprintf(buffer, sizeof buffer, spec.c_str(), w, static_cast<int>(x));
  } else {
    spec.append("*.*").append(format);
    std::snprintf(buffer, sizeof buffer, spec.c_str(), w, d, x);
  }
  return buffer;
}

}  // namespace lmm::internal
