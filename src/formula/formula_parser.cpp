// Recursive-descent parser for R formulas, with R's precedence (lowest first):
// ~, | ||, + - (binary), * /, :, unary + -, ^.
#include <cctype>
#include <charconv>
#include <cmath>

#include "data/level_order.hpp"
#include "formula/expression.hpp"
#include "lmm/error.hpp"
#include "util/excerpt.hpp"

namespace lmm::internal {
namespace {

constexpr int kMaxDepth = 200;
// A chain such as a + b + c is parsed in a loop but nests to the left, and whatever walks the
// tree recurses once per operator: bound their number as well.
constexpr int kMaxOperators = 1000;

class Parser {
 public:
  explicit Parser(const std::string& text) : text_(text) {}

  Expression parse() {
    skip_space();
    if (pos_ >= text_.size()) fail("the formula is empty");
    Expression lhs;
    bool has_lhs = false;
    if (!peek("~")) {
      lhs = parse_bar();
      has_lhs = true;
    }
    skip_space();
    const std::size_t tilde = pos_;
    if (!consume("~")) fail("expected '~' after the response");
    Expression rhs = parse_bar();
    skip_space();
    if (pos_ < text_.size()) fail("unexpected " + quote(std::string(1, text_[pos_])));
    if (!has_lhs) fail_at(tilde, "the formula has no response (left of '~')");
    Expression out = make_binary("~", std::move(lhs), std::move(rhs));
    out.position = tilde;
    return out;
  }

 private:
  [[noreturn]] void fail_at(std::size_t at, const std::string& what) const {
    throw Error(ErrorKind::kFormula, "formula error at position " + std::to_string(at + 1) + ": " + what +
                                         " in " + quote(text_, at));
  }
  [[noreturn]] void fail(const std::string& what) const { fail_at(pos_, what); }

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool peek(const char* token) {
    skip_space();
    return text_.compare(pos_, std::char_traits<char>::length(token), token) == 0;
  }
  bool consume(const char* token) {
    if (!peek(token)) return false;
    pos_ += std::char_traits<char>::length(token);
    return true;
  }

  // One level of nesting as the user counts them: a parenthesis, a call, a sign or a power, each
  // opened at `at` (the parser's recursion per level is bounded, so its stack is too).
  struct DepthGuard {
    DepthGuard(Parser& p, std::size_t at) : p(p) {
      if (++p.depth_ > kMaxDepth) p.fail_at(at, "the formula nests deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    ~DepthGuard() { --p.depth_; }
    Parser& p;
  };

  Expression binary(const std::string& op, std::size_t at, Expression l, Expression r) {
    if (++operators_ > kMaxOperators)
      fail_at(at, "the formula has more than " + std::to_string(kMaxOperators) + " operators");
    Expression e = make_binary(op, std::move(l), std::move(r));
    e.position = at;
    return e;
  }

  Expression parse_bar() {
    Expression lhs = parse_sum();
    while (true) {
      skip_space();
      const std::size_t at = pos_;
      if (consume("||")) lhs = binary("||", at, std::move(lhs), parse_sum());
      else if (consume("|")) lhs = binary("|", at, std::move(lhs), parse_sum());
      else return lhs;
    }
  }

  Expression parse_sum() {
    Expression lhs = parse_product();
    while (true) {
      skip_space();
      const std::size_t at = pos_;
      if (consume("+")) lhs = binary("+", at, std::move(lhs), parse_product());
      else if (consume("-")) lhs = binary("-", at, std::move(lhs), parse_product());
      else return lhs;
    }
  }

  Expression parse_product() {
    Expression lhs = parse_colon();
    while (true) {
      skip_space();
      const std::size_t at = pos_;
      if (consume("*")) lhs = binary("*", at, std::move(lhs), parse_colon());
      else if (consume("/")) lhs = binary("/", at, std::move(lhs), parse_colon());
      else if (peek("%in%")) { pos_ += 4; lhs = binary("%in%", at, std::move(lhs), parse_colon()); }
      else return lhs;
    }
  }

  Expression parse_colon() {
    Expression lhs = parse_unary();
    while (true) {
      skip_space();
      const std::size_t at = pos_;
      if (consume(":")) lhs = binary(":", at, std::move(lhs), parse_unary());
      else return lhs;
    }
  }

  Expression parse_unary() {
    skip_space();
    const std::size_t at = pos_;
    if (consume("-") || consume("+")) {
      DepthGuard guard(*this, at);
      Expression e;
      e.kind = Expression::Kind::kUnary;
      e.text = text_.substr(at, 1);
      e.position = at;
      e.args.push_back(parse_unary());
      return e;
    }
    return parse_power();
  }

  Expression parse_power() {
    Expression base = parse_primary();
    skip_space();
    const std::size_t at = pos_;
    if (consume("^") || consume("**")) {
      DepthGuard guard(*this, at);
      return binary("^", at, std::move(base), parse_unary());
    }
    return base;
  }

  static bool name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '.' || (c & 0x80); }
  static bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || (c & 0x80); }

  Expression parse_primary() {
    skip_space();
    const std::size_t at = pos_;
    if (pos_ >= text_.size()) fail("the formula ends where a term was expected");
    const char c = text_[pos_];
    if (c == '(') {
      DepthGuard guard(*this, at);
      ++pos_;
      Expression inner = parse_bar();
      if (!consume(")")) fail("expected ')' to close the '(' at position " + std::to_string(at + 1));
      Expression e;
      e.kind = Expression::Kind::kParen;
      e.position = at;
      e.args.push_back(std::move(inner));
      return e;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && pos_ + 1 < text_.size() &&
                                                        std::isdigit(static_cast<unsigned char>(text_[pos_ + 1])))) {
      std::size_t end = pos_;
      while (end < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '.' ||
                                    ((text_[end] == '-' || text_[end] == '+') && (text_[end - 1] == 'e' || text_[end - 1] == 'E'))))
        ++end;
      Expression e;
      e.kind = Expression::Kind::kNumber;
      e.text = text_.substr(pos_, end - pos_);
      std::string literal = e.text;
      if (!literal.empty() && literal.back() == 'L') literal.pop_back();
      const auto r = std::from_chars(literal.data(), literal.data() + literal.size(), e.number);
      if (r.ec != std::errc() || r.ptr != literal.data() + literal.size()) fail(quote(e.text) + " is not a number");
      e.position = at;
      pos_ = end;
      return e;
    }
    if (c == '`') {
      const std::size_t close = text_.find('`', pos_ + 1);
      if (close == std::string::npos) fail("unterminated backquoted name");
      Expression e = make_name(text_.substr(pos_ + 1, close - pos_ - 1));
      e.position = at;
      pos_ = close + 1;
      return e;
    }
    if (name_start(c)) {
      std::size_t end = pos_;
      while (end < text_.size() && name_char(text_[end])) ++end;
      Expression e = make_name(text_.substr(pos_, end - pos_));
      e.position = at;
      pos_ = end;
      if (consume("(")) {
        DepthGuard guard(*this, at);
        e.kind = Expression::Kind::kCall;
        if (!consume(")")) {
          do {
            e.args.push_back(parse_bar());
          } while (consume(","));
          if (!consume(")")) fail("expected ')' to close the call to " + quote(e.text + "()"));
        }
      }
      return e;
    }
    fail("unexpected " + quote(std::string(1, c)));
  }

  const std::string& text_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  int operators_ = 0;
};

bool spaced(const std::string& op) { return op != ":" && op != "^"; }

}  // namespace

Expression make_binary(const std::string& op, Expression lhs, Expression rhs) {
  Expression e;
  e.kind = Expression::Kind::kBinary;
  e.text = op;
  e.position = lhs.position;
  e.args.push_back(std::move(lhs));
  e.args.push_back(std::move(rhs));
  return e;
}

Expression make_name(const std::string& name) {
  Expression e;
  e.kind = Expression::Kind::kName;
  e.text = name;
  return e;
}

Expression make_number(double value) {
  Expression e;
  e.kind = Expression::Kind::kNumber;
  e.number = value;
  e.text = r_number_label(value);
  return e;
}

Expression parse_formula(const std::string& formula) { return Parser(formula).parse(); }

namespace {

void deparse_into(const Expression& e, std::string& out) {
  switch (e.kind) {
    case Expression::Kind::kNumber: out.append(r_number_label(e.number)); return;
    case Expression::Kind::kName: out.append(e.text); return;
    case Expression::Kind::kParen:
      out.push_back('(');
      deparse_into(e.args[0], out);
      out.push_back(')');
      return;
    case Expression::Kind::kUnary:
      out.append(e.text);
      deparse_into(e.args[0], out);
      return;
    case Expression::Kind::kBinary:
      deparse_into(e.args[0], out);
      if (spaced(e.text)) out.push_back(' ');
      out.append(e.text);
      if (spaced(e.text)) out.push_back(' ');
      deparse_into(e.args[1], out);
      return;
    case Expression::Kind::kCall:
      out.append(e.text);
      out.push_back('(');
      for (std::size_t i = 0; i < e.args.size(); ++i) {
        if (i) out.append(", ");
        deparse_into(e.args[i], out);
      }
      out.push_back(')');
      return;
  }
}

}  // namespace

std::string deparse(const Expression& e) {
  std::string out;
  deparse_into(e, out);
  return out;
}

}  // namespace lmm::internal
