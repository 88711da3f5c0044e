#include "report/call_formula.hpp"

#include "formula/term_expansion.hpp"
#include "report/r_deparse.hpp"

namespace lmm::internal {
namespace {

Expression expand_double_verts(Expression e) {
  if (e.is_bar_term() && e.args[0].is_binary("||")) {
    Expression paren;
    paren.kind = Expression::Kind::kParen;
    paren.args.push_back(expand_double_vert(e));
    return paren;
  }
  for (Expression& arg : e.args) arg = expand_double_verts(std::move(arg));
  return e;
}

}  // namespace

Expression lme4_call_formula(const std::string& formula) { return expand_double_verts(parse_formula(formula)); }

std::string lme4_call_formula_line(const std::string& formula) {
  std::string line;
  for (const std::string& part : r_deparse_lines(lme4_call_formula(formula), 500)) {
    if (!line.empty()) line += ' ';
    line += part;
  }
  return line;
}

}  // namespace lmm::internal
