// The parsed form of an R model formula.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace lmm::internal {

struct Expression {
  enum class Kind { kNumber, kString, kName, kCall, kBinary, kUnary, kParen };

  Kind kind = Kind::kName;
  // The name, the function, the operator, the number's literal, or the string's value (escapes
  // resolved).
  std::string text;
  double number = 0.0;
  std::vector<Expression> args;  // operands or call arguments
  // kCall: each argument's name as written (`base` in log(x, base = 2)), "" when positional.
  std::vector<std::string> arg_names;
  std::size_t position = 0;      // offset into the formula text, for messages

  bool is_binary(const char* op) const { return kind == Kind::kBinary && text == op; }
  bool is_number(double value) const { return kind == Kind::kNumber && number == value; }
  // Random-effects term `(lhs | g)` or `(lhs || g)`.
  bool is_bar_term() const {
    return kind == Kind::kParen && (args[0].is_binary("|") || args[0].is_binary("||"));
  }
};

// R's logical constants TRUE and FALSE (parsed as names, as R's parser reads them).
inline bool is_logical_constant(const Expression& e) {
  return e.kind == Expression::Kind::kName && (e.text == "TRUE" || e.text == "FALSE");
}

// R's deparse of a string constant: double quotes, with \\, \" and control characters escaped.
std::string deparse_string(const std::string& value);

// Parses `lhs ~ rhs` with R's operator precedence. Throws lmm::Error (kFormula) pointing at the
// position of the first problem.
Expression parse_formula(const std::string& formula);

// R's deparse(): the text R shows for an expression (spaces around + - * / ~ | & and comparisons,
// none around : ^ %% %/%; named call arguments as `name = value`).
std::string deparse(const Expression& e);

Expression make_binary(const std::string& op, Expression lhs, Expression rhs);
Expression make_name(const std::string& name);
Expression make_number(double value);

}  // namespace lmm::internal
