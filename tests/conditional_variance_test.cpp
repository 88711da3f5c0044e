// The random effects' conditional modes and variances, as lme4 1.1-31's ranef(m, condVar = TRUE)
// gives them (tests/golden/lme4_inference.json, written by tools/reference/lme4_inference.R), and
// the blocked inverse they come from against a dense one.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "model/model_state.hpp"
#include "model/profiled_deviance.hpp"
#include "seed_data.hpp"
#include "seed_fits.hpp"

namespace {

using lmm::testing::fitted;
using lmm::testing::Fitted;
using lmm::testing::inference_goldens;
using lmm::testing::relative_difference;
using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// as.data.frame(ranef(m, condVar = TRUE))

class RanefGolden : public ::testing::TestWithParam<std::size_t> {};

TEST_P(RanefGolden, ModesAndConditionalSdsAgreeWithLme4) {
  const json& c = inference_goldens()["ranef_condvar"][GetParam()];
  const Fitted& f = fitted(c["formula"]);
  const std::vector<lmm::RandomEffectRow> rows = lmm::ranef_table(f.model, f.fit);
  const json& want = c["rows"];
  ASSERT_EQ(rows.size(), want.size());
  // The scale of each column of modes: its largest magnitude in lme4's table.
  std::map<std::pair<std::string, std::string>, double> scale;
  for (const json& w : want) {
    double& s = scale[{w["grpvar"], w["term"]}];
    s = std::max(s, std::fabs(w["condval"].get<double>()));
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const lmm::RandomEffectRow& got = rows[i];
    const json& w = want[i];
    SCOPED_TRACE(w.dump());
    EXPECT_EQ(got.grpvar, w["grpvar"]);
    EXPECT_EQ(got.term, w["term"]);
    EXPECT_EQ(got.grp, w["grp"]);
    // Modes within 1e-4 of their column's scale: a mode near 0 has no relative precision, and
    // 1e-4 covers the modes' sensitivity to where BOBYQA stops (theta to ~1e-6).
    EXPECT_LE(std::fabs(got.condval - w["condval"].get<double>()), 1e-4 * scale.at({w["grpvar"], w["term"]}))
        << "got " << got.condval;
    // Conditional SDs within 1e-3 relative: they depend on theta and sigma only.
    EXPECT_LE(relative_difference(got.condsd, w["condsd"].get<double>()), 1e-3) << "got " << got.condsd;
  }
}

INSTANTIATE_TEST_SUITE_P(Lme4, RanefGolden, ::testing::Range<std::size_t>(0, 4),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return inference_goldens()["ranef_condvar"][info.param]["id"].get<std::string>();
                         });

// The blocked computation of the inverse's diagonal blocks against a dense inverse of
// Lambda'Z'Z Lambda + I, for a first term with two columns and a crossed second term (the
// W_g = C^{-1} B_g A_g^{-1} path) and for M17 (first term with one column, trailing slopes).
void expect_blocks_match_dense_inverse(const std::string& formula) {
  const Fitted& f = fitted(formula);
  const lmm::internal::ModelState& m = f.model.state();
  lmm::internal::ProfiledDeviance deviance(m);
  ASSERT_TRUE(deviance.factor(f.fit.theta));
  const std::vector<Eigen::MatrixXd> blocks = deviance.cholesky().random_effects_inverse_blocks();
  const std::vector<Eigen::MatrixXd> factors = deviance.relative_factors(f.fit.theta);
  Eigen::Index q = 0;
  for (const auto& t : m.terms) q += t.nranef();
  const auto n = static_cast<Eigen::Index>(m.frame.nobs);
  Eigen::MatrixXd zl = Eigen::MatrixXd::Zero(n, q);  // Z Lambda, dense
  Eigen::Index offset = 0;
  for (std::size_t k = 0; k < m.terms.size(); ++k) {
    const auto& t = m.terms[k];
    for (Eigen::Index i = 0; i < n; ++i)
      zl.block(i, offset + static_cast<Eigen::Index>(t.codes[i]) * t.q(), 1, t.q()) = t.z.row(i) * factors[k];
    offset += t.nranef();
  }
  const Eigen::MatrixXd inverse =
      (zl.transpose() * zl + Eigen::MatrixXd::Identity(q, q)).llt().solve(Eigen::MatrixXd::Identity(q, q));
  ASSERT_EQ(blocks.size(), m.terms.size());
  offset = 0;
  for (std::size_t k = 0; k < m.terms.size(); ++k) {
    const auto& t = m.terms[k];
    ASSERT_EQ(blocks[k].cols(), t.nranef());
    for (int l = 0; l < t.nlevels(); ++l) {
      const Eigen::Index at = static_cast<Eigen::Index>(l) * t.q();
      // Two factorizations of the same well-conditioned matrix (eigenvalues >= 1): rounding.
      EXPECT_LE((blocks[k].middleCols(at, t.q()) - inverse.block(offset + at, offset + at, t.q(), t.q()))
                    .cwiseAbs()
                    .maxCoeff(),
                1e-10)
          << "term " << k << " level " << l;
    }
    offset += t.nranef();
  }
}

TEST(ConditionalVariance, BlocksMatchADenseInverseWithCrossedTerms) {
  expect_blocks_match_dense_inverse("mathscore ~ ses + (ses | classid) + (1 | schoolid)");
  expect_blocks_match_dense_inverse("mathscore ~ ses + (ses | schoolid) + (1 | classid)");
  expect_blocks_match_dense_inverse("diameter ~ 1 + (1 | plate) + (1 | sample)");
}

TEST(ConditionalVariance, CovariancesAreSymmetricWithTheTableDiagonal) {
  const Fitted& f = fitted("Reaction ~ Days + (Days | Subject)");
  const auto cov = lmm::conditional_covariances(f.model, f.fit);
  const auto rows = lmm::ranef_table(f.model, f.fit);
  ASSERT_EQ(cov.size(), 1u);
  ASSERT_EQ(cov[0].covariance.size(), 18u);
  for (std::size_t l = 0; l < 18; ++l) {
    const Eigen::MatrixXd& v = cov[0].covariance[l];
    EXPECT_LE(std::fabs(v(0, 1) - v(1, 0)), 1e-12 * v.cwiseAbs().maxCoeff());
    EXPECT_EQ(rows[l].condsd, std::sqrt(v(0, 0)));
    EXPECT_EQ(rows[18 + l].condsd, std::sqrt(v(1, 1)));
  }
}

}  // namespace
