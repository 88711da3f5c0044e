// R's element-wise arithmetic, mathematical functions and logic, one value at a time, as
// model.frame() evaluates I(), log(), x %% y, x > 2, a & b in a formula.
#pragma once

#include <optional>
#include <string>

namespace lmm::internal {

// R's x %% y for doubles: x - floor(x / y) * y, with the sign of y; NaN when y is 0 or x is not
// finite; x (or x + y when the signs differ) when y is infinite.
double r_modulo(double x, double y);
// R's x %/% y for doubles: floor(x / y), corrected so that x == (x %% y) + y * (x %/% y);
// x / y itself when y is 0 or the quotient is not finite.
double r_integer_divide(double x, double y);

// A function of one number R evaluates element-wise (sin, log2, expm1, ...), or nullptr.
using MathFunction = double (*)(double);
MathFunction math_function(const std::string& name);

// The arithmetic operators + - * / ^ %% %/%, or nullptr.
using ArithmeticOperator = double (*)(double, double);
ArithmeticOperator arithmetic_operator(const std::string& op);

// The comparisons < > <= >= == != of two numbers, or nullptr.
using Comparison = bool (*)(double, double);
Comparison comparison_operator(const std::string& op);

// R's three-valued logic: a missing value is nullopt. NA & FALSE is FALSE, NA | TRUE is TRUE.
using Logical = std::optional<bool>;
Logical r_and(Logical a, Logical b);
Logical r_or(Logical a, Logical b);

}  // namespace lmm::internal
