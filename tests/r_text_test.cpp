// Tests of R's text layout rules (report/r_text.hpp) against values computed with R 4.2.2 (the
// R expression that produced each expected value is in the comment next to the check).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "report/r_text.hpp"

namespace lmm::internal {
namespace {

using Strings = std::vector<std::string>;

// ---- abbreviate, strwrap --------------------------------------------------------------------

TEST(RAbbreviate, DropsVowelsThenLowerCaseFromTheEnd) {
  const Strings names = {"(Intercept)", "ses", "himinty1", "ses:himinty1"};
  // abbreviate(c("(Intercept)", "ses", "himinty1", "ses:himinty1"), 6)
  EXPECT_EQ(r_abbreviate(names, 6), (Strings{"(Intr)", "ses", "hmnty1", "ss:hm1"}));
  // abbreviate(c("(Intercept)", "ses", "himinty1", "ses:himinty1"), 11)
  EXPECT_EQ(r_abbreviate(names, 11), (Strings{"(Intercept)", "ses", "himinty1", "ses:himnty1"}));
  // abbreviate("International Business Machines", 8)
  EXPECT_EQ(r_abbreviate({"International Business Machines"}, 8), (Strings{"IntrntBM"}));
  // abbreviate(c("Days", "Days:Sex", "SexMale"), 4)
  EXPECT_EQ(r_abbreviate({"Days", "Days:Sex", "SexMale"}, 4), (Strings{"Days", "Dy:S", "SxMl"}));
  // abbreviate(c("aeiou", "  padded  "), 2)
  EXPECT_EQ(r_abbreviate({"aeiou", "  padded  "}, 2), (Strings{"ae", "pd"}));
}

TEST(RAbbreviate, ClashesAreLengthened) {
  // abbreviate(c("alpha1", "alpha2", "beta"), 3)
  EXPECT_EQ(r_abbreviate({"alpha1", "alpha2", "beta"}, 3), (Strings{"al1", "al2", "bet"}));
  // abbreviate(c("x", "x", "longname"), 4)
  EXPECT_EQ(r_abbreviate({"x", "x", "longname"}, 4), (Strings{"x", "x", "lngn"}));
}

TEST(RStrwrap, GreedyWithExdent) {
  // strwrap("Linear mixed model fit by maximum likelihood ", 38, exdent = 2)
  EXPECT_EQ(r_strwrap("Linear mixed model fit by maximum likelihood ", 38, 2),
            (Strings{"Linear mixed model fit by maximum", "  likelihood"}));
  // strwrap("Linear mixed model fit by maximum likelihood ", 18, exdent = 2)
  EXPECT_EQ(r_strwrap("Linear mixed model fit by maximum likelihood ", 18, 2),
            (Strings{"Linear mixed", "  model fit by", "  maximum", "  likelihood"}));
}

}  // namespace
}  // namespace lmm::internal
