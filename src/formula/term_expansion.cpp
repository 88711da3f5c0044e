#include "formula/term_expansion.hpp"
#include "formula/offset_terms.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "lmm/error.hpp"
#include "util/excerpt.hpp"

namespace lmm::internal {
namespace {

[[noreturn]] void fail(const Expression& e, const std::string& what) {
  throw Error(ErrorKind::kFormula, "formula term " + quote(deparse(e)) + ": " + what);
}

// Terms of a sub-expression, with its say on the intercept: +1 added, -1 removed, 0 silent.
struct Partial {
  std::vector<Term> terms;
  int intercept = 0;
};

void add_unique(std::vector<Term>& terms, const Term& t) {
  if (std::find(terms.begin(), terms.end(), t) == terms.end()) terms.push_back(t);
}

Term join(const Term& a, const Term& b) {
  Term out;
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

// (a + b + ...)^k and a * b * ... expand into every product of their terms: a short formula can
// ask for millions. Refuse more than any model could use, and bound the work of each
// interaction (and add_unique's scans) with it.
constexpr std::size_t kMaxTerms = 1000;
constexpr std::size_t kMaxProducts = 10 * kMaxTerms;

[[noreturn]] void fail_too_many_terms(const Expression& e) {
  fail(e, "the formula expands to more than " + std::to_string(kMaxTerms) + " terms");
}

// `e` is the expression interacting a with b, named when the product has too many terms.
std::vector<Term> interact(const std::vector<Term>& a, const std::vector<Term>& b, const Expression& e) {
  if (a.size() * b.size() > kMaxProducts)
    fail(e, "the formula expands to more than " + std::to_string(kMaxProducts) + " products of terms");
  std::vector<Term> out;
  std::set<Term> seen;
  for (const Term& ta : a) {
    for (const Term& tb : b) {
      Term t = join(ta, tb);
      if (!seen.insert(t).second) continue;
      out.push_back(std::move(t));
      if (out.size() > kMaxTerms) fail_too_many_terms(e);
    }
  }
  return out;
}

bool is_variable_operator(const std::string& op) {
  for (const char* v : {"<", ">", "<=", ">=", "==", "!=", "&", "&&", "%%", "%/%"})
    if (op == v) return true;
  return false;
}

class Expander {
 public:
  explicit Expander(TermList& list) : list_(list) {}

  Partial expand(const Expression& e) {
    using K = Expression::Kind;
    switch (e.kind) {
      case K::kNumber:
        if (e.number == 1) return {{}, +1};
        if (e.number == 0) return {{}, -1};
        fail(e, "a number other than 0 or 1 is not a model term");
      case K::kString: fail(e, "a string is not a model term");
      case K::kParen:
        if (e.is_bar_term()) fail(e, "a random-effects term cannot appear here");
        return expand(e.args[0]);
      case K::kUnary: {
        if (e.text == "!") return {std::vector<Term>{Term{variable(e)}}, 0};
        Partial inner = expand(e.args[0]);
        if (e.text == "+") return inner;
        return {{}, inner.intercept == +1 ? -1 : inner.intercept == -1 ? +1 : 0};
      }
      case K::kName:
        if (e.text == ".") fail(e, "'.' (all other columns) is not supported; name the columns");
        return {std::vector<Term>{Term{variable(e)}}, 0};
      case K::kCall:
        return {std::vector<Term>{Term{variable(e)}}, 0};
      case K::kBinary: {
        // R's terms() reads a comparison, a logical and, %% or %/% as one variable (a logical
        // one is coded as a factor with levels FALSE, TRUE).
        if (is_variable_operator(e.text)) return {std::vector<Term>{Term{variable(e)}}, 0};
        Partial out = expand_binary(e);
        if (out.terms.size() > kMaxTerms) fail_too_many_terms(e);
        return out;
      }
    }
    return {};
  }

 private:
  Partial expand_binary(const Expression& e) {
    const std::string& op = e.text;
    if (op == "|" || op == "||" || op == "~") fail(e, quote(op) + " is not allowed inside a model term");
    Partial a = expand(e.args[0]);
    if (op == "-") {
      Partial b = expand(e.args[1]);
      Partial out{a.terms, a.intercept};
      for (const Term& t : b.terms) std::erase(out.terms, t);
      if (b.intercept == +1) out.intercept = -1;
      if (b.intercept == -1) out.intercept = +1;
      return out;
    }
    if (op == "^") {
      const Expression& power = e.args[1];
      if (power.kind != Expression::Kind::kNumber || power.number < 1 || power.number != std::floor(power.number))
        fail(e, "the power must be a positive whole number");
      // Each power adds the products of one more term; once that adds nothing, higher powers
      // add nothing either (a power beyond the number of variables changes nothing).
      Partial out{a.terms, a.intercept};
      std::vector<Term> current = a.terms;
      for (double k = 1; k < power.number; ++k) {
        current = interact(current, a.terms, e);
        const std::size_t before = out.terms.size();
        for (const Term& t : current) add_unique(out.terms, t);
        if (out.terms.size() == before) break;
      }
      return out;
    }
    Partial b = expand(e.args[1]);
    Partial out;
    if (op == "+") {
      out.terms = a.terms;
      for (const Term& t : b.terms) add_unique(out.terms, t);
      out.intercept = b.intercept != 0 ? b.intercept : a.intercept;
    } else if (op == ":") {
      out.terms = interact(a.terms, b.terms, e);
    } else if (op == "*") {
      out.terms = a.terms;
      for (const Term& t : b.terms) add_unique(out.terms, t);
      for (const Term& t : interact(a.terms, b.terms, e)) add_unique(out.terms, t);
      out.intercept = b.intercept != 0 ? b.intercept : a.intercept;
    } else if (op == "/") {
      // a / b = a + (all variables of a):b
      Term all;
      for (const Term& t : a.terms) all = join(all, t);
      out.terms = a.terms;
      for (const Term& t : interact({all}, b.terms, e)) add_unique(out.terms, t);
    } else if (op == "%in%") {
      // a %in% b: each term of a interacted with all variables of b
      Term all;
      for (const Term& t : b.terms) all = join(all, t);
      out.terms = interact(a.terms, {all}, e);
    } else {
      fail(e, "unknown operator " + quote(op));
    }
    return out;
  }

  int variable(const Expression& e) {
    const std::string name = deparse(e);
    for (std::size_t i = 0; i < list_.variable_names.size(); ++i)
      if (list_.variable_names[i] == name) return static_cast<int>(i);
    list_.variables.push_back(e);
    list_.variable_names.push_back(name);
    return static_cast<int>(list_.variables.size()) - 1;
  }

  TermList& list_;
};

// The right-hand side without its bar terms; nullopt when nothing is left.
std::optional<Expression> without_bars(const Expression& e) {
  if (e.is_bar_term()) return std::nullopt;
  if (e.is_binary("+")) {
    auto l = without_bars(e.args[0]);
    auto r = without_bars(e.args[1]);
    if (!l) return r;
    if (!r) return l;
    return make_binary("+", *l, *r);
  }
  if (e.is_binary("-")) {
    auto l = without_bars(e.args[0]);
    if (!l) {
      Expression u;
      u.kind = Expression::Kind::kUnary;
      u.text = "-";
      u.args.push_back(e.args[1]);
      return u;
    }
    return make_binary("-", *l, e.args[1]);
  }
  return e;
}

// A bar anywhere but as a summand of the right-hand side is a misplaced random term. lme4 reads
// a bar inside a call (I(a | b)) as one too, and fails on it: refuse it by name.
void reject_bars(const Expression& e, bool in_call = false) {
  if (e.kind == Expression::Kind::kBinary && (e.text == "|" || e.text == "||")) {
    if (in_call)
      fail(e, "lme4 reads '|' as a random-effects bar even inside a function call, and cannot fit this; "
              "write the logical or with !(!a & !b)");
    fail(e, "a random-effects term must be a summand of the formula, written as (x | g)");
  }
  for (const Expression& a : e.args) reject_bars(a, in_call || e.kind == Expression::Kind::kCall);
}

void collect_bars(const Expression& e, std::vector<const Expression*>& bars) {
  if (e.is_bar_term()) { bars.push_back(&e); return; }
  if (e.is_binary("+") || e.is_binary("-")) {
    collect_bars(e.args[0], bars);
    if (e.is_binary("+")) collect_bars(e.args[1], bars);
    return;
  }
  reject_bars(e);
}

// lme4's expandSlash: a/b/c gives a, b:a, c:b:a.
std::vector<std::vector<Expression>> grouping_factors(const Expression& g) {
  if (g.is_binary("/")) {
    auto outer = grouping_factors(g.args[0]);
    auto inner = grouping_factors(g.args[1]);
    const std::vector<Expression>& last = outer.back();
    std::vector<std::vector<Expression>> out = outer;
    std::size_t variables = 0;
    for (const auto& factors : out) variables += factors.size();
    for (auto in : inner) {
      in.insert(in.end(), last.begin(), last.end());
      variables += in.size();
      out.push_back(in);
    }
    // a/b/c/... names each variable once per deeper level: quadratic in the nesting depth.
    if (variables > kMaxTerms)
      fail(g, "the nesting expands to more than " + std::to_string(kMaxTerms) + " grouping variables");
    return out;
  }
  if (g.is_binary(":")) {
    auto l = grouping_factors(g.args[0]);
    auto r = grouping_factors(g.args[1]);
    if (l.size() != 1 || r.size() != 1) fail(g, "cannot combine ':' and '/' this way in a grouping factor");
    std::vector<Expression> combined = l[0];
    combined.insert(combined.end(), r[0].begin(), r[0].end());
    return {combined};
  }
  if (g.kind == Expression::Kind::kParen) return grouping_factors(g.args[0]);
  if (g.kind == Expression::Kind::kName || g.kind == Expression::Kind::kCall) return {{g}};
  fail(g, "the grouping factor must be a column, an interaction a:b or a nesting a/b");
}

std::string group_label(const std::vector<Expression>& factors) {
  std::string out;
  for (const Expression& f : factors) {
    if (!out.empty()) out.push_back(':');
    out.append(deparse(f));
  }
  return out;
}

void add_random_terms(const Expression& bar, std::vector<RandomTermSpec>& out) {
  const Expression& inner = bar.args[0];
  if (inner.text == "||") {
    std::vector<const Expression*> pieces;
    const Expression split = expand_double_vert(bar);
    collect_bars(split, pieces);
    for (const Expression* piece : pieces) add_random_terms(*piece, out);
    return;
  }
  for (const auto& factors : grouping_factors(inner.args[1])) {
    RandomTermSpec spec;
    spec.effects = expand_terms(inner.args[0]);
    if (spec.effects.terms.empty() && !spec.effects.intercept) fail(bar, "the term has no random effects");
    spec.group = factors;
    spec.group_name = group_label(factors);
    spec.text.append("(").append(deparse(inner.args[0])).append(" | ").append(spec.group_name).append(")");
    out.push_back(std::move(spec));
  }
}

}  // namespace

Expression expand_double_vert(const Expression& bar) {
  const Expression& inner = bar.args[0];
  const TermList terms = expand_terms(inner.args[0]);
  auto bar_term = [&](Expression lhs) {
    Expression paren;
    paren.kind = Expression::Kind::kParen;
    paren.position = bar.position;
    paren.args.push_back(make_binary("|", std::move(lhs), inner.args[1]));
    return paren;
  };
  std::vector<Expression> pieces;
  if (terms.intercept) pieces.push_back(bar_term(make_number(1)));
  for (const Term& term : terms.terms) {
    Expression product = terms.variables[static_cast<std::size_t>(term.front())];
    for (std::size_t k = 1; k < term.size(); ++k)
      product = make_binary(":", std::move(product), terms.variables[static_cast<std::size_t>(term[k])]);
    pieces.push_back(bar_term(make_binary("+", make_number(0), std::move(product))));
  }
  if (pieces.empty()) fail(bar, "the term has no random effects");
  Expression sum = pieces.front();
  for (std::size_t k = 1; k < pieces.size(); ++k) sum = make_binary("+", std::move(sum), pieces[k]);
  return sum;
}

bool TermList::contains(const Term& term) const {
  if (term.empty()) return intercept;
  return std::find(terms.begin(), terms.end(), term) != terms.end();
}

TermList expand_terms(const Expression& rhs) {
  TermList list;
  Partial p = Expander(list).expand(rhs);
  list.intercept = p.intercept != -1;
  std::stable_sort(p.terms.begin(), p.terms.end(), [](const Term& a, const Term& b) { return a.size() < b.size(); });
  std::erase_if(p.terms, [](const Term& t) { return t.empty(); });
  list.terms = std::move(p.terms);
  return list;
}

namespace {

// The index of the variable deparsed as `name`, or -1.
int variable_index(const TermList& list, const std::string& name) {
  const auto it = std::find(list.variable_names.begin(), list.variable_names.end(), name);
  return it == list.variable_names.end() ? -1 : static_cast<int>(it - list.variable_names.begin());
}

// Removes the term that is the variable deparsed as `name` alone, as R's model.matrix leaves
// it without columns ("an rhs term identical to the response generates nothing"); its position
// from 1, or 0 when there is none.
int drop_response_term(TermList& list, const std::string& name) {
  const int v = variable_index(list, name);
  const auto it = std::find(list.terms.begin(), list.terms.end(), Term{v});
  if (v < 0 || it == list.terms.end()) return 0;
  const int position = static_cast<int>(it - list.terms.begin()) + 1;
  list.terms.erase(it);
  return position;
}

// Makes the variable deparsed as `name` the first, as the response is among R's variables, so
// that an interaction with it is named as R names it (`y ~ x * y` has y:x).
void put_variable_first(TermList& list, const std::string& name) {
  const int v = variable_index(list, name);
  if (v <= 0) return;
  const auto moved = [v](int i) { return i == v ? 0 : i < v ? i + 1 : i; };
  std::rotate(list.variables.begin(), list.variables.begin() + v, list.variables.begin() + v + 1);
  std::rotate(list.variable_names.begin(), list.variable_names.begin() + v, list.variable_names.begin() + v + 1);
  for (Term& term : list.terms) {
    for (int& i : term) i = moved(i);
    std::sort(term.begin(), term.end());
  }
}

void refuse_response_in_random_terms(const FormulaSpec& spec) {
  for (const RandomTermSpec& term : spec.random)
    if (variable_index(term.effects, spec.response_name) >= 0)
      throw Error(ErrorKind::kModel, "the response " + quote(spec.response_name) + " is a variable of the random-effects term " +
                                         quote(term.text) + ": its random effects could fit it exactly");
}

}  // namespace

FormulaSpec analyze_formula(const std::string& formula) {
  const Expression tree = parse_formula(formula);
  FormulaSpec spec;
  spec.response = tree.args[0];
  spec.response_name = deparse(spec.response);
  const Expression& rhs = tree.args[1];
  std::vector<const Expression*> bars;
  collect_bars(rhs, bars);
  for (const Expression* bar : bars) add_random_terms(*bar, spec.random);
  const auto fixed = without_bars(rhs);
  spec.fixed = expand_terms(fixed ? *fixed : make_number(1));
  if (spec.random.empty())
    throw Error(ErrorKind::kModel, "no random effects terms specified in formula " + quote(formula) +
                                       " (write one as (1 | group))");
  spec.offsets = take_offsets(spec.fixed);
  refuse_offsets_in_random_terms(spec.random);
  spec.dropped_response_term = drop_response_term(spec.fixed, spec.response_name);
  put_variable_first(spec.fixed, spec.response_name);
  refuse_response_in_random_terms(spec);
  return spec;
}

}  // namespace lmm::internal
