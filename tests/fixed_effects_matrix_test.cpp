// The fixed-effects model matrix X as lme4 checks it: the warning about predictors on very
// different scales (check.scaleX) and the rank check that drops dependent columns.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "formula/model_matrix.hpp"
#include "model/fixed_effects_matrix.hpp"

namespace {

using namespace lmm::internal;

// lme4's check.scaleX on columns of model_matrix_test.cpp's data; R: attr(lme4:::checkScaleX(X),
// "msgScaleX") with x <- c(0.5, 1.5, 2.5, 3.5, 4.5, 5.5), z <- c(2, 3, 1, 5, 4, 6),
// b <- c(0, 1, 1, 0, 1, 0).
TEST(FixedEffectsScale, WarnsAsLme4Does) {
  const Eigen::VectorXd x{{0.5, 1.5, 2.5, 3.5, 4.5, 5.5}}, z{{2, 3, 1, 5, 4, 6}}, b{{0, 1, 1, 0, 1, 0}};
  const Eigen::VectorXd one = Eigen::VectorXd::Ones(6);
  auto check = [&](std::vector<Eigen::VectorXd> columns) {
    DesignMatrix m;
    m.matrix.resize(6, static_cast<Eigen::Index>(columns.size()));
    for (std::size_t j = 0; j < columns.size(); ++j) m.matrix.col(static_cast<Eigen::Index>(j)) = columns[j];
    return check_column_scales(m);
  };
  const std::string warning = "Some predictor variables are on very different scales: consider rescaling";
  EXPECT_EQ(check({one, x, z}), "");                      // cbind(1, x, z)
  EXPECT_EQ(check({one, x * 1000}), warning);             // cbind(1, x * 1000)
  EXPECT_EQ(check({one, x / 2000}), warning);             // cbind(1, x / 2000)
  EXPECT_EQ(check({one, x * 30, z / 40}), warning);       // cbind(1, x * 30, z / 40): a ratio
  EXPECT_EQ(check({one, x * 30, z / 20}), "");            // cbind(1, x * 30, z / 20)
  EXPECT_EQ(check({one, b}), "");                         // cbind(1, b): 0/1 columns are skipped
}

// lme4's rank check (R's qr() with LINPACK pivoting, tolerance 1e-7): a column is dropped when
// the part of it outside the span of the kept columns before it is at most 1e-7 of its norm.
// Columns of very different scales, a dependence hidden at 4e-8 or less or left at 1e-5:
// the decisions must not depend on the quick Gram-matrix proof of full rank that
// drop_rank_deficient_columns tries first.
DesignMatrix columns_of(const Eigen::MatrixXd& m) {
  DesignMatrix d;
  d.matrix = m;
  for (Eigen::Index j = 0; j < m.cols(); ++j) {
    d.names.push_back("c" + std::to_string(j + 1));
    d.assign.push_back(static_cast<int>(j));
  }
  return d;
}

Eigen::MatrixXd random_columns(Eigen::Index n, Eigen::Index p, unsigned seed) {
  std::srand(seed);
  return Eigen::MatrixXd::Random(n, p);
}

TEST(RankCheck, FullRankKeepsEveryColumn) {
  Eigen::MatrixXd m = random_columns(500, 8, 1);
  m.col(2) *= 1e8;  // very different scales
  m.col(5) *= 1e-6;
  for (const bool nearly_dependent : {false, true}) {
    if (nearly_dependent) m.col(7) = m.col(0) + m.col(1) + 1e-5 * m.col(7);  // 1e-5 of its norm: kept
    DesignMatrix d = columns_of(m);
    EXPECT_EQ(drop_rank_deficient_columns(d), "") << nearly_dependent;
    EXPECT_EQ(d.matrix, m) << nearly_dependent;
    EXPECT_EQ(d.names.size(), 8u) << nearly_dependent;
  }
}

TEST(RankCheck, DependentColumnsAreDroppedInOrder) {
  const Eigen::MatrixXd base = random_columns(400, 6, 2);
  for (const double hidden : {0.0, 1e-9, 1e-7}) {  // 1e-7 here is about 4e-8 of the column's norm
    Eigen::MatrixXd m = base;
    m.col(1) *= 1e6;
    m.col(3) = 2.0 * m.col(0) - 1e-6 * m.col(1) + hidden * base.col(3);  // within 1e-7 of c1, c2
    DesignMatrix d = columns_of(m);
    EXPECT_EQ(drop_rank_deficient_columns(d), "fixed-effect model matrix is rank deficient so dropping 1 column / coefficient")
        << hidden;
    EXPECT_EQ(d.names, (std::vector<std::string>{"c1", "c2", "c3", "c5", "c6"})) << hidden;
    EXPECT_EQ(d.assign, (std::vector<int>{0, 1, 2, 4, 5})) << hidden;
    EXPECT_EQ(d.matrix.col(3), m.col(4)) << hidden;
  }
}

TEST(RankCheck, AllZeroColumnsAreDropped) {
  Eigen::MatrixXd m = random_columns(50, 4, 3);
  m.col(1).setZero();
  m.col(3).setZero();
  DesignMatrix d = columns_of(m);
  EXPECT_EQ(drop_rank_deficient_columns(d), "fixed-effect model matrix is rank deficient so dropping 2 columns / coefficients");
  EXPECT_EQ(d.names, (std::vector<std::string>{"c1", "c3"}));
}

// Degenerate shapes (found by fuzz_formula: an empty product is no proof): no columns keep
// nothing to drop; no rows make every column all-zero.
TEST(RankCheck, NoColumnsOrNoRows) {
  DesignMatrix none = columns_of(Eigen::MatrixXd(5, 0));
  EXPECT_EQ(drop_rank_deficient_columns(none), "");
  EXPECT_EQ(none.matrix.cols(), 0);
  DesignMatrix empty = columns_of(Eigen::MatrixXd(0, 2));
  EXPECT_EQ(drop_rank_deficient_columns(empty), "fixed-effect model matrix is rank deficient so dropping 2 columns / coefficients");
  EXPECT_EQ(empty.matrix.cols(), 0);
}

// Indicator columns that sum to the intercept (a factor coded without a reference level next
// to the intercept): the last indicator is the dependent one.
TEST(RankCheck, IndicatorsSummingToTheIntercept) {
  Eigen::MatrixXd m(6, 4);
  m << 1, 1, 0, 0,  //
      1, 0, 1, 0,   //
      1, 0, 0, 1,   //
      1, 1, 0, 0,   //
      1, 0, 1, 0,   //
      1, 0, 0, 1;
  DesignMatrix d = columns_of(m);
  EXPECT_EQ(drop_rank_deficient_columns(d), "fixed-effect model matrix is rank deficient so dropping 1 column / coefficient");
  EXPECT_EQ(d.names, (std::vector<std::string>{"c1", "c2", "c3"}));
}

}  // namespace
