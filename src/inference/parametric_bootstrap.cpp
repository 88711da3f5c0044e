// parametric_bootstrap(): y* = X beta + offset + sigma (Z Lambda u + W^-1/2 e) with u, e standard
// normal, refit,
// keep lme4's bootstrap statistics (sdcor values, sigma, fixed effects).
#include <boost/math/distributions/normal.hpp>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <limits>
#include <mutex>
#include <sstream>

#include "util/parallel.hpp"
#include "inference/variance_parameters.hpp"
#include "lmm/bootstrap.hpp"
#include "lmm/error.hpp"
#include "model/model_state.hpp"

namespace lmm {
namespace {

// SplitMix64: turns (seed, replicate) into well-separated generator seeds.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Boost's generator and normal distribution (not std::): their output is specified, so the
// replicates are the same with every standard library.
Eigen::VectorXd simulate_response(const internal::ModelState& state, const FitResult& fit,
                                  const std::vector<Eigen::MatrixXd>& factors, std::uint64_t seed) {
  boost::random::mt19937_64 rng(seed);
  boost::random::normal_distribution<double> normal;
  Eigen::VectorXd y = state.x.matrix * fit.fixef;
  Eigen::VectorXd noise = Eigen::VectorXd::Zero(y.size());
  for (std::size_t t = 0; t < state.terms.size(); ++t) {
    const internal::RandomEffectsTerm& term = state.terms[t];
    Eigen::MatrixXd b(term.q(), term.nlevels());
    for (int l = 0; l < term.nlevels(); ++l) {
      Eigen::VectorXd u(term.q());
      for (int k = 0; k < term.q(); ++k) u[k] = normal(rng);
      b.col(l) = factors[t] * u;
    }
    for (Eigen::Index i = 0; i < y.size(); ++i) noise[i] += term.z.row(i).dot(b.col(term.codes[static_cast<std::size_t>(i)]));
  }
  const Eigen::VectorXd& w = state.design->weights;  // residual variances sigma^2 / w_i
  for (Eigen::Index i = 0; i < y.size(); ++i) noise[i] += normal(rng) / (w.size() > 0 ? std::sqrt(w[i]) : 1.0);
  if (state.design->offset.size() > 0) y += state.design->offset;  // a response as the data give it
  return y + fit.sigma * noise;
}

}  // namespace

BootstrapResult parametric_bootstrap(const LinearMixedModel& model, const FitResult& fit,
                                     const BootstrapOptions& options) {
  if (options.nsim < 1) throw Error(ErrorKind::kUsage, "the bootstrap needs nsim >= 1");
  if (options.threads < 0) throw Error(ErrorKind::kUsage, "threads must be >= 0");
  const internal::ModelState& state = model.state();
  const internal::VarianceParameters varpar(state.terms);
  BootstrapResult out;
  out.seed = options.seed;
  out.names = varpar.names();
  out.names.insert(out.names.end(), fit.fixef_names.begin(), fit.fixef_names.end());
  out.replicates.setConstant(options.nsim, static_cast<Eigen::Index>(out.names.size()),
                             std::numeric_limits<double>::quiet_NaN());
  const std::vector<Eigen::MatrixXd> factors = internal::relative_factors(state.terms, fit.theta);

  FitOptions refit;
  refit.reml = fit.reml;
  refit.start = fit.theta;
  refit.calc_derivatives = false;  // replicates keep parameters only; checkConv() would be unused
  std::mutex progress_mutex;
  int done = 0, failures = 0;
  const int workers = internal::worker_count(options.threads, options.nsim);
  internal::parallel_for(options.nsim, workers, [&](int i, int) {
    const Eigen::VectorXd y = simulate_response(state, fit, factors, mix(options.seed ^ mix(static_cast<std::uint64_t>(i))));
    bool ok = true;
    try {
      const FitResult f = model.with_response(y).fit(refit);
      const std::vector<double> s = varpar.from_theta(f.theta, f.sigma);
      for (std::size_t k = 0; k < s.size(); ++k) out.replicates(i, static_cast<Eigen::Index>(k)) = s[k];
      for (Eigen::Index j = 0; j < f.fixef.size(); ++j)
        out.replicates(i, static_cast<Eigen::Index>(s.size()) + j) = f.fixef[j];
    } catch (const Error&) {
      ok = false;  // the row stays NaN; counted below
    }
    std::lock_guard<std::mutex> lock(progress_mutex);
    ++done;
    if (!ok) ++failures;
    if (options.progress) options.progress(done, options.nsim);
  });
  out.failures = failures;
  return out;
}

std::pair<double, double> percentile_interval(std::vector<double> t, double level) {
  std::erase_if(t, [](double v) { return !std::isfinite(v); });
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (t.empty()) return {nan, nan};
  std::sort(t.begin(), t.end());
  const auto r = static_cast<double>(t.size());
  const boost::math::normal standard;
  auto limit = [&](double alpha) {
    const double rk = (r + 1.0) * alpha;
    const double k = std::trunc(rk);
    if (k <= 0.0) return t.front();
    if (k >= r) return t.back();
    const auto ki = static_cast<std::size_t>(k);
    if (k == rk) return t[ki - 1];
    const double z = boost::math::quantile(standard, alpha);
    const double zk = boost::math::quantile(standard, k / (r + 1.0));
    const double zk1 = boost::math::quantile(standard, (k + 1.0) / (r + 1.0));
    return t[ki - 1] + (z - zk) / (zk1 - zk) * (t[ki] - t[ki - 1]);
  };
  const double a = (1.0 - level) / 2.0;
  return {limit(a), limit(1.0 - a)};
}

std::string bootstrap_csv(const BootstrapResult& result) {
  std::ostringstream out;
  out.precision(17);
  for (std::size_t k = 0; k < result.names.size(); ++k) out << (k ? "," : "") << '"' << result.names[k] << '"';
  out << "\n";
  for (Eigen::Index i = 0; i < result.replicates.rows(); ++i) {
    for (Eigen::Index k = 0; k < result.replicates.cols(); ++k) {
      if (k) out << ',';
      const double v = result.replicates(i, k);
      if (std::isfinite(v)) out << v;
      else out << "NA";
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace lmm
