// The hypotheses of lmerTest's type III anova() (lmerTest 3.1-3's attr(anova(m), "hypotheses"))
// on the lmerTest golden cases, and lmerTest's doolittle().
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "inference/type3_contrasts.hpp"
#include "satterthwaite_cases.hpp"

namespace {

using lmm::testing::Case;
using lmm::testing::fitted;

TEST(TypeThreeContrasts, AreLmerTestsHypotheses) {
  // attr(anova(m), "hypotheses") for the cake model: temp is tested at the average of the
  // recipes (zapsmall()'d to 7 digits, as lmerTest does), the others on their own columns.
  const Case& k = fitted("cake");
  std::vector<std::string> messages;
  const auto contrasts = lmm::internal::type3_contrasts(k.model.state(), messages);
  ASSERT_EQ(contrasts.size(), 3u);
  EXPECT_EQ(contrasts[0].term, "recipe");
  EXPECT_EQ(contrasts[1].term, "temp");
  EXPECT_EQ(contrasts[2].term, "recipe:temp");
  Eigen::MatrixXd recipe(2, 6), temp(1, 6), interaction(2, 6);
  recipe << 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0;
  temp << 0, 0, 0, 1, 0.3333333, 0.3333333;
  interaction << 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1;
  EXPECT_TRUE(contrasts[0].L.isApprox(recipe, 1e-15));
  EXPECT_TRUE(contrasts[1].L.isApprox(temp, 1e-15));
  EXPECT_TRUE(contrasts[2].L.isApprox(interaction, 1e-15));
  EXPECT_TRUE(messages.empty());
}

TEST(TypeThreeContrasts, NumericMainEffectIsTestedAtTheAverageOfTheFactor) {
  // M_glp2: ses is contained in ses:himinty (same numeric variable), himinty is not.
  std::vector<std::string> messages;
  const auto contrasts = lmm::internal::type3_contrasts(fitted("M_glp2").model.state(), messages);
  ASSERT_EQ(contrasts.size(), 3u);
  Eigen::MatrixXd ses(1, 4), himinty(1, 4);
  ses << 0, 1, 0, 0.5;
  himinty << 0, 0, 1, 0;
  EXPECT_TRUE(contrasts[0].L.isApprox(ses, 1e-15));
  EXPECT_TRUE(contrasts[1].L.isApprox(himinty, 1e-15));
}

TEST(TypeThreeContrasts, Doolittle) {
  // doolittle(matrix(c(4, 2, 2, 3), 2))$L
  Eigen::MatrixXd x(2, 2);
  x << 4, 2, 2, 3;
  Eigen::MatrixXd want(2, 2);
  want << 1, 0, 0.5, 1;
  EXPECT_TRUE(lmm::internal::doolittle_lower(x).isApprox(want));
}

}  // namespace
