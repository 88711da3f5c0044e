// R's formatting rules, reimplemented from their documented and observed behaviour (R 4.2).
#include "report/r_format.hpp"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string_view>

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

// ---- numbers ------------------------------------------------------------------------------

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

// ---- text ---------------------------------------------------------------------------------

int r_text_width(const std::string& s) {
  int n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string r_pad(const std::string& s, int width, bool right_justify) {
  const int fill = width - r_text_width(s);
  if (fill <= 0) return s;
  return right_justify ? std::string(static_cast<std::size_t>(fill), ' ') + s
                       : s + std::string(static_cast<std::size_t>(fill), ' ');
}

namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool is_lower_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }
bool is_lower(char c) { return std::islower(static_cast<unsigned char>(c)) != 0; }

// Abbreviation state: the text and how many inner spaces it still holds (they count as word
// boundaries and are removed only at the end).
struct Abbreviation {
  std::string s;
  int spaces = 0;
  int minlength = 0;

  bool short_enough() const { return static_cast<int>(s.size()) - spaces <= minlength; }
  bool word_start(std::size_t i) const { return is_space(s[i - 1]); }
  bool word_end(std::size_t i) const { return !is_space(s[i - 1]) && (i + 1 >= s.size() || is_space(s[i + 1])); }

  // One right-to-left sweep over positions 1..end, deleting characters `drop` selects; true
  // once short enough.
  template <class Drop>
  bool sweep(Drop drop) {
    if (s.size() < 2) return short_enough();  // the first character always stays
    for (std::size_t i = s.size() - 1; i > 0; --i) {
      if (i < s.size() && drop(i)) s.erase(i, 1);
      if (short_enough()) return true;
    }
    return false;
  }

  // Trailing spaces are cut; inner ones are counted.
  bool count_spaces() {
    bool trailing = true;
    for (std::size_t i = s.size() - 1; i > 0; --i) {
      if (is_space(s[i])) {
        if (trailing) s.resize(i);
        else ++spaces;
      } else {
        trailing = false;
      }
      if (short_enough()) return true;
    }
    return false;
  }

  void shorten() {
    if (s.size() < 2 || count_spaces()) return;
    if (sweep([&](std::size_t i) { return is_lower_vowel(s[i]) && word_end(i); })) return;
    if (sweep([&](std::size_t i) { return is_lower_vowel(s[i]) && !word_start(i); })) return;
    if (sweep([&](std::size_t i) { return is_lower(s[i]) && word_end(i); })) return;
    if (sweep([&](std::size_t i) { return is_lower(s[i]) && !word_start(i); })) return;
    sweep([&](std::size_t i) { return !word_start(i) && !is_space(s[i]); });
  }

  void drop_inner_spaces() {
    if (static_cast<int>(s.size()) <= minlength) return;
    for (std::size_t i = s.size() - 1; i > 0; --i)
      if (is_space(s[i])) s.erase(i, 1);
  }
};

// One name abbreviated on its own (R's internal stripchars()).
std::string abbreviate_one(const std::string& name, int minlength) {
  if (static_cast<int>(name.size()) <= minlength) return name;
  Abbreviation a{name, 0, minlength};
  a.shorten();
  a.drop_inner_spaces();
  return a.s;
}

std::string trim_spaces(const std::string& s) {
  const std::size_t first = s.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(' ') - first + 1);
}

// Which elements of x equal an earlier one (R's duplicated()).
std::vector<bool> duplicated(const std::vector<std::string>& x) {
  std::vector<bool> out(x.size(), false);
  for (std::size_t i = 0; i < x.size(); ++i)
    out[i] = std::find(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(i), x[i]) != x.begin() + static_cast<std::ptrdiff_t>(i);
  return out;
}

// abbreviate() of distinct names: re-abbreviates every name involved in a clash with a larger
// minlength until all differ.
std::vector<std::string> abbreviate_distinct(const std::vector<std::string>& names, int minlength) {
  std::vector<std::string> x(names.size());
  std::vector<bool> redo(names.size(), true);
  while (true) {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (redo[i]) x[i] = abbreviate_one(names[i], minlength);
    const std::vector<bool> dup = duplicated(x);
    if (std::none_of(dup.begin(), dup.end(), [](bool b) { return b; })) return x;
    ++minlength;
    for (std::size_t i = 0; i < x.size(); ++i) {
      redo[i] = false;
      for (std::size_t j = 0; j < x.size(); ++j) redo[i] = redo[i] || (dup[j] && x[j] == x[i]);
    }
  }
}

}  // namespace

std::vector<std::string> r_abbreviate(const std::vector<std::string>& names, int minlength) {
  if (minlength <= 0) return std::vector<std::string>(names.size());
  std::vector<std::string> distinct, trimmed;
  for (const std::string& name : names) {
    trimmed.push_back(trim_spaces(name));
    if (std::find(distinct.begin(), distinct.end(), trimmed.back()) == distinct.end()) distinct.push_back(trimmed.back());
  }
  const std::vector<std::string> short_names = abbreviate_distinct(distinct, minlength);
  std::vector<std::string> out;
  for (const std::string& name : trimmed)
    out.push_back(short_names[static_cast<std::size_t>(std::find(distinct.begin(), distinct.end(), name) - distinct.begin())]);
  return out;
}

// ---- layout -------------------------------------------------------------------------------

std::string r_cat_fill(const std::vector<std::vector<std::string>>& objects, int width, const std::string& sep) {
  const int sep_width = r_text_width(sep);
  std::string out;
  int used = 0;  // width of the current line, counting a separator after each element
  for (std::size_t k = 0; k < objects.size(); ++k) {
    if (k > 0) out += sep;  // separator between objects, written before any line break
    for (std::size_t i = 0; i < objects[k].size(); ++i) {
      const int w = r_text_width(objects[k][i]);
      if (i > 0) out += sep;
      if ((k > 0 || i > 0) && used + w + sep_width > width) {
        out += '\n';
        used = 0;
      }
      out += objects[k][i];
      used += w + sep_width;
    }
  }
  return out + "\n";
}

std::vector<std::string> r_strwrap(const std::string& text, int width, int exdent) {
  std::vector<std::string> words, lines;
  std::string word;
  for (char c : text + " ") {
    if (c == ' ' || c == '\t' || c == '\n') {
      if (!word.empty()) words.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  std::string line;  // without its indent
  auto flush = [&] {
    lines.push_back(std::string(lines.empty() ? 0 : static_cast<std::size_t>(exdent), ' ') + line);
    line.clear();
  };
  for (const std::string& w : words) {
    const int room = lines.empty() ? width : width - exdent;  // a line stays shorter than room
    if (!line.empty() && r_text_width(line) + 1 + r_text_width(w) + 1 > room) flush();
    line += (line.empty() ? "" : " ") + w;
  }
  if (!line.empty()) flush();
  return lines;
}

std::string r_print_named(const std::vector<std::string>& names, const std::vector<std::string>& cells, int width) {
  int w = 0;
  for (std::size_t i = 0; i < cells.size(); ++i) w = std::max({w, r_text_width(cells[i]), r_text_width(names[i])});
  const std::size_t per_line = static_cast<std::size_t>(std::max(1, width / (w + 1)));
  std::string out;
  for (std::size_t start = 0; start < cells.size(); start += per_line) {
    const std::size_t end = std::min(cells.size(), start + per_line);
    for (std::size_t k = start; k < end; ++k) out += r_pad(names[k], w, true) + " ";
    out += "\n";
    for (std::size_t k = start; k < end; ++k) out += r_pad(cells[k], w, true) + " ";
    out += "\n";
  }
  return out;
}

namespace {

int max_width(const std::vector<std::string>& texts) {
  int w = 0;
  for (const std::string& t : texts) w = std::max(w, r_text_width(t));
  return w;
}

std::vector<int> column_widths(const TextMatrix& m) {
  std::vector<int> widths;
  for (std::size_t j = 0; j < m.col_names.size(); ++j) {
    int w = r_text_width(m.col_names[j]);
    for (const auto& row : m.cells) w = std::max(w, r_text_width(row[j]));
    widths.push_back(w);
  }
  return widths;
}

// Columns [first, last) of the matrix: header line, then one line per row.
std::string matrix_block(const TextMatrix& m, const std::vector<int>& widths, int label_width, std::size_t first,
                         std::size_t last, bool right) {
  std::string out(static_cast<std::size_t>(label_width), ' ');
  for (std::size_t j = first; j < last; ++j) out.append(" ").append(r_pad(m.col_names[j], widths[j], right));
  for (std::size_t i = 0; i < m.cells.size(); ++i) {
    out.append("\n").append(r_pad(m.row_names[i], label_width, false));
    for (std::size_t j = first; j < last; ++j) out.append(" ").append(r_pad(m.cells[i][j], widths[j], right));
  }
  return out + "\n";
}

}  // namespace

std::string r_print_matrix(const TextMatrix& m, bool right, int width) {
  const std::vector<int> widths = column_widths(m);
  const int label_width = max_width(m.row_names);
  std::string out;
  std::size_t first = 0;
  while (first < widths.size()) {
    std::size_t last = first;
    int used = label_width;
    do {
      used += widths[last] + 1;
      ++last;
    } while (last < widths.size() && used + widths[last] + 1 < width);
    out += matrix_block(m, widths, label_width, first, last, right);
    first = last;
  }
  return out;
}

// ---- expressions --------------------------------------------------------------------------

namespace {

bool is_reserved_word(const std::string& s) {
  static const char* const kWords[] = {"if", "else", "repeat", "while", "function", "for", "next", "break",
                                       "TRUE", "FALSE", "NULL", "Inf", "NaN", "NA", "NA_integer_", "NA_real_",
                                       "NA_character_", "NA_complex_", "in"};
  return std::find(std::begin(kWords), std::end(kWords), s) != std::end(kWords);
}

// A name R writes without backticks.
bool is_syntactic_name(const std::string& s) {
  if (s == "...") return true;
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '.' || (s[0] & 0x80))) return false;
  if (s[0] == '.' && s.size() > 1 && std::isdigit(static_cast<unsigned char>(s[1]))) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || (c & 0x80))) return false;
  return !is_reserved_word(s);
}

// Operators written without surrounding spaces (and never broken after).
bool is_tight_operator(const std::string& op) { return op == "^" || op == ":" || op == "/"; }

// R's deparse buffer: lines, the current line's length, and the indentation of new lines.
class Deparser {
 public:
  explicit Deparser(int cutoff) : cutoff_(cutoff) {}

  std::vector<std::string> run(const Expression& e) {
    write(e);
    end_line();
    return lines_;
  }

 private:
  void put(const std::string& text) {
    if (at_line_start_) {
      at_line_start_ = false;
      for (int i = 1; i <= indent_; ++i) append(i <= 4 ? "    " : "  ");
    }
    append(text);
  }
  void append(const std::string& text) {
    line_ += text;
    length_ += static_cast<int>(text.size());
  }
  void end_line() {
    lines_.push_back(line_);
    line_.clear();
    length_ = 0;
    at_line_start_ = true;
  }
  // Ends the line if it has passed the cutoff; the first break of a construct indents.
  void maybe_break(bool& broke) {
    if (length_ <= cutoff_) return;
    if (!broke) {
      broke = true;
      ++indent_;
    }
    end_line();
  }

  void write(const Expression& e) {
    switch (e.kind) {
      case Expression::Kind::kNumber: put(number_text(e)); break;
      case Expression::Kind::kName: put(is_syntactic_name(e.text) ? e.text : "`" + e.text + "`"); break;
      case Expression::Kind::kParen:
        put("(");
        write(e.args[0]);
        put(")");
        break;
      case Expression::Kind::kUnary:
        put(e.text);
        write(e.args[0]);
        break;
      case Expression::Kind::kBinary: write_binary(e); break;
      case Expression::Kind::kCall: write_call(e); break;
    }
  }

  static std::string number_text(const Expression& e) {
    if (!e.text.empty() && e.text.back() == 'L') return e.text;
    return r_format_number(e.number, 15);
  }

  void write_binary(const Expression& e) {
    write(e.args[0]);
    if (is_tight_operator(e.text)) {
      put(e.text);
      write(e.args[1]);
      return;
    }
    put(" ");
    put(e.text);
    put(" ");
    bool broke = false;
    maybe_break(broke);
    write(e.args[1]);
    if (broke) --indent_;
  }

  void write_call(const Expression& e) {
    put((is_syntactic_name(e.text) ? e.text : "`" + e.text + "`") + "(");
    bool broke = false;
    for (std::size_t i = 0; i < e.args.size(); ++i) {
      write(e.args[i]);
      if (i + 1 < e.args.size()) {
        put(", ");
        maybe_break(broke);
      }
    }
    if (broke) --indent_;
    put(")");
  }

  int cutoff_;
  int indent_ = 0;
  int length_ = 0;
  bool at_line_start_ = true;
  std::string line_;
  std::vector<std::string> lines_;
};

}  // namespace

std::vector<std::string> r_deparse_lines(const Expression& e, int cutoff) { return Deparser(cutoff).run(e); }

}  // namespace lmm::internal
