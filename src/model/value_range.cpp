#include "model/value_range.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "data/level_order.hpp"
#include "lmm/error.hpp"
#include "util/excerpt.hpp"

namespace lmm::internal {

using Eigen::Index;

double largest_usable_magnitude() { return std::sqrt(std::numeric_limits<double>::max()); }
double smallest_usable_magnitude() { return std::sqrt(std::numeric_limits<double>::min()); }

namespace {

// Refuses the first entry of `values` beyond the usable range, and a column whose every value
// is so small that its square underflows (lme4 drifts there, and errors from about 1e-300 on);
// `what` names the variable.
void check_entries(const Eigen::Ref<const Eigen::VectorXd>& values, const std::string& what, const ModelFrame& frame) {
  if (values.size() == 0) return;
  const double largest = values.cwiseAbs().maxCoeff();  // one vectorized pass; the scans below only on refusal
  const bool too_large = largest > largest_usable_magnitude();
  const bool too_small = largest > 0.0 && largest < smallest_usable_magnitude();
  if (!too_large && !too_small) return;
  auto data_row = [&](Index i) { return std::to_string(frame.data_rows[static_cast<std::size_t>(i)] + 1); };
  if (too_large) {
    Index i = 0;
    while (!(std::fabs(values[i]) > largest_usable_magnitude())) ++i;
    throw Error(ErrorKind::kInput,
                what + " has the value " + r_number_label(values[i]) + " in data row " + data_row(i) +
                    ", too large to fit: its square overflows a double (magnitudes up to 1.3e154 can be used)");
  }
  Index i = 0;
  while (i + 1 < values.size() && std::fabs(values[i]) != largest) ++i;
  throw Error(ErrorKind::kInput, what + " is too small to fit: its largest magnitude, " + r_number_label(values[i]) +
                                     " in data row " + data_row(i) +
                                     ", has a square that underflows a double (rescale it; magnitudes from 1.5e-154 can be used)");
}

std::string quoted(const std::string& name) { return "'" + excerpt(name) + "'"; }

}  // namespace

void check_value_range(const ModelDesign& m, const Eigen::VectorXd& y) {
  check_entries(y, "the response " + quoted(m.spec.response_name), m.frame);
  for (Index j = 0; j < m.x.matrix.cols(); ++j)
    check_entries(m.x.matrix.col(j), "fixed-effects column " + quoted(m.x.names[static_cast<std::size_t>(j)]), m.frame);
  for (const RandomEffectsTerm& t : m.terms)
    for (Index j = 0; j < t.z.cols(); ++j)
      check_entries(t.z.col(j), "random-effects column " + quoted(t.names[static_cast<std::size_t>(j)]) + " of the '" +
                                    excerpt(t.group) + "' term", m.frame);
}

void check_response_varies(const ModelState& m) {
  if (m.y.size() == 0) return;
  const std::string name = quoted(m.spec.response_name);
  if ((m.y.array() == m.y[0]).all())
    throw Error(ErrorKind::kModel, "the response " + name + " is constant (every value is " + r_number_label(m.y[0]) +
                                       "): a mixed model needs a response that varies");
  if (m.crossproducts->exact_fit)
    throw Error(ErrorKind::kModel, "the fixed effects fit the response " + name +
                                       " exactly (every residual is rounding error): no variation is left for a mixed model");
}

void check_estimates_finite(const FitResult& fit) {
  std::string what;
  if (!std::isfinite(fit.objective)) what = "objective";
  else if (!std::isfinite(fit.sigma)) what = "residual standard deviation";
  for (std::size_t k = 0; what.empty() && k < fit.theta.size(); ++k)
    if (!std::isfinite(fit.theta[k])) what = "theta[" + std::to_string(k + 1) + "]";
  for (Index k = 0; what.empty() && k < fit.fixef.size(); ++k)
    if (!std::isfinite(fit.fixef[k]) || !std::isfinite(fit.fixef_se[k]))
      what = "fixed effect " + quoted(fit.fixef_names[static_cast<std::size_t>(k)]);
  if (what.empty()) return;
  throw Error(ErrorKind::kModel, "the fit ended with a non-finite " + what +
                                     ": the data's range defeats double precision (rescale the variables)");
}

}  // namespace lmm::internal
