// R 4.2's grammar for a number in read.csv, on one field: named values, hexadecimal, decimal.
#include "data/r_number.hpp"

#include <charconv>
#include <cmath>
#include <limits>

namespace lmm::internal {
namespace {

bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

// The bytes of the white space character at s[i] as R's isBlankString sees it in a UTF-8 locale
// (glibc's iswspace): the ASCII ones, U+1680, U+2000 to U+2006, U+2008 to U+200A, U+2028, U+2029,
// U+205F and U+3000 (not the no-break spaces U+00A0, U+2007 and U+202F); 0 for anything else.
std::size_t blank_bytes(std::string_view s, std::size_t i) {
  if (is_ascii_space(s[i])) return 1;
  if (i + 2 >= s.size()) return 0;
  const auto b0 = static_cast<unsigned char>(s[i]), b1 = static_cast<unsigned char>(s[i + 1]),
             b2 = static_cast<unsigned char>(s[i + 2]);
  const bool space = (b0 == 0xE1 && b1 == 0x9A && b2 == 0x80) ||                           // U+1680
                     (b0 == 0xE2 && b1 == 0x80 && b2 <= 0x8A && b2 != 0x87) ||              // U+2000..200A
                     (b0 == 0xE2 && b1 == 0x80 && (b2 == 0xA8 || b2 == 0xA9)) ||            // U+2028, U+2029
                     (b0 == 0xE2 && b1 == 0x81 && b2 == 0x9F) || (b0 == 0xE3 && b1 == 0x80 && b2 == 0x80);
  return space ? 3 : 0;
}

bool only_blanks(std::string_view s, std::size_t from) {
  for (std::size_t i = from; i < s.size();) {
    const std::size_t bytes = blank_bytes(s, i);
    if (bytes == 0) return false;
    i += bytes;
  }
  return true;
}

bool starts_with_nocase(std::string_view s, std::string_view lower) {
  if (s.size() < lower.size()) return false;
  for (std::size_t i = 0; i < lower.size(); ++i)
    if ((s[i] | 0x20) != lower[i]) return false;
  return true;
}

// An exponent's digits as R reads them: the value stops growing once it reaches 9999, which is
// enough for any double to overflow or underflow.
int exponent_digits(std::string_view s, std::size_t& i) {
  int n = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) n = n < 9999 ? n * 10 + (s[i] - '0') : n;
  return n;
}

// An exponent's optional sign, then its digits.
int signed_exponent(std::string_view s, std::size_t& i) {
  int sign = 1;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) sign = s[i++] == '-' ? -1 : 1;
  return sign * exponent_digits(s, i);
}

// 2^k as R's hexadecimal reader forms it: from squares of 2 held in a double, so that from
// k = 1024 on the square is Inf (and a value scaled down by it becomes 0).
long double power_of_two(int k) {
  return k >= 1024 ? std::numeric_limits<long double>::infinity() : std::ldexp(1.0L, k);
}

// After "0x": hex digits accumulated in long double; points only mark where the fraction begins,
// and count only with a binary exponent (without one, "0x1.8" is 0x18).
double read_hexadecimal(std::string_view s, std::size_t& i) {
  long double mantissa = 0.0L;
  int fraction_bits = -1;  // -1: no point
  for (i = 2; i < s.size(); ++i) {
    const char c = s[i];
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') digit = (c | 0x20) - 'a' + 10;
    if (c == '.') {
      fraction_bits = 0;
      continue;
    }
    if (digit < 0) break;
    mantissa = 16 * mantissa + digit;
    if (fraction_bits >= 0) fraction_bits += 4;
  }
  if (i < s.size() && (s[i] == 'p' || s[i] == 'P')) {
    ++i;
    int exponent = signed_exponent(s, i);
    if (mantissa != 0.0L) {
      if (fraction_bits > 0) {
        if (exponent - fraction_bits < -122)
          mantissa /= power_of_two(fraction_bits);
        else
          exponent -= fraction_bits;
      }
      mantissa = exponent < 0 ? mantissa / power_of_two(-exponent) : mantissa * power_of_two(exponent);
    }
  }
  return static_cast<double>(mantissa);
}

// The text from_chars can read for a decimal: all of it, or the mantissa when the exponent has
// no digits ("1e", "1e+").
std::string_view readable_decimal(std::string_view number, std::string_view mantissa) {
  const char last = number.back();
  return last >= '0' && last <= '9' ? number : mantissa;
}

// Digits with an optional point (at least one digit), then an optional exponent whose digits
// may be absent: correctly rounded, and out of range Inf or 0 by where the first nonzero digit
// stands. False when there is no digit.
bool read_decimal(std::string_view s, std::size_t& i, double& value) {
  i = 0;
  const auto digit_run = [&] {
    const std::size_t from = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i - from;
  };
  const std::size_t whole = digit_run();
  std::size_t fraction = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    fraction = digit_run();
  }
  if (whole + fraction == 0) return false;
  const std::string_view mantissa = s.substr(0, i);
  int exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    exponent = signed_exponent(s, i);
  }
  // from_chars reads the same text, but for an exponent without digits: then the mantissa alone.
  const std::string_view number = readable_decimal(s.substr(0, i), mantissa);
  const auto result = std::from_chars(number.data(), number.data() + number.size(), value);
  if (result.ptr != number.data() + number.size()) return false;
  if (result.ec == std::errc::result_out_of_range) {
    // The value is 0.d... x 10^order, d the first nonzero digit: far above 1 or far below it.
    const std::size_t leading_zeros = mantissa.find_first_not_of("0.");
    const std::size_t zeros_before = leading_zeros - (leading_zeros > whole ? 1 : 0);
    const long long order = static_cast<long long>(whole) - static_cast<long long>(zeros_before) + exponent;
    value = order > 0 ? std::numeric_limits<double>::infinity() : 0.0;
  }
  if (value == std::numeric_limits<double>::max()) {
    // R reads in long double and takes anything above the largest double for Inf, where
    // rounding gives the largest double ("1.7976931348623158e308").
    long double wide = 0.0L;
    std::from_chars(number.data(), number.data() + number.size(), wide);
    if (wide > std::numeric_limits<double>::max()) value = std::numeric_limits<double>::infinity();
  }
  return true;
}

}  // namespace

FieldReading read_r_number(std::string_view field, double& value) {
  if (only_blanks(field, 0)) return FieldReading::kBlank;
  std::size_t start = 0;
  while (is_ascii_space(field[start])) ++start;
  bool negative = false;
  if (field[start] == '-' || field[start] == '+') negative = field[start++] == '-';
  const std::string_view s = field.substr(start);
  double magnitude = 0.0;
  std::size_t end = 0;
  if (starts_with_nocase(s, "nan")) {
    magnitude = std::numeric_limits<double>::quiet_NaN();
    end = 3;
  } else if (starts_with_nocase(s, "infinity")) {
    magnitude = std::numeric_limits<double>::infinity();
    end = 8;
  } else if (starts_with_nocase(s, "inf")) {
    magnitude = std::numeric_limits<double>::infinity();
    end = 3;
  } else if (s.size() > 2 && s[0] == '0' && (s[1] | 0x20) == 'x') {
    magnitude = read_hexadecimal(s, end);
  } else if (!read_decimal(s, end, magnitude)) {
    return FieldReading::kText;
  }
  if (!only_blanks(s, end)) return FieldReading::kText;
  value = negative && !std::isnan(magnitude) ? -magnitude : magnitude;
  return FieldReading::kNumber;
}

}  // namespace lmm::internal
