// Fits whose data are far from the origin or far from unit scale (issue 18): a constant of 1e4 to
// 1e12 added to the response or to a predictor, a predictor multiplied by 1e-8 or 1e8. Checked
// against lme4's goldens (tests/golden/lme4_numeric_range.json, made by
// tools/reference/lme4_numeric_range.R on tests/data/sim_range.csv) and against the invariance
// that holds in exact arithmetic, which lme4 itself keeps only approximately.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <string>

#include "lmm/confint.hpp"
#include "lmm/lmm.hpp"
#include "lmm/prediction.hpp"
#include "lmm/satterthwaite.hpp"

namespace {

using json = nlohmann::ordered_json;

const json& cases() {
  static const json all = [] {
    std::ifstream in("tests/golden/lme4_numeric_range.json");
    return json::parse(in);
  }();
  return all;
}

double number(const json& v) { return v.is_string() ? std::stod(v.get<std::string>()) : v.get<double>(); }

const lmm::DataFrame& base_data() {
  static const lmm::DataFrame frame = lmm::read_csv("tests/data/sim_range.csv");
  return frame;
}

// The base data with column * scale + shift, in double arithmetic as R computed it; with
// `restore`, the shift is then taken away again, which is exact: the data the shifted fit sees,
// back near the origin.
lmm::DataFrame transformed(const json& c, bool restore) {
  lmm::DataFrame frame = base_data();
  const double shift = number(c["shift"]), scale = number(c["scale"]);
  for (double& v : frame.column(c["column"].get<std::string>()).numbers) {
    v = v * scale + shift;
    if (restore) v -= shift;
  }
  return frame;
}

lmm::FitResult fit(const json& c, bool restore) {
  lmm::FitOptions options;
  options.reml = c["reml"].get<bool>();
  return lmm::fit_lmm(c["formula"].get<std::string>(), transformed(c, restore), options);
}

// lme4's fit of the same model and criterion on the untransformed data.
const json& untransformed(const json& c) {
  for (const json& other : cases())
    if (other["formula"] == c["formula"] && other["reml"] == c["reml"] && number(other["shift"]) == 0.0 &&
        number(other["scale"]) == 1.0)
      return other;
  throw std::logic_error("no untransformed case for " + c["id"].get<std::string>());
}

bool drops_a_column(const json& c) { return c["result"]["fixef"].size() != untransformed(c)["result"]["fixef"].size(); }

// What the untransformed fit implies for the transformed data in exact arithmetic. The REML
// criterion holds log det(X'V^-1 X), which a column scaled by s moves by 2 log s; a shift moves
// nothing but the intercept: by the shift of y, or by -shift * slope for a shifted predictor.
double implied_objective(const json& c, double objective) {
  return c["reml"].get<bool>() ? objective + 2.0 * std::log(number(c["scale"])) : objective;
}
double implied_fixef(const json& c, const std::string& name, const json& fixef) {
  const std::string column = c["column"].get<std::string>();
  const double shift = number(c["shift"]), scale = number(c["scale"]);
  if (name == "(Intercept)" && shift != 0.0)
    return number(fixef[name]) + (column == "y" ? shift : -shift / scale * number(fixef[column]));
  return name == column ? number(fixef[name]) / scale : number(fixef[name]);
}

// To first order, how far rounding the transformed column to doubles (half a unit in the last
// place of each value: 6e-5 at 1e12) can move the objective: its derivative in y_i is
// 2 r_i / sigma^2 at the optimum, and a predictor's rounding moves y's fit by its slope.
double rounding_bound(const json& c, const lmm::FitResult& fit) {
  const lmm::DataFrame data = transformed(c, false);
  const std::string column = c["column"].get<std::string>();
  const auto& values = data.column(column).numbers;
  double slope = 1.0;
  for (std::size_t k = 0; k < fit.fixef_names.size(); ++k)
    if (fit.fixef_names[k] == column) slope = std::fabs(fit.fixef[static_cast<Eigen::Index>(k)]);
  double bound = 0.0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double half_ulp = 0.5 * (std::nextafter(std::fabs(values[i]), HUGE_VAL) - std::fabs(values[i]));
    bound += 2.0 * std::fabs(fit.residuals[static_cast<Eigen::Index>(i)]) * slope * half_ulp;
  }
  return bound / (fit.sigma * fit.sigma);
}

class NumericRange : public ::testing::TestWithParam<std::size_t> {};
class ShiftedData : public ::testing::TestWithParam<std::size_t> {};  // a shift lme4 does not drop

std::vector<std::size_t> shifted_cases() {
  std::vector<std::size_t> out;
  for (std::size_t k = 0; k < cases().size(); ++k)
    if (number(cases()[k]["shift"]) != 0.0 && !drops_a_column(cases()[k])) out.push_back(k);
  return out;
}

// Against lme4's fit of the same data. lme4 forms [X y]'[X y] from the raw columns, so its own
// answer drifts from what the untransformed fit implies (REML criterion 1e-6 relative at y +
// 1e12, with convergence warnings from the noise): the tolerance is that drift, plus what the
// data's rounding can move the objective by (rounding_bound), plus 1e-9 relative. Where lme4
// drops the shifted predictor as collinear with the intercept (1e8 and beyond: its rank
// check's tolerance 1e-7), lmm must drop it too, with lme4's message.
TEST_P(NumericRange, AgreesWithLme4WithinLme4sOwnDrift) {
  const json& c = cases()[GetParam()];
  SCOPED_TRACE(c["id"].get<std::string>());
  const json& ref = c["result"];
  const lmm::FitResult ours = fit(c, false);
  const double lme4 = number(ref["objective"]);
  const double drift = drops_a_column(c) ? 0.0
                                         : std::fabs(lme4 - implied_objective(c, number(untransformed(c)["result"]["objective"])));
  EXPECT_NEAR(ours.objective, lme4, drift + rounding_bound(c, ours) + 1e-9 * std::fabs(lme4));
  std::vector<std::string> names;
  for (auto& [k, v] : ref["fixef"].items()) names.push_back(k);
  ASSERT_EQ(ours.fixef_names, names);
  for (const json& m : ref["messages"]) {
    const std::string text = m.get<std::string>();
    if (text.rfind("Model failed to converge", 0) == 0 || text == "unable to evaluate scaled gradient") continue;
    EXPECT_NE(std::find(ours.messages.begin(), ours.messages.end(), text), ours.messages.end()) << "missing: " << text;
  }
}

// Against what lme4's untransformed fit implies: the objective within 1e-9 relative plus what
// the rounding of the transformed data can move it by (nothing that matters up to 1e8; about
// 1e-6 relative at 1e12, where the rounded data are other data and
// InvariantToTheShiftOnTheSameData checks the arithmetic). Where the rounding is below that
// 1e-9, the estimates too: each fixed effect within 1e-3 of its standard error (the
// intercept's is that of the transformed model), sigma within 1e-5 and theta within 1e-4
// relative (BOBYQA's xtol_rel). lmm stays converged, with none of the warnings lme4's drift made.
TEST_P(NumericRange, AgreesWithTheUntransformedFit) {
  const json& c = cases()[GetParam()];
  SCOPED_TRACE(c["id"].get<std::string>());
  if (drops_a_column(c)) GTEST_SKIP() << "lme4 drops the shifted column: a different model";
  const json& ref = untransformed(c)["result"];
  const lmm::FitResult ours = fit(c, false);
  const double objective = implied_objective(c, number(ref["objective"]));
  const double rounding = rounding_bound(c, ours);
  EXPECT_NEAR(ours.objective, objective, 1e-9 * std::fabs(objective) + rounding);
  EXPECT_TRUE(ours.converged);
  for (const std::string& m : ours.messages) EXPECT_EQ(m.rfind("Model failed to converge", 0), std::string::npos) << m;
  if (rounding > 1e-9 * std::fabs(objective)) return;
  for (std::size_t k = 0; k < ours.fixef_names.size(); ++k) {
    const auto i = static_cast<Eigen::Index>(k);
    EXPECT_NEAR(ours.fixef[i], implied_fixef(c, ours.fixef_names[k], ref["fixef"]), 1e-3 * ours.fixef_se[i])
        << ours.fixef_names[k];
  }
  EXPECT_NEAR(ours.sigma, number(ref["sigma"]), 1e-5 * number(ref["sigma"]));
  const json& theta = ref["theta"];
  ASSERT_EQ(ours.theta.size(), theta.size());
  for (std::size_t k = 0; k < ours.theta.size(); ++k)
    EXPECT_NEAR(ours.theta[k], number(theta[k]), 1e-4 * (1.0 + std::fabs(number(theta[k])))) << "theta " << k;
}

// The shifted fit against lmm's own fit of the same data with the shift taken away again (exact
// in double arithmetic): the objective within 1e-10 relative, sigma within 1e-7. At 1e12 the
// shifted data are the original ones rounded to 1.2e-4, which moves the optimum itself by
// about 1e-6 relative; this comparison holds the data fixed, so it isolates the arithmetic.
TEST_P(ShiftedData, InvariantToTheShiftOnTheSameData) {
  const json& c = cases()[GetParam()];
  SCOPED_TRACE(c["id"].get<std::string>());
  const lmm::FitResult shifted = fit(c, false), restored = fit(c, true);
  EXPECT_NEAR(shifted.objective, restored.objective, 1e-10 * std::fabs(restored.objective));
  EXPECT_NEAR(shifted.sigma, restored.sigma, 1e-7 * restored.sigma);
}

std::string case_name(const ::testing::TestParamInfo<std::size_t>& info) {
  std::string id = cases()[info.param]["id"].get<std::string>();
  for (char& ch : id)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return id;
}

INSTANTIATE_TEST_SUITE_P(Lme4, NumericRange, ::testing::Range<std::size_t>(0, cases().size()), case_name);
INSTANTIATE_TEST_SUITE_P(Lme4, ShiftedData, ::testing::ValuesIn(shifted_cases()), case_name);

}  // namespace

namespace {

// Inference on shifted data against the same on the untransformed data (which the goldens of
// lme4_inference.json and the lmerTest goldens check against R): profile intervals,
// Satterthwaite's tests and predictions carry the shift exactly where the parameters do.
struct Pair {
  lmm::LinearMixedModel model;
  lmm::FitResult fit;
};

Pair fitted_pair(const std::string& formula, const std::string& column, double shift) {
  lmm::DataFrame frame = base_data();
  for (double& v : frame.column(column).numbers) v += shift;
  lmm::LinearMixedModel model(formula, frame);
  lmm::FitResult fit = model.fit();
  return {std::move(model), std::move(fit)};
}

struct Shift {
  const char* column;
  double value;
};

class ShiftedInference : public ::testing::TestWithParam<Shift> {};

// Profile limits of the variance parameters and of the slope: within 1e-6 relative of the
// interval's width (the root finder's tolerance is far below). The intercept is another
// parameter once x is shifted, and carries y's shift: compared so where it is the same one.
TEST_P(ShiftedInference, ProfileIntervalsCarryTheShift) {
  const Shift s = GetParam();
  const Pair base = fitted_pair("y ~ x + (1 | g)", "y", 0.0), shifted = fitted_pair("y ~ x + (1 | g)", s.column, s.value);
  const lmm::ConfintResult a = lmm::confint(base.model, base.fit), b = lmm::confint(shifted.model, shifted.fit);
  ASSERT_EQ(a.intervals.size(), b.intervals.size());
  const bool y_shift = std::string(s.column) == "y";
  for (std::size_t k = 0; k < a.intervals.size(); ++k) {
    const auto& p = a.intervals[k];
    const auto& q = b.intervals[k];
    ASSERT_EQ(p.name, q.name);
    if (p.name == "(Intercept)" && !y_shift) continue;
    const double offset = p.name == "(Intercept)" ? s.value : 0.0;
    const double tol = 1e-6 * (p.upper - p.lower);
    EXPECT_NEAR(q.lower - offset, p.lower, tol) << p.name;
    EXPECT_NEAR(q.upper - offset, p.upper, tol) << p.name;
  }
}

// Satterthwaite's t-tests of the slope: estimate, standard error and degrees of freedom within
// 1e-6 relative; the F test of x likewise.
TEST_P(ShiftedInference, SatterthwaiteTestsAreUnchanged) {
  const Shift s = GetParam();
  const Pair base = fitted_pair("y ~ x + (1 | g)", "y", 0.0), shifted = fitted_pair("y ~ x + (1 | g)", s.column, s.value);
  const lmm::SatterthwaiteResult a = lmm::satterthwaite(base.model, base.fit);
  const lmm::SatterthwaiteResult b = lmm::satterthwaite(shifted.model, shifted.fit);
  const lmm::CoefficientTest& p = a.coefficients[1];
  const lmm::CoefficientTest& q = b.coefficients[1];
  ASSERT_EQ(p.name, "x");
  EXPECT_NEAR(q.estimate, p.estimate, 1e-6 * p.std_error);
  EXPECT_NEAR(q.std_error, p.std_error, 1e-6 * p.std_error);
  EXPECT_NEAR(q.df, p.df, 1e-6 * p.df);
  ASSERT_EQ(a.terms.size(), b.terms.size());
  for (std::size_t k = 0; k < a.terms.size(); ++k) {
    EXPECT_NEAR(b.terms[k].den_df, a.terms[k].den_df, 1e-6 * a.terms[k].den_df) << a.terms[k].term;
    EXPECT_NEAR(b.terms[k].f_value, a.terms[k].f_value, 1e-6 * a.terms[k].f_value) << a.terms[k].term;
  }
}

// Predictions on the data, with and without the random effects: the shifted model's minus the
// shift of y (a shifted x leaves them unchanged), within 1e-6 sigma (the two optimizations stop
// at thetas 1e-8 apart, which moves predictions by about 2e-8) plus the rounding of values near
// the shift (half a unit in its last place).
TEST_P(ShiftedInference, PredictionsCarryTheShift) {
  const Shift s = GetParam();
  const Pair base = fitted_pair("y ~ x + (1 | g)", "y", 0.0), shifted = fitted_pair("y ~ x + (1 | g)", s.column, s.value);
  lmm::DataFrame newdata = base_data();
  for (double& v : newdata.column(s.column).numbers) v += s.value;
  const double y_offset = std::string(s.column) == "y" ? s.value : 0.0;
  const double tol = 1e-6 * base.fit.sigma + std::ldexp(1.0, std::ilogb(s.value) - 53);
  for (const bool with_random : {true, false}) {
    lmm::PredictOptions options;
    options.include_random_effects = with_random;
    const Eigen::VectorXd a = lmm::predict(base.model, base.fit, base_data(), options);
    const Eigen::VectorXd b = lmm::predict(shifted.model, shifted.fit, newdata, options);
    ASSERT_EQ(a.size(), b.size());
    for (Eigen::Index i = 0; i < a.size(); ++i) EXPECT_NEAR(b[i] - y_offset, a[i], tol) << "row " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(NumericRange, ShiftedInference,
                         ::testing::Values(Shift{"y", 1e8}, Shift{"x", 1e6}, Shift{"y", 1e4}),
                         [](const ::testing::TestParamInfo<Shift>& info) {
                           return std::string(info.param.column) + "_plus_1e" +
                                  std::to_string(static_cast<int>(std::lround(std::log10(info.param.value))));
                         });

}  // namespace

namespace {

// Property (issue 18): random small data sets and models, fitted as they are and with a random
// constant of up to 1e8 added to y or to a fixed-effects predictor. Values lie on a grid of
// 2^-10 and the constants are whole multiples of it, so the shifted data are exact: the two
// fits see the same data, and their objectives must agree within 1e-8 relative wherever both
// are defined (the same columns kept; a fit lmm refuses, or a column lme4 would drop, skips).
struct RandomCase {
  std::string formula;
  std::string column;  // shifted
  double shift = 0.0;
  lmm::DataFrame data;
};

double on_grid(double v) { return std::round(v * 1024.0) / 1024.0; }

RandomCase random_case(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> groups(3, 12), size(2, 8), pick(0, 4);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  static const char* const kFormulas[] = {"y ~ x + (1 | g)", "y ~ x + z + (1 | g)", "y ~ x + (z | g)",
                                          "y ~ x * f + (1 | g)", "y ~ x + (1 | g) + (1 | h)"};
  RandomCase c;
  c.formula = kFormulas[pick(rng)];
  const int ng = groups(rng);
  const double x_scale = std::pow(10.0, 3.0 * unit(rng) - 1.0), x_centre = 5.0 * normal(rng);
  const double slope = normal(rng), sd_group = 2.0 * unit(rng);
  std::string csv = "y,x,z,f,g,h\n";
  for (int g = 0; g < ng; ++g) {
    const double bg = sd_group * normal(rng);
    const int rows = size(rng);
    for (int r = 0; r < rows; ++r) {
      const double x = on_grid(x_centre + x_scale * normal(rng)), z = on_grid(normal(rng));
      const double y = on_grid(10.0 + slope * x / x_scale + 0.5 * z + bg + normal(rng));
      csv += fmt::format("{:.17g},{:.17g},{:.17g},{},g{},h{}\n", y, x, z, (g + r) % 2 ? "a" : "b", g, r % 3);
    }
  }
  c.data = lmm::read_csv_text(csv, "random.csv");
  c.column = unit(rng) < 0.5 ? "y" : "x";
  c.shift = std::ldexp(std::round(std::ldexp(std::pow(10.0, 8.0 * unit(rng)), 10)), -10) * (unit(rng) < 0.5 ? -1.0 : 1.0);
  return c;
}

std::optional<lmm::FitResult> try_fit(const std::string& formula, const lmm::DataFrame& data, bool reml) {
  lmm::FitOptions options;
  options.reml = reml;
  try {
    return lmm::fit_lmm(formula, data, options);
  } catch (const lmm::Error&) {
    return std::nullopt;
  }
}

TEST(NumericRangeProperty, ObjectiveIsInvariantToAConstantOnYOrAPredictor) {
  std::mt19937_64 rng(20261202);
  int compared = 0;
  for (int k = 0; k < 400; ++k) {
    RandomCase c = random_case(rng);
    const bool reml = k % 2 == 0;
    SCOPED_TRACE(fmt::format("case {}: {} with {} + {:.17g} ({})", k, c.formula, c.column, c.shift, reml ? "REML" : "ML"));
    const auto base = try_fit(c.formula, c.data, reml);
    for (double& v : c.data.column(c.column).numbers) v += c.shift;
    const auto shifted = try_fit(c.formula, c.data, reml);
    if (!base || !shifted || base->fixef_names != shifted->fixef_names) continue;
    ++compared;
    EXPECT_NEAR(shifted->objective, base->objective, 1e-8 * std::fabs(base->objective));
  }
  EXPECT_GE(compared, 300) << "too few cases were comparable for the property to mean much";
}

}  // namespace
