// The formula parser and R's term expansion, with lme4's random-term rules.
#include <gtest/gtest.h>

#include "formula/term_expansion.hpp"
#include "lmm/error.hpp"

namespace {

using lmm::internal::analyze_formula;
using lmm::internal::TermList;

// Term labels as R's attr(terms(f), "term.labels") shows them.
std::vector<std::string> labels(const TermList& list) {
  std::vector<std::string> out;
  for (const auto& term : list.terms) {
    std::string label;
    for (int v : term) label += (label.empty() ? "" : ":") + list.variable_names[v];
    out.push_back(label);
  }
  return out;
}

std::vector<std::string> fixed_labels(const std::string& formula) { return labels(analyze_formula(formula).fixed); }

std::string formula_error(const std::string& formula) {
  try {
    analyze_formula(formula);
  } catch (const lmm::Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(TermExpansion, StarExpandsAndSortsByDegree) {
  EXPECT_EQ(fixed_labels("y ~ a * b + c + (1 | g)"), (std::vector<std::string>{"a", "b", "c", "a:b"}));
}

TEST(TermExpansion, InteractionVariablesInOrderOfAppearance) {
  EXPECT_EQ(fixed_labels("y ~ ses + himinty + himinty:ses + (1 | g)"),
            (std::vector<std::string>{"ses", "himinty", "ses:himinty"}));
}

TEST(TermExpansion, PowerAndNesting) {
  EXPECT_EQ(fixed_labels("y ~ (a + b + c)^2 + (1 | g)"),
            (std::vector<std::string>{"a", "b", "c", "a:b", "a:c", "b:c"}));
  EXPECT_EQ(fixed_labels("y ~ a / b + (1 | g)"), (std::vector<std::string>{"a", "a:b"}));
}

TEST(TermExpansion, InMeansInteractionWithAllOfTheRight) {
  EXPECT_EQ(fixed_labels("y ~ a %in% b + (1 | g)"), (std::vector<std::string>{"a:b"}));
}

TEST(TermExpansion, InterceptRemoval) {
  EXPECT_FALSE(analyze_formula("y ~ 0 + x + (1 | g)").fixed.intercept);
  EXPECT_FALSE(analyze_formula("y ~ x - 1 + (1 | g)").fixed.intercept);
  EXPECT_FALSE(analyze_formula("y ~ -1 + x + (1 | g)").fixed.intercept);
  EXPECT_TRUE(analyze_formula("y ~ x + (1 | g)").fixed.intercept);
  EXPECT_TRUE(analyze_formula("y ~ 1 + (1 | g)").fixed.intercept);
  EXPECT_EQ(fixed_labels("y ~ a * b - a:b + (1 | g)"), (std::vector<std::string>{"a", "b"}));
}

TEST(TermExpansion, CallsAreVariablesNamedByDeparse) {
  EXPECT_EQ(fixed_labels("y ~ I(x^2) + log(z) + I(x*2) + factor(k) + (1 | g)"),
            (std::vector<std::string>{"I(x^2)", "log(z)", "I(x * 2)", "factor(k)"}));
}

TEST(RandomTerms, BarsAreSplitFromTheFixedPart) {
  const auto spec = analyze_formula("mathach ~ ses + (ses | school)");
  EXPECT_EQ(spec.response_name, "mathach");
  EXPECT_EQ(fixed_labels("mathach ~ ses + (ses | school)"), (std::vector<std::string>{"ses"}));
  ASSERT_EQ(spec.random.size(), 1u);
  EXPECT_EQ(spec.random[0].group_name, "school");
  EXPECT_TRUE(spec.random[0].effects.intercept);
  EXPECT_EQ(labels(spec.random[0].effects), (std::vector<std::string>{"ses"}));
}

TEST(RandomTerms, DoubleBarSplitsIntoUncorrelatedTerms) {
  const auto spec = analyze_formula("y ~ x + (x || g)");
  ASSERT_EQ(spec.random.size(), 2u);
  EXPECT_EQ(spec.random[0].text, "(1 | g)");
  EXPECT_EQ(spec.random[1].text, "(0 + x | g)");
  EXPECT_FALSE(spec.random[1].effects.intercept);
}

TEST(RandomTerms, DoubleBarSplitsBeforeSlashNests) {
  // lme4: expandDoubleVerts first, then expandSlash within each piece.
  const auto spec = analyze_formula("y ~ x + (x || a/b)");
  std::vector<std::string> texts;
  for (const auto& r : spec.random) texts.push_back(r.text);
  EXPECT_EQ(texts, (std::vector<std::string>{"(1 | a)", "(1 | b:a)", "(0 + x | a)", "(0 + x | b:a)"}));
}

TEST(RandomTerms, SlashNestsAndColonInteracts) {
  const auto nested = analyze_formula("y ~ x + (1 | schoolid/classid2)");
  ASSERT_EQ(nested.random.size(), 2u);
  EXPECT_EQ(nested.random[0].group_name, "schoolid");
  EXPECT_EQ(nested.random[1].group_name, "classid2:schoolid");
  const auto crossed = analyze_formula("y ~ x + (1 | schoolid:classid2) + (1 | item)");
  EXPECT_EQ(crossed.random[0].group_name, "schoolid:classid2");
  EXPECT_EQ(crossed.random[1].group_name, "item");
}

TEST(FormulaErrors, PointAtThePosition) {
  EXPECT_EQ(formula_error("y ~ x + (1 | g"),
            "formula error at position 15: expected ')' to close the '(' at position 9 in 'y ~ x + (1 | g'");
  EXPECT_EQ(formula_error("y ~ x + * z"), "formula error at position 9: unexpected '*' in 'y ~ x + * z'");
  EXPECT_EQ(formula_error("~ x + (1 | g)"), "formula error at position 1: the formula has no response (left of '~') in '~ x + (1 | g)'");
}

TEST(FormulaErrors, NoRandomTerms) {
  EXPECT_EQ(formula_error("y ~ x"),
            "no random effects terms specified in formula 'y ~ x' (write one as (1 | group))");
}

// Found by fuzz_formula: the power was cast to int (undefined beyond its range) and each power
// up to it was expanded in turn. Powers beyond the number of variables add nothing.
TEST(TermExpansion, PowersBeyondTheVariablesAddNothing) {
  EXPECT_EQ(fixed_labels("y ~ (a + b)^1e34 + (1 | g)"), (std::vector<std::string>{"a", "b", "a:b"}));
  EXPECT_EQ(fixed_labels("y ~ (a + b + c)^666669978 + (1 | g)"),
            (std::vector<std::string>{"a", "b", "c", "a:b", "a:c", "b:c", "a:b:c"}));
}

// "v0 op v1 op ... v(n-1)".
std::string chain(const std::string& op, int n, const std::string& prefix = "v") {
  std::string out;
  for (int i = 0; i < n; ++i) out += (i ? op : "") + prefix + std::to_string(i);
  return out;
}

// Found fuzzing formulas: a + b + c ... nests one level per operator without recursing in the
// parser, and overflowed the stack of what walks the tree afterwards.
TEST(FormulaErrors, LongChainsAreRefusedNotCrashed) {
  EXPECT_NE(formula_error("y ~ " + chain(" + ", 50000) + " + (1 | g)").find("more than 1000 operators"),
            std::string::npos);
  EXPECT_NE(formula_error("y ~ x + (1 | " + chain(":", 20000, "g") + ")").find("more than 1000 operators"),
            std::string::npos);
  EXPECT_EQ(fixed_labels("y ~ " + chain(" + ", 900) + " + (1 | g)").size(), 900u);
}

// Found fuzzing formulas: expansions exponential in the formula's length hung.
TEST(FormulaErrors, ExplodingExpansionsAreRefused) {
  EXPECT_NE(formula_error("y ~ (" + chain(" + ", 22) + ")^22 + (1 | g)").find("expands to more than 1000 terms"),
            std::string::npos);
  EXPECT_NE(formula_error("y ~ " + chain("*", 20) + " + (1 | g)").find("expands to more than 1000 terms"),
            std::string::npos);
  EXPECT_NE(formula_error("y ~ (" + chain("*", 9) + ")^2 + (1 | g)").find("more than 10000 products of terms"),
            std::string::npos);
  std::string nested = "g";
  for (int i = 0; i < 100; ++i) nested += "/g";
  EXPECT_NE(formula_error("y ~ x + (1 | " + nested + ")").find("nesting expands to more than 1000 grouping variables"),
            std::string::npos);
  EXPECT_EQ(fixed_labels("y ~ " + chain("*", 9) + " + (1 | g)").size(), 511u);
}

TEST(FormulaErrors, DeepNestingIsRefusedNotCrashed) {
  std::string deep = "y ~ " + std::string(5000, '(') + "x" + std::string(5000, ')') + " + (1 | g)";
  EXPECT_NE(formula_error(deep).find("nests deeper than"), std::string::npos);
}

}  // namespace

namespace {

// The 200 levels are the user's: parentheses, calls, signs and powers, one level each (it was a
// third of that, three parser frames per parenthesis). The message points at the level past 200.
TEST(FormulaErrors, NestingLevelsAreCountedAsWritten) {
  const auto nested = [](int k) { return std::string(static_cast<std::size_t>(k), '(') + "x" + std::string(static_cast<std::size_t>(k), ')'); };
  EXPECT_EQ(fixed_labels("y ~ " + nested(200) + " + (1 | g)"), (std::vector<std::string>{"x"}));
  EXPECT_EQ(formula_error("y ~ " + nested(201) + " + (1 | g)").substr(0, 76),
            "formula error at position 205: the formula nests deeper than 200 levels in '");
  EXPECT_NE(formula_error("y ~ " + std::string(201, '-') + "x + (1 | g)").find("position 205: the formula nests deeper"),
            std::string::npos);
  std::string powers = "y ~ I(x";
  for (int i = 0; i < 200; ++i) powers += "^x";
  EXPECT_NE(formula_error(powers + ") + (1 | g)").find("position 406: the formula nests deeper"), std::string::npos);
}

}  // namespace

// The response on the right-hand side, as R's model.matrix treats it: a term that is the
// response alone is dropped (lme4 fits on, with R's two warnings), an interaction with it
// stays and names the response first; in a random-effects term it is refused (lme4 stops with
// "Downdated VtV is not positive definite" for (y | g)).
TEST(ResponseOnTheRightHandSide, ATermThatIsTheResponseAloneIsDropped) {
  const lmm::internal::FormulaSpec spec = lmm::internal::analyze_formula("log(y) ~ x + log(y) + x:log(y) + (1 | g)");
  EXPECT_EQ(spec.dropped_response_term, 2);
  ASSERT_EQ(spec.fixed.terms.size(), 2u);
  EXPECT_EQ(spec.fixed.variable_names, (std::vector<std::string>{"log(y)", "x"}));
  EXPECT_EQ(spec.fixed.terms[0], (lmm::internal::Term{1}));
  EXPECT_EQ(spec.fixed.terms[1], (lmm::internal::Term{0, 1}));
  EXPECT_EQ(lmm::internal::analyze_formula("y ~ x + (1 | g)").dropped_response_term, 0);
}

TEST(ResponseOnTheRightHandSide, InARandomEffectsTermItIsAModelError) {
  for (const char* formula : {"y ~ x + (y | g)", "y ~ x + (0 + y || g)"}) {
    try {
      lmm::internal::analyze_formula(formula);
      ADD_FAILURE() << formula << ": no error";
    } catch (const lmm::Error& e) {
      EXPECT_EQ(e.kind(), lmm::ErrorKind::kModel);
      const std::string term = std::string(formula).find("||") != std::string::npos ? "(0 + y | g)" : "(y | g)";
      EXPECT_EQ(std::string(e.what()), "the response 'y' is a variable of the random-effects term '" + term +
                                           "': its random effects could fit it exactly");
    }
  }
}

// Issue 20: R's grammar for named arguments, strings, logical constants, comparisons, logic and
// %any% operators, with R's precedence (?Syntax); names as R's deparse writes them.
namespace {

using lmm::internal::Expression;

Expression rhs_of(const std::string& formula) { return lmm::internal::parse_formula(formula).args[1]; }

}  // namespace

TEST(FormulaGrammar, NamedArgumentsAndStrings) {
  const Expression call = rhs_of("y ~ factor(f, levels = c(\"a\\\"b\", 'c\\\\d'))");
  ASSERT_EQ(call.kind, Expression::Kind::kCall);
  EXPECT_EQ(call.arg_names, (std::vector<std::string>{"", "levels"}));
  ASSERT_EQ(call.args[1].args.size(), 2u);
  EXPECT_EQ(call.args[1].args[0].kind, Expression::Kind::kString);
  EXPECT_EQ(call.args[1].args[0].text, "a\"b");
  EXPECT_EQ(call.args[1].args[1].text, "c\\d");
  // R: deparse(quote(factor(f, levels = c("a\"b", 'c\\d')))) is double-quoted, escaped.
  EXPECT_EQ(lmm::internal::deparse(call), "factor(f, levels = c(\"a\\\"b\", \"c\\\\d\"))");
  // `base == 2` is a comparison, not a named argument.
  EXPECT_EQ(rhs_of("y ~ log(x, base == 2)").arg_names, (std::vector<std::string>{"", ""}));
}

TEST(FormulaGrammar, PrecedenceAsR) {
  // ! takes everything up to & or |; comparisons bind looser than +; %% tighter than *, looser
  // than unary minus.
  const Expression e = rhs_of("y ~ I(a + b > c & !d == 1 | e %% 2 * -f)").args[0];
  ASSERT_TRUE(e.is_binary("|"));
  ASSERT_TRUE(e.args[0].is_binary("&"));
  EXPECT_TRUE(e.args[0].args[0].is_binary(">"));
  EXPECT_TRUE(e.args[0].args[0].args[0].is_binary("+"));
  EXPECT_EQ(e.args[0].args[1].text, "!");
  EXPECT_TRUE(e.args[0].args[1].args[0].is_binary("=="));
  ASSERT_TRUE(e.args[1].is_binary("*"));
  EXPECT_TRUE(e.args[1].args[0].is_binary("%%"));
  // R's deparse: %% and %/% without spaces, %in% and the others with.
  EXPECT_EQ(lmm::internal::deparse(e), "a + b > c & !d == 1 | e%%2 * -f");
  EXPECT_EQ(lmm::internal::deparse(rhs_of("y ~ I(Time / 100) + exp(-conc / 250)")), "I(Time/100) + exp(-conc/250)");
}

TEST(FormulaGrammar, ComparisonsAndLogicalsAreVariables) {
  // R's terms(~ x > 2 + z) has the one variable `x > 2 + z` (comparisons bind looser than +).
  EXPECT_EQ(labels(lmm::internal::expand_terms(rhs_of("y ~ x > 2 + z"))), (std::vector<std::string>{"x > 2 + z"}));
  EXPECT_EQ(fixed_labels("y ~ I(x >= 2 & z != 1) + (1 | g) + !w"),
            (std::vector<std::string>{"I(x >= 2 & z != 1)", "!w"}));
  EXPECT_EQ(fixed_labels("y ~ I(x%%2) + I(x %/% 2) + TRUE + (1 | g)"),
            (std::vector<std::string>{"I(x%%2)", "I(x%/%2)", "TRUE"}));
}

TEST(FormulaGrammar, ErrorsNameTheProblem) {
  EXPECT_EQ(formula_error("y ~ I(a < b < c) + (1 | g)"),
            "formula error at position 13: comparisons do not chain in R; use & between them in 'y ~ I(a < b < c) + (1 | g)'");
  EXPECT_NE(formula_error("y ~ factor(f, levels = \"a) + (1 | g)").find("position 24: unterminated string"),
            std::string::npos);
  EXPECT_NE(formula_error("y ~ I(a <- 2) + (1 | g)").find("assignment '<-' is not allowed"), std::string::npos);
  EXPECT_NE(formula_error("y ~ I(a %o b) + (1 | g)").find("unterminated %operator%"), std::string::npos);
  // lme4 reads every '|' as a bar, even inside I(), and fails: refused by name.
  EXPECT_NE(formula_error("y ~ I(a | b) + (1 | g)").find("formula term 'a | b': lme4 reads '|' as a random-effects bar"),
            std::string::npos);
}

// R's octal escapes: deparse() writes a control character as \032, which parses back to the same
// string (the fuzzer's round trip); \0 and a raw NUL are refused, as R refuses them.
TEST(FormulaGrammar, OctalEscapesRoundTrip) {
  const std::string formula = "y ~ x + f(\"a\\032b\\7\")";
  const std::string text = lmm::internal::deparse(lmm::internal::parse_formula(formula));
  EXPECT_EQ(lmm::internal::deparse(lmm::internal::parse_formula(text)), text);
  EXPECT_EQ(rhs_of("y ~ f(\"\\101\")").args[0].text, "A");
  EXPECT_THROW(lmm::internal::parse_formula("y ~ f(\"\\0\")"), lmm::Error);
  EXPECT_THROW(lmm::internal::parse_formula(std::string("y ~ f(\"a") + '\0' + "\")"), lmm::Error);
}
