// model.matrix(): R's column names, order and treatment-contrast coding.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "formula/model_frame.hpp"
#include "formula/model_matrix.hpp"
#include "formula/term_expansion.hpp"
#include "lmm/data_frame.hpp"
#include "lmm/error.hpp"

namespace {

using namespace lmm::internal;

const lmm::DataFrame& data() {
  static const lmm::DataFrame d = lmm::read_csv_text(
      "y,x,z,f,h,g\n1,0.5,2,a,u,g1\n2,1.5,3,b,v,g1\n3,2.5,1,c,u,g2\n4,3.5,5,a,v,g2\n5,4.5,4,b,u,g3\n6,5.5,6,c,v,g3\n",
      "test.csv");
  return d;
}

DesignMatrix fixed_matrix(const std::string& formula) {
  const FormulaSpec spec = analyze_formula(formula);
  const ModelFrame frame = build_model_frame(spec, data());
  return model_matrix(spec.fixed, frame.fixed, frame.nobs);
}

std::vector<std::string> names(const std::string& formula) { return fixed_matrix(formula).names; }

TEST(ModelMatrix, TreatmentContrastsWithIntercept) {
  EXPECT_EQ(names("y ~ x + f + (1 | g)"), (std::vector<std::string>{"(Intercept)", "x", "fb", "fc"}));
}

TEST(ModelMatrix, FullDummyCodingWithoutIntercept) {
  EXPECT_EQ(names("y ~ 0 + f + x + (1 | g)"), (std::vector<std::string>{"fa", "fb", "fc", "x"}));
  EXPECT_EQ(names("y ~ x + f - 1 + (1 | g)"), (std::vector<std::string>{"x", "fa", "fb", "fc"}));
}

TEST(ModelMatrix, InteractionsFirstVariableFastest) {
  EXPECT_EQ(names("y ~ f * h + (1 | g)"),
            (std::vector<std::string>{"(Intercept)", "fb", "fc", "hv", "fb:hv", "fc:hv"}));
  EXPECT_EQ(names("y ~ f * x + (1 | g)"),
            (std::vector<std::string>{"(Intercept)", "fb", "fc", "x", "fb:x", "fc:x"}));
}

TEST(ModelMatrix, FactorInInteractionWithoutMainEffectGetsIndicators) {
  // R's rule: f in x:f is coded by contrasts only if x (the term without f) is in the model.
  EXPECT_EQ(names("y ~ x:f + (1 | g)"), (std::vector<std::string>{"(Intercept)", "x:fa", "x:fb", "x:fc"}));
  EXPECT_EQ(names("y ~ x + x:f + (1 | g)"), (std::vector<std::string>{"(Intercept)", "x", "x:fb", "x:fc"}));
}

TEST(ModelMatrix, AssignMapsColumnsToTerms) {
  // attr(model.matrix(~ f * x), "assign") and attr(model.matrix(~ 0 + f + x:f), "assign")
  EXPECT_EQ(fixed_matrix("y ~ f * x + (1 | g)").assign, (std::vector<int>{0, 1, 1, 2, 3, 3}));
  EXPECT_EQ(fixed_matrix("y ~ 0 + f + x:f + (1 | g)").assign, (std::vector<int>{1, 1, 1, 2, 2, 2}));
}

TEST(ModelMatrix, ValuesOfArithmeticAndIndicators) {
  const DesignMatrix m = fixed_matrix("y ~ I(x^2) + log(z) + f + (1 | g)");
  ASSERT_EQ(m.names, (std::vector<std::string>{"(Intercept)", "I(x^2)", "log(z)", "fb", "fc"}));
  EXPECT_DOUBLE_EQ(m.matrix(1, 1), 2.25);
  EXPECT_DOUBLE_EQ(m.matrix(2, 2), 0.0);
  EXPECT_DOUBLE_EQ(m.matrix(1, 3), 1.0);
  EXPECT_DOUBLE_EQ(m.matrix(1, 4), 0.0);
}

TEST(ModelMatrix, TextResponseIsAnError) {
  try {
    fixed_matrix("f ~ x + (1 | g)");
    FAIL() << "no error";
  } catch (const lmm::Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "formula term 'f': the response is text (a factor); a linear mixed model needs a numeric response");
  }
}

TEST(ModelMatrix, UnknownColumnIsNamed) {
  try {
    fixed_matrix("y ~ nosuch + (1 | g)");
    FAIL() << "no error";
  } catch (const lmm::Error& e) {
    EXPECT_EQ(std::string(e.what()), "formula term 'nosuch': no column named 'nosuch' in the data");
  }
}

// Found fuzzing fits: a NaN in a numeric grouping column became a level with another level's
// rows. Like any numeric variable of the model, it is an error naming the row.
TEST(ModelMatrix, NonFiniteGroupingValueIsAnError) {
  const lmm::DataFrame d = lmm::read_csv_text("y,g\n1,1\n2,NaN\n3,2\n4,1\n5,2\n", "test.csv");
  try {
    build_model_frame(analyze_formula("y ~ 1 + (1 | g)"), d);
    FAIL() << "no error";
  } catch (const lmm::Error& e) {
    EXPECT_EQ(e.kind(), lmm::ErrorKind::kInput);
    EXPECT_EQ(std::string(e.what()),
              "formula term 'g': non-finite value (NaN) in data row 2 (a missing value is written NA or left empty)");
  }
}

}  // namespace
