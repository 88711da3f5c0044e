#include "formula/elementwise_functions.hpp"

#include <cmath>
#include <map>

namespace lmm::internal {

double r_modulo(double x, double y) {
  if (y == 0.0 || !std::isfinite(x) || std::isnan(y)) return std::nan("");
  if (std::isinf(y)) return (x == 0.0 || (x > 0) == (y > 0)) ? x : x + y;
  const double q = std::floor(x / y);
  long double r = static_cast<long double>(x) - static_cast<long double>(q) * y;
  // Rounding can leave r a multiple of y away from [0, y) (or (y, 0]): fold it back.
  r -= std::floor(r / y) * static_cast<long double>(y);
  return static_cast<double>(r);
}

double r_integer_divide(double x, double y) {
  const double q = x / y;
  if (y == 0.0 || !std::isfinite(q)) return q;
  const double whole = std::floor(q);
  const long double rest = static_cast<long double>(x) - static_cast<long double>(whole) * y;
  return whole + static_cast<double>(std::floor(rest / y));
}

MathFunction math_function(const std::string& name) {
  static const std::map<std::string, MathFunction> functions = {
      {"log", [](double x) { return std::log(x); }},     {"log2", [](double x) { return std::log2(x); }},
      {"log10", [](double x) { return std::log10(x); }}, {"log1p", [](double x) { return std::log1p(x); }},
      {"exp", [](double x) { return std::exp(x); }},     {"expm1", [](double x) { return std::expm1(x); }},
      {"sqrt", [](double x) { return std::sqrt(x); }},   {"abs", [](double x) { return std::fabs(x); }},
      {"sin", [](double x) { return std::sin(x); }},     {"cos", [](double x) { return std::cos(x); }},
      {"tan", [](double x) { return std::tan(x); }}};
  const auto it = functions.find(name);
  return it == functions.end() ? nullptr : it->second;
}

ArithmeticOperator arithmetic_operator(const std::string& op) {
  static const std::map<std::string, ArithmeticOperator> operators = {
      {"+", [](double x, double y) { return x + y; }},
      {"-", [](double x, double y) { return x - y; }},
      {"*", [](double x, double y) { return x * y; }},
      {"/", [](double x, double y) { return x / y; }},
      // R's x^y: 1^y and x^0 are 1 even for NaN (as C's pow).
      {"^", [](double x, double y) { return std::pow(x, y); }},
      {"%%", r_modulo},
      {"%/%", r_integer_divide}};
  const auto it = operators.find(op);
  return it == operators.end() ? nullptr : it->second;
}

Comparison comparison_operator(const std::string& op) {
  static const std::map<std::string, Comparison> comparisons = {
      {"<", [](double x, double y) { return x < y; }},   {">", [](double x, double y) { return x > y; }},
      {"<=", [](double x, double y) { return x <= y; }}, {">=", [](double x, double y) { return x >= y; }},
      {"==", [](double x, double y) { return x == y; }}, {"!=", [](double x, double y) { return x != y; }}};
  const auto it = comparisons.find(op);
  return it == comparisons.end() ? nullptr : it->second;
}

Logical r_and(Logical a, Logical b) {
  if ((a && !*a) || (b && !*b)) return false;
  if (!a || !b) return std::nullopt;
  return true;
}

Logical r_or(Logical a, Logical b) {
  if ((a && *a) || (b && *b)) return true;
  if (!a || !b) return std::nullopt;
  return false;
}

}  // namespace lmm::internal
