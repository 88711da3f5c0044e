// Models whose criterion is not defined: refused with a message rather than fit to NaN.
#include <gtest/gtest.h>

#include <cmath>

#include "lmm/data_frame.hpp"
#include "lmm/error.hpp"
#include "lmm/linear_mixed_model.hpp"

namespace {

// Found by fuzz_formula: as many fixed effects as observations left REML no residual degrees of
// freedom, and the criterion came out NaN (lme4: "objective in x0 returns NA").
TEST(DegenerateFit, RemlWithoutResidualDegreesOfFreedom) {
  const lmm::DataFrame d = lmm::read_csv_text(
      "y,x,g\n1.2,0.5,a\n2.3,1.5,a\n0.7,2.5,b\n3.1,3.5,b\n2.2,4.5,c\n1.9,5.5,c\n", "test.csv");
  const lmm::LinearMixedModel model("y ~ factor(x) + (1 | g)", d);
  ASSERT_EQ(model.fixef_names().size(), model.nobs());
  EXPECT_EQ(model.objective({1.0}, true), INFINITY);
  try {
    model.fit();
    FAIL() << "no error";
  } catch (const lmm::Error& e) {
    EXPECT_EQ(e.kind(), lmm::ErrorKind::kModel);
    EXPECT_EQ(std::string(e.what()),
              "the REML criterion is not defined: 6 fixed-effects coefficients for 6 observations leave no "
              "residual degrees of freedom");
  }
}

}  // namespace
