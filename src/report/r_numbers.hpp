// R's rules for writing numbers: what round(), signif(), zapsmall(), format() and formatC()
// produce for a double. Used to reproduce lme4's printed numbers exactly.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace lmm::internal {

// R's round(x, digits) (R >= 4.0.0). `digits` is first rounded half up to an integer d; x is
// then replaced by whichever of its two neighbours with d decimals is nearer (the even one on a
// tie). Negative d rounds to tens, hundreds, ...; no rounding happens when d exceeds the
// precision of a double.
double r_round(double x, double digits);

// R's signif(x, digits): x rounded to `digits` significant digits (digits < 1 counts as 1).
double r_signif(double x, int digits);

// R's zapsmall(x, digits) as R 4.2 defines it: round(x, digits - log10(max|x|)) (no ceiling, so
// the decimals are digits - log10(max|x|) rounded half up), or round(x, digits) if all are 0.
std::vector<double> r_zapsmall(const std::vector<double>& x, int digits);

// The decimal shape of one finite number shown with `digits` significant digits (R's
// scientific()): |x| rounded to `digits` significant digits is alpha * 10^kpower with
// 1 <= alpha < 10 and `nsig` significant digits once trailing zeros are dropped.
// `rounding_widens` is set when that rounding carries into a new leading digit (9.996 -> 10.0)
// which fixed notation would not show.
struct SignificantDigits {
  bool negative = false;
  int kpower = 0;
  int nsig = 1;
  bool rounding_widens = false;
};
SignificantDigits r_significant_digits(double x, int digits);

// A common layout for a vector of numbers (R's formatReal()): field width, decimals, and the
// exponent digits minus one if scientific notation is used (0 = fixed notation).
struct RealLayout {
  int width = 0;
  int decimals = 0;
  int exponent = 0;
};

// The layout format() and print() choose: in fixed notation just enough decimals that every
// element shows `digits` (1..22) significant digits, at least `nsmall` decimals, unless
// scientific notation is narrower. NaN ("NaN"; R's NA is not represented) and infinities only
// widen the field.
RealLayout r_real_layout(const std::vector<double>& x, int digits, int nsmall = 0);

// One number written in `layout`, right-justified to its width (R's encodeReal0()); -0 is
// written as 0.
std::string r_encode_real(double x, const RealLayout& layout);

// R's format(x, digits = digits, nsmall = nsmall) for a numeric vector: common width, common
// decimals.
std::vector<std::string> r_format(const std::vector<double>& x, int digits, int nsmall = 0);

// One number as cat() or paste() writes it (format of a length-one vector, no padding).
std::string r_format_number(double x, int digits = 7);

// R's formatC(x, digits, width, format, flag) for a number, with R's defaults for an absent
// (NULL) digits or width: digits 4 (2 for format "d"), or 6 if negative; width digits + 1, or 1
// when neither is given, or digits when 0. The number is then written by C's printf with the
// flags (among "-0+ #"), width and digits; format "d" truncates x to an integer first, other
// formats are one of "f", "e", "E", "g", "G".
std::string r_formatC(double x, std::optional<int> digits = std::nullopt, std::optional<int> width = std::nullopt,
                      const std::string& format = "g", const std::string& flag = "");

}  // namespace lmm::internal
