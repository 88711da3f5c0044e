// coef(m): each level's coefficients, against lme4 1.1-31 (tests/golden/lme4_inference.json,
// written by tools/reference/lme4_inference.R).
#include <gtest/gtest.h>

#include <cmath>

#include "seed_data.hpp"
#include "seed_fits.hpp"

namespace {

using lmm::testing::fitted;
using lmm::testing::Fitted;
using lmm::testing::inference_goldens;
using nlohmann::json;

TEST(Coef, SleepstudyAgreesWithLme4) {
  const json& c = inference_goldens()["coef"];
  const Fitted& f = fitted(c["formula"]);
  const std::vector<lmm::GroupCoefficients> groups = lmm::coef(f.fit);
  ASSERT_EQ(groups.size(), c["groups"].size());
  const lmm::GroupCoefficients& g = groups[0];
  const json& want = c["groups"]["Subject"];
  EXPECT_EQ(g.group, "Subject");
  EXPECT_EQ(g.levels, want["levels"].get<std::vector<std::string>>());
  ASSERT_EQ(g.names, (std::vector<std::string>{"(Intercept)", "Days"}));
  for (std::size_t k = 0; k < g.names.size(); ++k) {
    const std::vector<double> w = want[g.names[k]].get<std::vector<double>>();
    ASSERT_EQ(g.values.rows(), static_cast<Eigen::Index>(w.size()));
    double scale = 0.0;
    for (double v : w) scale = std::max(scale, std::fabs(v));
    for (std::size_t l = 0; l < w.size(); ++l) {
      // Fixed effect plus mode: within 1e-6 of the column's scale (a slope near 0, such as
      // Subject 335's, has no relative precision; see the predictions' tolerance).
      EXPECT_LE(std::fabs(g.values(static_cast<Eigen::Index>(l), static_cast<Eigen::Index>(k)) - w[l]), 1e-6 * scale)
          << g.names[k] << " " << g.levels[l];
    }
  }
}

TEST(Coef, RandomColumnsWithoutAFixedEffectComeFirstWithZero) {
  const Fitted& f = fitted("Reaction ~ 0 + Days + (1 | Subject)");
  const auto groups = lmm::coef(f.fit);
  ASSERT_EQ(groups.size(), 1u);
  ASSERT_EQ(groups[0].names, (std::vector<std::string>{"(Intercept)", "Days"}));
  EXPECT_EQ(groups[0].values.col(0), f.fit.ranef[0].values.col(0));
  for (Eigen::Index l = 0; l < groups[0].values.rows(); ++l) EXPECT_EQ(groups[0].values(l, 1), f.fit.fixef[0]);
}

}  // namespace
