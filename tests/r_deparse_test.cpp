// Tests of R's deparse() (report/r_deparse.hpp) against R 4.2.2 (the R expression that produced
// each expected value is in the comment next to the check).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "formula/expression.hpp"
#include "report/r_deparse.hpp"

namespace lmm::internal {
namespace {

using Strings = std::vector<std::string>;

TEST(RDeparse, SpacingOfOperators) {
  // deparse(quote(y ~ a + b:c + I(x^2) + log(z, 2) + d/e - 1))
  EXPECT_EQ(r_deparse_lines(parse_formula("y~a+b:c+I(x^2)+log(z,2)+d/e-1")),
            (Strings{"y ~ a + b:c + I(x^2) + log(z, 2) + d/e - 1"}));
  // deparse(quote(y ~ a * b + `my var` + (1 | g) + (0 + x || h)))
  EXPECT_EQ(r_deparse_lines(parse_formula("y ~ a*b + `my var` + (1|g) + (0+x||h)")),
            (Strings{"y ~ a * b + `my var` + (1 | g) + (0 + x || h)"}));
  // deparse(quote(y ~ 1e-10 + 100000 + 1e5 + 0.1 + 2L))
  EXPECT_EQ(r_deparse_lines(parse_formula("y ~ 1e-10 + 100000 + 1e5 + 0.1 + 2L")),
            (Strings{"y ~ 1e-10 + 1e+05 + 1e+05 + 0.1 + 2L"}));
}

TEST(RDeparse, LinesBreakAfterTheCutoff) {
  // deparse(quote(response ~ first_predictor + second_predictor + third_predictor +
  //   (first_predictor | grouping_factor_one)))
  EXPECT_EQ(r_deparse_lines(parse_formula("response ~ first_predictor + second_predictor + third_predictor + "
                                          "(first_predictor | grouping_factor_one)")),
            (Strings{"response ~ first_predictor + second_predictor + third_predictor + ",
                     "    (first_predictor | grouping_factor_one)"}));
  // deparse(quote(y ~ f(aaaaaaaaaa, bbbbbbbbbbb, cccccccccccc, ddddddddddddd, eeeeeeeeeeee,
  //   ffffffffffff, gggggggggg)))
  EXPECT_EQ(r_deparse_lines(parse_formula("y ~ f(aaaaaaaaaa, bbbbbbbbbbb, cccccccccccc, ddddddddddddd, "
                                          "eeeeeeeeeeee, ffffffffffff, gggggggggg)")),
            (Strings{"y ~ f(aaaaaaaaaa, bbbbbbbbbbb, cccccccccccc, ddddddddddddd, eeeeeeeeeeee, ",
                     "    ffffffffffff, gggggggggg)"}));
}

}  // namespace
}  // namespace lmm::internal
