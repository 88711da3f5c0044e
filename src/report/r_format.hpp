// R's rules for turning numbers, tables and expressions into text: what round(), signif(),
// zapsmall(), format(), formatC(), abbreviate(), cat(fill = TRUE), print() of named vectors and
// character matrices, and deparse() produce. Used to reproduce lme4's printed summary exactly.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "formula/expression.hpp"

namespace lmm::internal {

// ---- numbers ------------------------------------------------------------------------------

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

// ---- text ---------------------------------------------------------------------------------

// Characters shown on screen (UTF-8 code points), which is what R pads to.
int r_text_width(const std::string& s);

// `s` padded with spaces to `width` on the left (right-justified) or on the right.
std::string r_pad(const std::string& s, int width, bool right_justify);

// R's abbreviate(names, minlength) with use.classes = TRUE, method "left.kept": drops, from the
// end, first lower-case vowels that end a word, then lower-case vowels not starting a word,
// then lower-case letters likewise, then any character but a word's first, until `minlength`
// characters remain; names still duplicated afterwards are abbreviated again with minlength
// one larger.
std::vector<std::string> r_abbreviate(const std::vector<std::string>& names, int minlength);

// ---- layout -------------------------------------------------------------------------------

// cat(..., fill = width, sep = sep): each object's elements are written separated by `sep`,
// and a line is broken before an element that would pass `width` (the separator in front of it
// stays on the old line); the text ends with a newline.
std::string r_cat_fill(const std::vector<std::vector<std::string>>& objects, int width,
                       const std::string& sep = " ");

// strwrap(text, width, exdent = exdent) of one paragraph: words (split at blanks) are put on a
// line while the line stays shorter than `width` (counting the indent), continuation lines being
// indented by `exdent` spaces.
std::vector<std::string> r_strwrap(const std::string& text, int width, int exdent = 0);

// print() of a named vector whose elements are already formatted: names and elements
// right-justified to a common width, each followed by a space, as many per line as fit in
// `width`.
std::string r_print_named(const std::vector<std::string>& names, const std::vector<std::string>& cells,
                          int width);

// A character matrix with dimnames, row by row.
struct TextMatrix {
  std::vector<std::string> row_names;
  std::vector<std::string> col_names;
  std::vector<std::vector<std::string>> cells;  // [row][column]
};

// print(m, quote = FALSE, right = right): row names left-justified, each column as wide as its
// widest entry or label and preceded by a space, entries and labels left- or right-justified;
// columns that do not fit in `width` continue in further blocks below.
std::string r_print_matrix(const TextMatrix& m, bool right, int width);

// ---- expressions --------------------------------------------------------------------------

// deparse(e, width.cutoff = cutoff): the lines R writes for an expression. Operators other than
// ^ : / are surrounded by spaces; after such an operator (and after a call's ", ") a line that
// has grown past `cutoff` characters is ended, and its continuation is indented by 4 spaces per
// level.
std::vector<std::string> r_deparse_lines(const Expression& e, int cutoff = 60);

}  // namespace lmm::internal
