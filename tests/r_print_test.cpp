// Tests of R's printing of text (report/r_print.hpp) against output captured from R 4.2.2 (the
// R expression that produced each expected value is in the comment next to the check).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "report/r_numbers.hpp"
#include "report/r_print.hpp"

namespace lmm::internal {
namespace {

using Strings = std::vector<std::string>;

// ---- cat, print -----------------------------------------------------------------------------

TEST(RCatFill, BreaksBeforeAnElementThatWouldPassTheWidth) {
  // capture.output(cat("Formula:", c("aaaaaaaaaa bbbbbbbbbb", "cc"), fill = 30))
  EXPECT_EQ(r_cat_fill({{"Formula:"}, {"aaaaaaaaaa bbbbbbbbbb", "cc"}}, 30), "Formula: \naaaaaaaaaa bbbbbbbbbb cc\n");
  // capture.output(cat("Number of obs: 1190, groups: ", "classid, 312; schoolid, 107", fill = 40))
  EXPECT_EQ(r_cat_fill({{"Number of obs: 1190, groups: "}, {"classid, 312; schoolid, 107"}}, 40),
            "Number of obs: 1190, groups:  \nclassid, 312; schoolid, 107\n");
  EXPECT_EQ(r_cat_fill({{"x"}, {"y"}}, 80), "x y\n");  // capture.output(cat("x", "y", fill = TRUE))
}

TEST(RPrintNamed, RightJustifiedColumnsWrappedAtWidth) {
  // capture.output(print(c(Min = -1.5, Median = 0.25, Max = 2.25)))
  EXPECT_EQ(r_print_named({"Min", "Median", "Max"}, r_format({-1.5, 0.25, 2.25}, 7), 80),
            "   Min Median    Max \n -1.50   0.25   2.25 \n");
  // x <- 1:12/7; names(x) <- paste0("nm", 1:12); capture.output(print(format(x, digits = 4), quote = FALSE))
  std::vector<double> x;
  Strings names;
  for (int i = 1; i <= 12; ++i) {
    x.push_back(i / 7.0);
    names.push_back("nm" + std::to_string(i));
  }
  EXPECT_EQ(r_print_named(names, r_format(x, 4), 80),
            "   nm1    nm2    nm3    nm4    nm5    nm6    nm7    nm8    nm9   nm10   nm11 \n"
            "0.1429 0.2857 0.4286 0.5714 0.7143 0.8571 1.0000 1.1429 1.2857 1.4286 1.5714 \n"
            "  nm12 \n"
            "1.7143 \n");
}

TEST(RPrintMatrix, JustificationAndColumnBlocks) {
  const TextMatrix m{{"a", "bbb"}, {"Estimate", "t"}, {{"1.0", "x"}, {"-2.25", "yy"}}};
  // m <- matrix(c("1.0", "-2.25", "x", "yy"), 2, dimnames = list(c("a", "bbb"), c("Estimate", "t")))
  // capture.output(print(m, quote = FALSE, right = TRUE))
  EXPECT_EQ(r_print_matrix(m, true, 80), "    Estimate  t\na        1.0  x\nbbb    -2.25 yy\n");
  // capture.output(print(m, quote = FALSE))
  EXPECT_EQ(r_print_matrix(m, false, 80), "    Estimate t \na   1.0      x \nbbb -2.25    yy\n");
  // m2 <- matrix(format(1:12 * 1000.5), 2, dimnames = list(c("r1", "r2"), paste0("column", 1:6)))
  // options(width = 40); capture.output(print(m2, quote = FALSE, right = TRUE))
  TextMatrix m2{{"r1", "r2"}, {}, {{}, {}}};
  const Strings cells = r_format({1000.5, 2001, 3001.5, 4002, 5002.5, 6003, 7003.5, 8004, 9004.5, 10005, 11005.5, 12006}, 7);
  for (int j = 0; j < 6; ++j) {
    m2.col_names.push_back("column" + std::to_string(j + 1));
    for (int i = 0; i < 2; ++i) m2.cells[static_cast<std::size_t>(i)].push_back(cells[static_cast<std::size_t>(2 * j + i)]);
  }
  EXPECT_EQ(r_print_matrix(m2, true, 40),
            "   column1 column2 column3 column4\n"
            "r1  1000.5  3001.5  5002.5  7003.5\n"
            "r2  2001.0  4002.0  6003.0  8004.0\n"
            "   column5 column6\n"
            "r1  9004.5 11005.5\n"
            "r2 10005.0 12006.0\n");
}

}  // namespace
}  // namespace lmm::internal
