#include "inference/likelihood_profile.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "lmm/error.hpp"
#include "model/theta_optimizer.hpp"

namespace lmm::internal {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int kMaxSteps = 60;        // outward steps before giving up on a crossing
constexpr int kMaxRefinements = 60;  // root-finding iterations inside a bracket
constexpr double kZetaTolerance = 1e-7;

// The inner optimizations of a profile: a limit is a root of zeta, so each zeta must be exact
// to well below the root-finding tolerance. lme4's settings (ftol_abs 1e-8, xtol_rel 1e-4)
// leave zeta uncertain in the third decimal on flat profiles; these leave it near 1e-6.
FitOptions inner_options() {
  FitOptions o;
  o.ftol_abs = 1e-9;
  o.xtol_abs = 1e-9;
  o.xtol_rel = 1e-8;
  return o;
}

double sign(double x) { return x > 0.0 ? 1.0 : x < 0.0 ? -1.0 : 0.0; }

// All parameters but k, with k set to `value`.
std::vector<double> with_value(const std::vector<double>& others, std::size_t k, double value) {
  std::vector<double> full(others.begin(), others.end());
  full.insert(full.begin() + static_cast<std::ptrdiff_t>(k), value);
  return full;
}

std::vector<double> without(const std::vector<double>& full, std::size_t k) {
  std::vector<double> out = full;
  out.erase(out.begin() + static_cast<std::ptrdiff_t>(k));
  return out;
}

}  // namespace

LikelihoodProfile::LikelihoodProfile(const ModelState& state, const FitResult& ml_fit)
    : deviance_(state), varpar_(state.terms) {
  if (ml_fit.reml) throw Error(ErrorKind::kUsage, "profiles are of the ML deviance: give the ML fit");
  names_ = varpar_.names();
  names_.insert(names_.end(), ml_fit.fixef_names.begin(), ml_fit.fixef_names.end());
  estimates_ = varpar_.from_theta(ml_fit.theta, ml_fit.sigma);
  for (Eigen::Index j = 0; j < ml_fit.fixef.size(); ++j) {
    estimates_.push_back(ml_fit.fixef[j]);
    fixef_se_.push_back(ml_fit.fixef_se[j]);
  }
  theta_hat_ = ml_fit.theta;
  theta_lower_ = deviance_.lower_bounds();
  base_ = ml_fit.objective;
}

double LikelihoodProfile::lower(std::size_t k) const { return k < nvarpar() ? varpar_.lower()[k] : -kInf; }
double LikelihoodProfile::upper(std::size_t k) const { return k < nvarpar() ? varpar_.upper()[k] : kInf; }

double LikelihoodProfile::varpar_deviance(const std::vector<double>& sdcor) {
  const auto theta = varpar_.to_theta(sdcor);
  if (!theta || !deviance_.factor(*theta)) return kInf;
  return deviance_.likelihood().at_sigma(deviance_.cholesky(), sdcor.back(), false);
}

// The ML deviance with beta_j held at `value`, profiled over sigma and the other fixed effects.
double LikelihoodProfile::fixef_deviance(std::size_t j, double value, const std::vector<double>& theta) {
  if (!deviance_.factor(theta)) return kInf;
  return deviance_.likelihood().with_fixed_coefficient(deviance_.cholesky(), static_cast<int>(j), value);
}

std::vector<double> LikelihoodProfile::default_start(std::size_t k) const {
  if (k < nvarpar()) return without(std::vector<double>(estimates_.begin(), estimates_.begin() + static_cast<std::ptrdiff_t>(nvarpar())), k);
  return theta_hat_;
}

ProfilePoint LikelihoodProfile::evaluate(std::size_t k, double value, const std::vector<double>& start) {
  ProfilePoint point;
  point.value = value;
  std::vector<double> x0 = start.empty() ? default_start(k) : start;
  std::vector<double> lo, hi;
  Objective f;
  if (k < nvarpar()) {
    lo = without(varpar_.lower(), k);
    hi = without(varpar_.upper(), k);
    f = [&](const std::vector<double>& others) { return varpar_deviance(with_value(others, k, value)); };
  } else {
    lo = theta_lower_;
    hi.assign(lo.size(), kInf);
    const std::size_t j = k - nvarpar();
    f = [&, j](const std::vector<double>& theta) { return fixef_deviance(j, value, theta); };
  }
  for (std::size_t i = 0; i < x0.size(); ++i) x0[i] = std::clamp(x0[i], lo[i], hi[i]);
  // Initial trust region: NLopt's default is 3/4 of the distance to a bound, so a warm start
  // with a correlation at -0.9999999 (a neighbouring profile point's) would begin with a radius of
  // 1e-7 and stop there at once, 1e-3 above the minimum. A tenth of each parameter's size (at
  // least 0.05, at most a quarter of its range) does not depend on how close the start is to
  // a bound.
  std::vector<double> step(x0.size());
  for (std::size_t i = 0; i < x0.size(); ++i) {
    step[i] = std::max(0.1 * std::abs(x0[i]), 0.05);
    if (std::isfinite(hi[i]) && std::isfinite(lo[i])) step[i] = std::min(step[i], 0.25 * (hi[i] - lo[i]));
  }
  const OptimizerOutcome opt = minimize_bobyqa(f, x0, lo, inner_options(), hi, step);
  point.others = opt.x;
  point.deviance = opt.value;
  point.ok = std::isfinite(opt.value) && opt.value < std::numeric_limits<double>::max();
  const double diff = std::max(0.0, opt.value - base_);
  point.zeta = sign(value - estimates_[k]) * std::sqrt(diff);
  return point;
}

ProfileCrossing LikelihoodProfile::crossing(std::size_t k, double target) {
  ProfileCrossing out;
  const double dir = sign(target);
  const double bound = dir > 0 ? upper(k) : lower(k);
  const double hat = estimates_[k];
  if (hat == bound) {
    out.value = bound;
    out.at_boundary = true;
    return out;
  }
  // First step: a Wald-sized guess for fixed effects, a fraction of the estimate (or of
  // sigma, for a zero standard deviation) for variance parameters, 0.1 for correlations.
  double step;
  if (k >= nvarpar()) step = fixef_se_[k - nvarpar()] * std::abs(target);
  else if (varpar_.is_correlation(k)) step = 0.1;
  else step = hat > 0.0 ? 0.25 * hat : 0.1 * estimates_[nvarpar() - 1];

  ProfilePoint previous;
  previous.value = hat;
  previous.zeta = 0.0;
  previous.others = default_start(k);
  auto clip = [&](double x) { return dir > 0 ? std::min(x, bound) : std::max(x, bound); };

  ProfilePoint current;
  bool bracketed = false;
  for (int s = 0; s < kMaxSteps; ++s) {
    const double x = clip(previous.value + dir * step);
    current = evaluate(k, x, previous.others);
    ++out.evaluations;
    if (!current.ok) {
      out.failed = true;
      out.value = std::numeric_limits<double>::quiet_NaN();
      return out;
    }
    if (dir * current.zeta >= std::abs(target)) {
      bracketed = true;
      break;
    }
    if (x == bound) {
      out.value = bound;
      out.at_boundary = true;
      return out;
    }
    const double rise = dir * (current.zeta - previous.zeta);
    const double run = std::abs(current.value - previous.value);
    double next;
    if (rise <= 0.0) {
      out.non_monotone = true;
      next = 2.0 * run;
    } else {
      // Secant towards the target, overshooting a little so that the next point brackets it;
      // at most ten times the last step.
      next = std::min(10.0 * run, 1.1 * (std::abs(target) - dir * current.zeta) * run / rise);
      next = std::max(next, 1e-3 * run);
    }
    previous = current;
    step = next;
  }
  if (!bracketed) {
    out.failed = true;
    out.value = std::numeric_limits<double>::quiet_NaN();
    return out;
  }
  // Illinois (modified regula falsi) on zeta - target, the root staying between a and b.
  ProfilePoint a = previous, b = current;
  double fa = a.zeta - target, fb = b.zeta - target;
  for (int i = 0; i < kMaxRefinements; ++i) {
    if (std::abs(fb) < kZetaTolerance) break;
    if (std::abs(b.value - a.value) <= 1e-12 * (1.0 + std::abs(b.value))) break;
    const double x = (a.value * fb - b.value * fa) / (fb - fa);
    ProfilePoint c = evaluate(k, x, std::abs(x - a.value) < std::abs(x - b.value) ? a.others : b.others);
    ++out.evaluations;
    const double fc = c.zeta - target;
    if (fc * fb < 0.0) {
      a = b;
      fa = fb;
    } else {
      fa /= 2.0;
    }
    b = std::move(c);
    fb = fc;
  }
  // fa may have been halved by the Illinois step: compare the true residuals.
  if (std::abs(a.zeta - target) < std::abs(b.zeta - target)) b = a;
  out.value = b.value;
  return out;
}

}  // namespace lmm::internal
