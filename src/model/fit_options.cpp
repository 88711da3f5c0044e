#include <algorithm>
#include <cmath>

#include "lmm/fit_options.hpp"
#include "lmm/fit_result.hpp"

namespace lmm {

const char* to_string(Optimizer optimizer) {
  return optimizer == Optimizer::kNelderMead ? "nelder-mead" : "bobyqa";
}

bool optimizer_from_string(const std::string& name, Optimizer* optimizer) {
  for (Optimizer o : {Optimizer::kBobyqa, Optimizer::kNelderMead}) {
    if (name != to_string(o)) continue;
    *optimizer = o;
    return true;
  }
  return false;
}

namespace {

bool nelder_mead(const FitOptions& o) { return o.optimizer == Optimizer::kNelderMead; }

}  // namespace

double FitOptions::ftol_abs_or_default() const { return ftol_abs.value_or(nelder_mead(*this) ? 1e-5 : 1e-8); }
double FitOptions::xtol_abs_or_default() const { return xtol_abs.value_or(nelder_mead(*this) ? 1e-5 : 1e-8); }
double FitOptions::xtol_rel_or_default() const { return xtol_rel.value_or(nelder_mead(*this) ? 1e-7 : 1e-4); }
int FitOptions::max_evaluations_or_default() const { return max_evaluations.value_or(nelder_mead(*this) ? 10000 : 100000); }

bool FitOptions::IsValid(std::string* error) const {
  auto bad = [&](const std::string& what) {
    if (error) *error = what;
    return false;
  };
  if (optimizer != Optimizer::kBobyqa && optimizer != Optimizer::kNelderMead)
    return bad("optimizer must be bobyqa or nelder-mead");
  if (!(ftol_abs_or_default() >= 0.0) || std::isinf(ftol_abs_or_default())) return bad("ftol_abs must be finite and >= 0");
  if (!(xtol_abs_or_default() >= 0.0) || std::isinf(xtol_abs_or_default())) return bad("xtol_abs must be finite and >= 0");
  if (!(xtol_rel_or_default() >= 0.0) || std::isinf(xtol_rel_or_default())) return bad("xtol_rel must be finite and >= 0");
  if (max_restarts < 0) return bad("max_restarts must be >= 0");
  if (max_evaluations_or_default() < 1) return bad("max_evaluations must be >= 1");
  if (!(singular_tolerance >= 0.0)) return bad("singular_tolerance must be >= 0");
  if (!(boundary_tolerance >= 0.0)) return bad("boundary_tolerance must be >= 0");
  if (!(gradient_tolerance >= 0.0)) return bad("gradient_tolerance must be >= 0");
  if (!(hessian_tolerance >= 0.0)) return bad("hessian_tolerance must be >= 0");
  return true;
}

std::vector<double> FitResult::scaled_residual_quantiles() const {
  std::vector<double> r(residuals.data(), residuals.data() + residuals.size());
  for (std::size_t i = 0; i < r.size(); ++i)
    r[i] *= (weights.size() > 0 ? std::sqrt(weights[static_cast<Eigen::Index>(i)]) : 1.0) / sigma;
  std::sort(r.begin(), r.end());
  std::vector<double> out;
  if (r.empty()) return out;
  for (double p : {0.0, 0.25, 0.5, 0.75, 1.0}) {
    const double h = (static_cast<double>(r.size()) - 1.0) * p;
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, r.size() - 1);
    out.push_back(r[lo] + (h - static_cast<double>(lo)) * (r[hi] - r[lo]));
  }
  return out;
}

}  // namespace lmm
