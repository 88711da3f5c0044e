// lmm's starting theta against lme4's (tests/golden/lme4_start.json, made by
// tools/reference/lme4_start.R): the variances of the response's group means where every term is
// an intercept on its own grouping factor, 1 and 0 elsewhere (and where that would not be
// positive: Pastes, whose nested factors' group-mean variances exceed var(y)).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "lmm/lmm.hpp"
#include "model/model_state.hpp"

namespace {

using json = nlohmann::ordered_json;

const json& start_cases() {
  static const json cases = [] {
    std::ifstream in("tests/golden/lme4_start.json");
    return json::parse(in);
  }();
  return cases;
}

class Lme4Start : public ::testing::TestWithParam<std::size_t> {};

TEST_P(Lme4Start, MatchesLme4) {
  const json& c = start_cases()[GetParam()];
  SCOPED_TRACE(c["id"].get<std::string>() + ": " + c["formula"].get<std::string>());
  lmm::DataFrame data = lmm::read_csv(c["data"].get<std::string>());
  for (const json& j : c["join"])
    data = lmm::left_join(data, lmm::read_csv(j["file"].get<std::string>()), j["by"].get<std::string>());
  for (const json& f : c["factors"]) data.declare_factor(f.get<std::string>());
  const lmm::LinearMixedModel model(c["formula"].get<std::string>(), data);
  const std::vector<double>& got = model.state().start;
  const auto want = c["start"].get<std::vector<double>>();
  ASSERT_EQ(got.size(), want.size());
  // Both sides sum in long double as R's mean() and var() do; what is left is the order of the
  // sums and the conversions: a few ulps.
  for (std::size_t k = 0; k < want.size(); ++k) EXPECT_NEAR(got[k], want[k], 1e-14 * want[k]) << "theta " << k;
}

INSTANTIATE_TEST_SUITE_P(Lme4, Lme4Start, ::testing::Range<std::size_t>(0, 13),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
  return start_cases()[info.param]["id"].get<std::string>();
});

TEST(Lme4Start, EveryGoldenCaseIsInstantiated) { EXPECT_EQ(start_cases().size(), 13u); }

}  // namespace
