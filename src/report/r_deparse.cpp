// R's deparse(), reimplemented from its documented and observed behaviour (R 4.2).
#include "report/r_deparse.hpp"

#include <cctype>

#include "data/r_names.hpp"
#include "report/r_numbers.hpp"

namespace lmm::internal {

namespace {

// A name R writes without backticks. Every non-ASCII byte counts as a letter here, as the formula
// parser reads names; is_syntactic_r_name() (make.names()) classifies such characters by the
// C library's UTF-8 locale instead.
bool is_syntactic_name(const std::string& s) {
  if (s == "...") return true;
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '.' || (s[0] & 0x80))) return false;
  if (s[0] == '.' && s.size() > 1 && std::isdigit(static_cast<unsigned char>(s[1]))) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || (c & 0x80))) return false;
  return !is_r_reserved_word(s);
}

// Operators written without surrounding spaces (and never broken after).
bool is_tight_operator(const std::string& op) {
  return op == "^" || op == ":" || op == "/" || op == "%%" || op == "%/%";
}

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
      case Expression::Kind::kString: put(deparse_string(e.text)); break;
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
      if (i < e.arg_names.size() && !e.arg_names[i].empty()) put(e.arg_names[i] + " = ");
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
