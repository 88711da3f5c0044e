// Recursive-descent parser for R formulas, with R's precedence (?Syntax, lowest first):
// ~, | ||, & &&, !, comparisons (< > <= >= == !=), + - (binary), * /, %any%, :, unary + -, ^.
// lme4's bar is R's `|`: term expansion reads it as a random-effects term at the top of a
// parenthesised summand, and evaluation as logical or inside a call.
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
    Expression lhs = parse_and();
    while (true) {
      skip_space();
      const std::size_t at = pos_;
      if (consume("||")) lhs = binary("||", at, std::move(lhs), parse_and());
      else if (consume("|")) lhs = binary("|", at, std::move(lhs), parse_and());
      else return lhs;
    }
  }

  Expression parse_and() {
    Expression lhs = parse_comparison();
    while (true) {
      skip_space();
      const std::size_t at = pos_;
      if (consume("&&")) lhs = binary("&&", at, std::move(lhs), parse_comparison());
      else if (consume("&")) lhs = binary("&", at, std::move(lhs), parse_comparison());
      else return lhs;
    }
  }

  // R's comparisons do not chain: a < b < c does not parse.
  Expression parse_comparison() {
    Expression lhs = parse_sum();
    skip_space();
    const std::size_t at = pos_;
    if (peek("<-")) fail("assignment '<-' is not allowed in a formula");
    for (const char* op : {"<=", ">=", "==", "!=", "<", ">"}) {
      if (!consume(op)) continue;
      lhs = binary(op, at, std::move(lhs), parse_sum());
      skip_space();
      for (const char* again : {"<", ">", "==", "!="})
        if (peek(again)) fail("comparisons do not chain in R; use & between them");
      return lhs;
    }
    return lhs;
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
    Expression lhs = parse_special();
    while (true) {
      skip_space();
      const std::size_t at = pos_;
      if (consume("*")) lhs = binary("*", at, std::move(lhs), parse_special());
      else if (consume("/")) lhs = binary("/", at, std::move(lhs), parse_special());
      else return lhs;
    }
  }

  // R's %any% operators: %%, %/%, %in%, ...
  Expression parse_special() {
    Expression lhs = parse_colon();
    while (true) {
      skip_space();
      const std::size_t at = pos_;
      if (!peek("%")) return lhs;
      const std::size_t close = text_.find('%', pos_ + 1);
      if (close == std::string::npos || text_.find('\n', pos_) < close) fail("unterminated %operator%");
      const std::string op = text_.substr(pos_, close - pos_ + 1);
      pos_ = close + 1;
      lhs = binary(op, at, std::move(lhs), parse_colon());
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

  // A sign binds tighter than ':'; a '!' takes everything up to the next & or | (R's grammar:
  // a + !b > 2 is a + !(b > 2)).
  Expression parse_unary() {
    skip_space();
    const std::size_t at = pos_;
    if (peek("!") && !peek("!=")) {
      DepthGuard guard(*this, at);
      ++pos_;
      Expression e;
      e.kind = Expression::Kind::kUnary;
      e.text = "!";
      e.position = at;
      e.args.push_back(parse_comparison());
      return e;
    }
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
    if (c == '"' || c == '\'') return parse_string();
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
            e.arg_names.push_back(argument_name());
            e.args.push_back(parse_bar());
          } while (consume(","));
          if (!consume(")")) fail("expected ')' to close the call to " + quote(e.text + "()"));
        }
      }
      return e;
    }
    fail("unexpected " + quote(std::string(1, c)));
  }

  // `name =` before a call's argument (not `name ==`): the name, consumed; "" otherwise.
  std::string argument_name() {
    skip_space();
    const std::size_t start = pos_;
    std::string name;
    if (pos_ < text_.size() && text_[pos_] == '`') {
      const std::size_t close = text_.find('`', pos_ + 1);
      if (close == std::string::npos) return "";
      name = text_.substr(pos_ + 1, close - pos_ - 1);
      pos_ = close + 1;
    } else {
      while (pos_ < text_.size() && (pos_ == start ? name_start(text_[pos_]) : name_char(text_[pos_]))) ++pos_;
      name = text_.substr(start, pos_ - start);
    }
    if (!name.empty() && peek("=") && !peek("==")) {
      ++pos_;
      return name;
    }
    pos_ = start;
    return "";
  }

  // "..." or '...', with R's escapes \\ \" \' \` \n \t \r and octal ones (\032, as deparse()
  // writes control characters); not hex or Unicode ones.
  Expression parse_string() {
    const std::size_t at = pos_;
    const char quote_char = text_[pos_++];
    Expression e;
    e.kind = Expression::Kind::kString;
    e.position = at;
    while (true) {
      if (pos_ >= text_.size()) fail_at(at, "unterminated string");
      const char c = text_[pos_++];
      if (c == quote_char) return e;
      if (c == '\0') fail_at(pos_ - 1, "a NUL character in a string");
      if (c != '\\') {
        e.text.push_back(c);
        continue;
      }
      if (pos_ >= text_.size()) fail_at(at, "unterminated string");
      const char escaped = text_[pos_++];
      switch (escaped) {
        case 'n': e.text.push_back('\n'); break;
        case 't': e.text.push_back('\t'); break;
        case 'r': e.text.push_back('\r'); break;
        case '\\': case '"': case '\'': case '`': case ' ': e.text.push_back(escaped); break;
        default:
          if (escaped >= '0' && escaped <= '7') {
            e.text.push_back(octal_escape(escaped, pos_ - 2));
            break;
          }
          fail_at(pos_ - 2, "unsupported escape " + quote(std::string("\\") + escaped) + " in a string");
      }
    }
  }

  // R's octal escape: the first digit given, up to two more; a value of 0 or above 255 is refused.
  char octal_escape(char first, std::size_t at) {
    int value = first - '0';
    for (int k = 0; k < 2 && pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '7'; ++k)
      value = value * 8 + (text_[pos_++] - '0');
    if (value == 0 || value > 255) fail_at(at, "octal escape out of range (1 to \\377) in a string");
    return static_cast<char>(value);
  }

  const std::string& text_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  int operators_ = 0;
};

}  // namespace

Expression parse_formula(const std::string& formula) { return Parser(formula).parse(); }

}  // namespace lmm::internal
