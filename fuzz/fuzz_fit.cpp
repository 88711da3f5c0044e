// Fuzzes a whole fit on tiny data. The input's first line is the formula, the rest a CSV file:
//
//   y ~ x + (x | g)
//   y,x,g
//   1.5,0,a
//   ...
//
// The model is fit by REML with a small evaluation limit, then reported as the CLI reports it
// (summary, JSON, ranef and coef tables, predictions on the same data, lmerTest's tests).
// lmm::Error is the library's verdict on bad input; anything else (another exception, a crash,
// a sanitizer report, a broken invariant) is a bug.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "lmm/lmm.hpp"
#include "lmm/satterthwaite.hpp"

namespace {

// Keeps one input well under a second with ASan: the derivatives and lmerTest's Hessian take
// O(k^2) objective evaluations for k variance parameters.
constexpr std::size_t kMaxTheta = 6;
constexpr std::size_t kMaxFixef = 40;

void check_fit(const lmm::LinearMixedModel& model, const lmm::FitResult& fit) {
  LMM_FUZZ_CHECK(fit.nobs == static_cast<int>(model.nobs()));
  LMM_FUZZ_CHECK(fit.theta.size() == model.theta_size());
  LMM_FUZZ_CHECK(static_cast<std::size_t>(fit.fixef.size()) == fit.fixef_names.size());
  LMM_FUZZ_CHECK(fit.fixef_se.size() == fit.fixef.size());
  LMM_FUZZ_CHECK(fit.fitted.size() == fit.nobs && fit.residuals.size() == fit.nobs);
  const std::vector<double> lower = model.theta_lower_bounds();
  for (std::size_t i = 0; i < fit.theta.size(); ++i) LMM_FUZZ_CHECK(!(fit.theta[i] < lower[i]));
}

void report(const lmm::LinearMixedModel& model, const lmm::FitResult& fit, const lmm::DataFrame& data) {
  LMM_FUZZ_CHECK(!lmm::summary_text(fit).empty());
  LMM_FUZZ_CHECK(!lmm::fit_json(fit).empty());
  (void)fit.scaled_residual_quantiles();
  const auto rows = lmm::ranef_table(model, fit);
  (void)lmm::ranef_csv(rows);
  (void)lmm::coef_json(lmm::coef(fit));
  const Eigen::VectorXd predicted = lmm::predict(model, fit, data);
  LMM_FUZZ_CHECK(predicted.size() == static_cast<Eigen::Index>(data.rows()));
  const lmm::SatterthwaiteResult tests = lmm::satterthwaite(model, fit);
  LMM_FUZZ_CHECK(!lmm::satterthwaite_summary_text(fit, tests).empty());
  (void)lmm::satterthwaite_anova_json(tests);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(bytes), size);
  const std::size_t newline = input.find('\n');
  if (newline == std::string::npos) return 0;
  const std::string formula = input.substr(0, newline);
  const std::string csv = input.substr(newline + 1);
  try {
    const lmm::DataFrame data = lmm::read_csv_text(csv, "fuzz.csv");
    const lmm::LinearMixedModel model(formula, data);
    if (model.theta_size() > kMaxTheta || model.fixef_names().size() > kMaxFixef) return 0;
    lmm::FitOptions options;
    options.max_evaluations = 60;
    options.max_restarts = 1;
    const lmm::FitResult fit = model.fit(options);
    check_fit(model, fit);
    report(model, fit, data);
  } catch (const lmm::Error&) {
  }
  return 0;
}
