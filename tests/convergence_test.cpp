// lme4's convergence diagnostics (deriv12() and checkConv()) against lme4 1.1-31's own: the
// cases of tests/golden/lme4_derivs.json, made by tools/reference/lme4_derivs.R, with the
// tolerance of each check written next to it; and checkConv()'s rules on made-up derivatives.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lmm/lmm.hpp"
#include "model/convergence_check.hpp"
#include "model/model_state.hpp"
#include "model/profiled_deviance.hpp"

namespace lmm {
namespace {

using json = nlohmann::json;
using internal::ThetaDerivatives;

// f at each point of a batch, one after the other.
internal::BatchObjective one_by_one(const internal::Objective& f) {
  return [f](const std::vector<std::vector<double>>& points) {
    std::vector<double> values;
    for (const auto& x : points) values.push_back(f(x));
    return values;
  };
}

const json& derivs_cases() {
  static const json cases = [] {
    std::ifstream in("tests/golden/lme4_derivs.json");
    return json::parse(in);
  }();
  return cases;
}

const json& derivs_case(const std::string& id) {
  for (const json& c : derivs_cases())
    if (c["id"] == id) return c;
  throw std::runtime_error("no case " + id);
}

DataFrame case_data(const json& c) {
  DataFrame frame = read_csv(c["data"].get<std::string>());
  for (const json& j : c["join"]) frame = left_join(frame, read_csv(j["file"].get<std::string>()), j["by"].get<std::string>());
  for (const json& f : c["factors"]) frame.declare_factor(f.get<std::string>());
  if (c.contains("derived"))
    for (const json& d : c["derived"]) {
      Column column = frame.column(d["from"].get<std::string>());
      column.name = d["name"].get<std::string>();
      for (double& v : column.numbers) v *= d["times"].get<double>();
      frame.add(std::move(column));
    }
  return frame;
}

FitOptions case_options(const json& c) {
  FitOptions options;
  options.reml = c["reml"].get<bool>();
  if (c.contains("max_evaluations")) options.max_evaluations = c["max_evaluations"].get<int>();
  return options;
}

Eigen::VectorXd vector_of(const json& j) {
  const auto v = j.get<std::vector<double>>();
  return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

Eigen::MatrixXd matrix_of(const json& rows) {
  Eigen::MatrixXd m(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows.size()));
  for (std::size_t i = 0; i < rows.size(); ++i) m.row(static_cast<Eigen::Index>(i)) = vector_of(rows[i]).transpose();
  return m;
}

std::vector<std::string> strings_of(const json& j) { return j.get<std::vector<std::string>>(); }

// ---- deriv12() at lme4's theta --------------------------------------------------------------

class AtLme4Theta : public ::testing::TestWithParam<std::string> {};

// Our central differences of our objective at lme4's optimum. The objectives agree to about
// 1e-13 relative, but the differences over steps of 1e-4 magnify that: the gradient's error is
// about |f| 1e-13 / 1e-4, the Hessian's |f| 1e-13 / 1e-8. The tolerances below are ten times
// those bounds.
TEST_P(AtLme4Theta, DerivativesAgreeWithLme4) {
  const json& c = derivs_case(GetParam());
  const json& ref = c["result"];
  const LinearMixedModel model(c["formula"].get<std::string>(), case_data(c));
  const bool reml = c["reml"].get<bool>();
  const auto theta = ref["theta"].get<std::vector<double>>();
  const internal::Objective f = [&](const std::vector<double>& t) { return model.objective(t, reml); };
  const double fx = f(theta);
  const double scale = std::fabs(fx);
  EXPECT_NEAR(fx, ref["objective"].get<double>(), 1e-11 * scale);
  const ThetaDerivatives d = internal::central_derivatives(one_by_one(f), theta);
  const Eigen::VectorXd gradient = vector_of(ref["gradient"]);
  const Eigen::MatrixXd hessian = matrix_of(ref["hessian"]);
  for (Eigen::Index i = 0; i < gradient.size(); ++i) EXPECT_NEAR(d.gradient[i], gradient[i], 1e-8 * scale) << i;
  for (Eigen::Index i = 0; i < hessian.rows(); ++i)
    for (Eigen::Index k = 0; k < hessian.cols(); ++k)
      EXPECT_NEAR(d.hessian(i, k), hessian(i, k), 1e-4 * scale) << i << "," << k;
}

INSTANTIATE_TEST_SUITE_P(Lme4, AtLme4Theta,
                         ::testing::Values("sleepstudy_REML", "sleepstudy_ML", "M_base_REML", "M_base_ML", "M17_REML",
                                           "Penicillin_REML", "sleepstudy_maxeval10"));

// The fit spreads deriv12()'s points over threads, each worker with its own copy of the
// deviance: every value must be the one a single evaluation gives, to the last bit.
void expect_points_on_threads_match(const LinearMixedModel& model, bool reml, const std::vector<double>& theta) {
  internal::ProfiledDeviance deviance(model.state());
  const internal::BatchObjective on_threads = [&](const std::vector<std::vector<double>>& points) {
    const std::vector<double> values = deviance.at_points(points, reml, 2, 0.0);  // always on 2 threads
    for (std::size_t i = 0; i < points.size(); ++i) EXPECT_EQ(values[i], model.objective(points[i], reml)) << i;
    return values;
  };
  const ThetaDerivatives threaded = internal::central_derivatives(on_threads, theta);
  const ThetaDerivatives single = internal::central_derivatives(
      one_by_one([&](const std::vector<double>& t) { return model.objective(t, reml); }), theta);
  EXPECT_EQ(threaded.gradient, single.gradient);
  EXPECT_EQ(threaded.hessian, single.hessian);
}

// Chain models (sleepstudy, M17) and a small crossed one (Penicillin), at lme4's optimum.
TEST_P(AtLme4Theta, PointsOnThreadsGiveTheValuesOfOneEvaluation) {
  const json& c = derivs_case(GetParam());
  expect_points_on_threads_match(LinearMixedModel(c["formula"].get<std::string>(), case_data(c)), c["reml"].get<bool>(),
                                 c["result"]["theta"].get<std::vector<double>>());
}

// A dense trailing block large enough to be factored on several threads itself (InstEval's,
// of order 1,145): its points go one after another, each factor on the threads, with the
// values of single evaluations; five points around lme4's start (a full deriv12() here would
// take 38 evaluations of 10 ms).
TEST(CentralDerivatives, PointsWithADenseBlockGiveTheValuesOfOneEvaluation) {
  DataFrame data = read_csv("../shared/data/InstEval.csv");
  for (const char* f : {"s", "d", "dept", "service"}) data.declare_factor(f);
  const LinearMixedModel model("y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept)", data);
  std::vector<std::vector<double>> points(5, model.state().start);
  for (std::size_t i = 1; i < points.size(); ++i) points[i][i % 3] *= 1.0 + 0.1 * static_cast<double>(i);
  internal::ProfiledDeviance deviance(model.state());
  const std::vector<double> values = deviance.at_points(points, true, 2, 0.0);
  for (std::size_t i = 0; i < points.size(); ++i) EXPECT_EQ(values[i], model.objective(points[i], true)) << i;
}

// at_points() evaluates its first point last, on the deviance itself, which then holds the
// factor there: factor() at that point and estimates() read it without factoring again (the
// fit's derivatives start at the optimum, where the estimates are read next), and a factor at
// any other theta is computed.
TEST(CentralDerivatives, DevianceStaysFactoredAtTheFirstPoint) {
  const json& c = derivs_case("sleepstudy_REML");
  const LinearMixedModel model(c["formula"].get<std::string>(), case_data(c));
  internal::ProfiledDeviance deviance(model.state());
  const std::vector<double> theta = c["result"]["theta"].get<std::vector<double>>();
  std::vector<std::vector<double>> points(4, theta);
  for (std::size_t i = 1; i < points.size(); ++i) points[i][i % theta.size()] *= 1.0 + 0.01 * static_cast<double>(i);
  for (const int threads : {1, 2}) {
    const std::vector<double> values = deviance.at_points(points, true, threads, 0.0);
    const std::size_t after = deviance.factorizations();
    ASSERT_TRUE(deviance.factor(points[0]));
    EXPECT_EQ(deviance.factorizations(), after) << threads;
    const internal::ConditionalEstimates at_first = deviance.estimates(points[0], true);
    EXPECT_EQ(deviance.factorizations(), after) << threads;
    EXPECT_EQ(at_first.objective, values[0]) << threads;
    (void)deviance.estimates(points[1], true);
    EXPECT_EQ(deviance.factorizations(), after + 1) << threads;
    EXPECT_EQ(deviance(points[1], true), values[1]) << threads;  // an evaluation always factors
    EXPECT_EQ(deviance.factorizations(), after + 2) << threads;
  }
}

// A fit reads its estimates from the factor its derivatives left at the optimum: they must be
// those of a model factored there afresh, to the bit.
TEST(FitDiagnostics, EstimatesAreThoseOfAFreshFactorAtTheOptimum) {
  for (const char* id : {"sleepstudy_REML", "M17_REML", "Penicillin_REML"}) {
    const json& c = derivs_case(id);
    const DataFrame data = case_data(c);
    const FitResult fit = LinearMixedModel(c["formula"].get<std::string>(), data).fit(case_options(c));
    const LinearMixedModel fresh(c["formula"].get<std::string>(), data);
    const internal::ConditionalEstimates est = internal::ProfiledDeviance(fresh.state()).estimates(fit.theta, fit.reml);
    EXPECT_EQ(fit.objective, est.objective) << id;
    EXPECT_EQ(fit.fixef, est.beta) << id;
    EXPECT_EQ(fit.sigma, est.sigma) << id;
    EXPECT_EQ(fit.fixef_vcov, est.beta_vcov) << id;
  }
}

// ---- whole fits -----------------------------------------------------------------------------

class FitDiagnostics : public ::testing::TestWithParam<std::string> {};

// At our own optimum, which is lme4's to within the optimizer's stopping tolerances: the same
// verdict and messages; the Hessian within 0.5% of lme4's entry (relative to the largest
// entry, since it varies slowly with theta); the gradient, which measures where the optimizer
// stopped, only below the check's tolerance like lme4's.
TEST_P(FitDiagnostics, SameVerdictAsLme4) {
  const json& c = derivs_case(GetParam());
  const json& ref = c["result"];
  const FitResult fit = LinearMixedModel(c["formula"].get<std::string>(), case_data(c)).fit(case_options(c));
  ASSERT_FALSE(ref["singular"].get<bool>());
  EXPECT_TRUE(fit.converged);
  EXPECT_TRUE(fit.messages.empty());
  const Eigen::MatrixXd hessian = matrix_of(ref["hessian"]);
  ASSERT_EQ(fit.theta_hessian.rows(), hessian.rows());
  const double largest = hessian.cwiseAbs().maxCoeff();
  EXPECT_LT((fit.theta_hessian - hessian).cwiseAbs().maxCoeff(), 5e-3 * largest);
  EXPECT_LT(fit.max_scaled_gradient, 2e-3);
  EXPECT_LT(ref["max_scaled_gradient"].get<double>(), 2e-3);
}

INSTANTIATE_TEST_SUITE_P(Lme4, FitDiagnostics,
                         ::testing::Values("sleepstudy_REML", "sleepstudy_ML", "M_base_REML", "M_base_ML", "M17_REML",
                                           "Penicillin_REML"));

// The number in "max|grad| = <number> (tol" and the message with it cut out.
std::pair<double, std::string> split_gradient_message(const std::string& m) {
  const std::string before = "max|grad| = ", after = " (tol";
  const auto start = m.find(before), end = m.find(after);
  if (start == std::string::npos || end == std::string::npos) return {NAN, m};
  const auto number = start + before.size();
  return {std::stod(m.substr(number, end - number)), m.substr(0, number) + "#" + m.substr(end)};
}

// Stopped by the evaluation limit at lme4's tenth evaluation: the same theta, nloptwrap's code
// 5 and checkConv()'s gradient warning. The scaled gradient solves with a Hessian of central
// differences over 1e-8, where our objective's last-bit differences from lme4's (1e-14
// relative) move it by about 2e-6 relative: the printed six digits may differ in the last, so
// the number is compared within 1e-5 relative and the rest of the text exactly.
TEST(FitDiagnostics, EvaluationLimitFailsTheGradientCheck) {
  const json& c = derivs_case("sleepstudy_maxeval10");
  const json& ref = c["result"];
  const FitResult fit = LinearMixedModel(c["formula"].get<std::string>(), case_data(c)).fit(case_options(c));
  EXPECT_FALSE(fit.converged);
  EXPECT_EQ(fit.theta, ref["theta"].get<std::vector<double>>());
  EXPECT_EQ(fit.optimizer_code, ref["optimizer_code"].get<int>());
  const double expected = ref["max_scaled_gradient"].get<double>();
  EXPECT_NEAR(fit.max_scaled_gradient, expected, 1e-5 * expected);
  const auto [ours, ours_text] = split_gradient_message(fit.messages.back());
  const auto [theirs, theirs_text] = split_gradient_message(strings_of(ref["messages"]).back());
  EXPECT_EQ(ours_text, theirs_text);
  EXPECT_NEAR(ours, theirs, 1e-5 * theirs);
  // lme4's summary() ends with .prt.warn()'s lines:
  //   optimizer (nloptwrap) convergence code: 5 (NLOPT_MAXEVAL_REACHED: ...)
  //   Model failed to converge with max|grad| = 0.460266 (tol = 0.002, component 1)
  const std::string text = summary_text(fit);
  const std::string code_line =
      "optimizer (nloptwrap) convergence code: 5 (NLOPT_MAXEVAL_REACHED: Optimization stopped because maxeval "
      "(above) was reached.)\n";
  const std::string tail = code_line + fit.messages.back() + "\n\n";
  ASSERT_GE(text.size(), tail.size());
  EXPECT_EQ(text.substr(text.size() - tail.size()), tail);
  EXPECT_EQ(fit.messages.back().rfind("Model failed to converge with max|grad| = 0.46026", 0), 0u);
}

// A predictor scaled by 1000: lme4 warns on the gradient and twice on the Hessian. On this
// badly scaled surface where BOBYQA stops depends on rounding (ours stops at a lower REML
// criterion than lme4's), so the gradient's size is not compared, only that it fails.
TEST(FitDiagnostics, BadlyScaledPredictorFailsTheChecks) {
  const json& c = derivs_case("sleepstudy_days1000");
  const json& ref = c["result"];
  const FitResult fit = LinearMixedModel(c["formula"].get<std::string>(), case_data(c)).fit(case_options(c));
  EXPECT_FALSE(fit.converged);
  EXPECT_EQ(fit.optimizer_code, 0);
  EXPECT_LE(fit.objective, ref["objective"].get<double>());
  EXPECT_GT(fit.max_scaled_gradient, 2e-3);
  std::vector<std::string> checks, expected;
  for (const std::string& m : fit.messages)
    if (m.rfind("Model", 0) == 0) checks.push_back(split_gradient_message(m).second);
  for (const std::string& m : strings_of(ref["messages"])) expected.push_back(split_gradient_message(m).second);
  EXPECT_EQ(checks, expected);
  // lme4's summary() ends with its check.scaleX warning and .prt.warn()'s lines (the gradient's
  // size aside).
  std::string tail = "fit warnings:\nSome predictor variables are on very different scales: consider rescaling\n"
                     "optimizer (nloptwrap) convergence code: 0 (OK)\n";
  for (const std::string& m : fit.messages)
    if (m.rfind("Model", 0) == 0) tail += m + "\n";
  tail += "\n";
  const std::string text = summary_text(fit);
  ASSERT_GE(text.size(), tail.size());
  EXPECT_EQ(text.substr(text.size() - tail.size()), tail);
}

// ---- checkConv()'s rules --------------------------------------------------------------------

ThetaDerivatives made_up(Eigen::VectorXd g, Eigen::MatrixXd h) { return {std::move(g), std::move(h)}; }

TEST(CheckConvergence, PassesASmallScaledGradient) {
  const auto d = internal::check_convergence(made_up(Eigen::Vector2d(1e-3, -1e-3), Eigen::Matrix2d{{4, 1}, {1, 3}}), 2e-3, 1e-6);
  EXPECT_TRUE(d.messages.empty());
  // R: g <- c(1e-3, -1e-3); H <- matrix(c(4, 1, 1, 3), 2); max(pmin(abs(solve(chol(H), g)), abs(g)))
  EXPECT_NEAR(d.max_scaled_gradient, 6.5075567228888183e-04, 1e-15);
}

TEST(CheckConvergence, LargeGradientNamesComponentOne) {
  const auto d = internal::check_convergence(made_up(Eigen::Vector2d(0.01, 0.5), Eigen::Matrix2d{{1, 0}, {0, 1}}), 2e-3, 1e-6);
  ASSERT_EQ(d.messages.size(), 1u);
  EXPECT_EQ(d.messages[0], "Model failed to converge with max|grad| = 0.5 (tol = 0.002, component 1)");
}

TEST(CheckConvergence, NegativeEigenvalue) {
  const auto d = internal::check_convergence(made_up(Eigen::Vector2d(0, 0), Eigen::Matrix2d{{1, 0}, {0, -2}}), 2e-3, 1e-6);
  EXPECT_EQ(d.messages, (std::vector<std::string>{"unable to evaluate scaled gradient",
                                                   "Model failed to converge: degenerate  Hessian with 1 negative eigenvalues"}));
}

TEST(CheckConvergence, SingularHessian) {
  const auto d = internal::check_convergence(made_up(Eigen::Vector2d(0, 0), Eigen::Matrix2d{{1, 1}, {1, 1}}), 2e-3, 1e-6);
  EXPECT_EQ(d.messages, (std::vector<std::string>{
                            "unable to evaluate scaled gradient",
                            " Hessian is numerically singular: parameters are not uniquely determined"}));
}

TEST(CheckConvergence, LargeEigenvalueAndRatio) {
  const auto d = internal::check_convergence(made_up(Eigen::Vector2d(0, 0), Eigen::Matrix2d{{1e7, 0}, {0, 1}}), 2e-3, 1e-6);
  EXPECT_EQ(d.messages, (std::vector<std::string>{
                            "Model is nearly unidentifiable: very large eigenvalue\n - Rescale variables?",
                            "Model is nearly unidentifiable: large eigenvalue ratio\n - Rescale variables?"}));
}

TEST(CheckConvergence, MissingGradient) {
  const auto d = internal::check_convergence(made_up(Eigen::Vector2d(NAN, 0), Eigen::Matrix2d{{1, 0}, {0, 1}}), 2e-3, 1e-6);
  EXPECT_EQ(d.messages, (std::vector<std::string>{"Gradient contains NAs"}));
}

// deriv12()'s formulas are exact for a quadratic up to rounding.
TEST(CentralDerivatives, ExactOnAQuadratic) {
  const internal::Objective f = [](const std::vector<double>& x) {
    return 3 * x[0] * x[0] + 2 * x[0] * x[1] + x[1] * x[1] - x[0];
  };
  const std::vector<double> x = {0.5, -0.25};
  const ThetaDerivatives d = internal::central_derivatives(one_by_one(f), x);
  EXPECT_NEAR(d.gradient[0], 6 * 0.5 + 2 * -0.25 - 1, 1e-9);
  EXPECT_NEAR(d.gradient[1], 2 * 0.5 + 2 * -0.25, 1e-9);
  EXPECT_NEAR(d.hessian(0, 0), 6, 1e-5);
  EXPECT_NEAR(d.hessian(0, 1), 2, 1e-5);
  EXPECT_NEAR(d.hessian(1, 0), 2, 1e-5);
  EXPECT_NEAR(d.hessian(1, 1), 2, 1e-5);
}

// Singular fits skip the checks (lme4 returns after its singular message), derivatives or not.
TEST(FitDiagnostics, SingularFitSkipsTheChecks) {
  const FitResult fit = fit_lmm("Yield ~ 1 + (1 | Batch)", read_csv("../shared/data/Dyestuff2.csv"));
  EXPECT_TRUE(fit.singular);
  EXPECT_TRUE(fit.converged);
  EXPECT_EQ(fit.theta_gradient.size(), 1);
  EXPECT_TRUE(std::isnan(fit.max_scaled_gradient));
}

TEST(FitDiagnostics, DerivativesCanBeSkipped) {
  FitOptions options;
  options.calc_derivatives = false;
  const FitResult fit = fit_lmm("Yield ~ 1 + (1 | Batch)", read_csv("../shared/data/Dyestuff.csv"), options);
  EXPECT_EQ(fit.theta_gradient.size(), 0);
  EXPECT_TRUE(fit.converged);
}

}  // namespace
}  // namespace lmm
