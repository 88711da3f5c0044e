// The parsed form of an R model formula.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace lmm::internal {

struct Expression {
  enum class Kind { kNumber, kName, kCall, kBinary, kUnary, kParen };

  Kind kind = Kind::kName;
  std::string text;  // the name, the function, the operator, or the number's literal
  double number = 0.0;
  std::vector<Expression> args;  // operands or call arguments
  std::size_t position = 0;      // offset into the formula text, for messages

  bool is_binary(const char* op) const { return kind == Kind::kBinary && text == op; }
  bool is_number(double value) const { return kind == Kind::kNumber && number == value; }
  // Random-effects term `(lhs | g)` or `(lhs || g)`.
  bool is_bar_term() const {
    return kind == Kind::kParen && (args[0].is_binary("|") || args[0].is_binary("||"));
  }
};

// Parses `lhs ~ rhs` with R's operator precedence. Throws lmm::Error (kFormula) pointing at the
// position of the first problem.
Expression parse_formula(const std::string& formula);

// R's deparse(): the text R shows for an expression (spaces around + - * / ~ |, none around : ^).
std::string deparse(const Expression& e);

Expression make_binary(const std::string& op, Expression lhs, Expression rhs);
Expression make_name(const std::string& name);
Expression make_number(double value);

}  // namespace lmm::internal
