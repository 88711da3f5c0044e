#include "model/start_values.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <set>
#include <string>

namespace lmm::internal {
namespace {

// R's mean(): a long double sum, then a second pass that corrects it.
long double mean_of(const Eigen::VectorXd& v) {
  const auto n = static_cast<long double>(v.size());
  long double s = 0.0L;
  for (double x : v) s += x;
  s /= n;
  long double t = 0.0L;
  for (double x : v) t += x - s;
  return s + t / n;
}

// R's var() of one vector: deviations from its mean, squared and summed in long double, over n - 1.
double variance_of(const Eigen::VectorXd& v) {
  const long double m = mean_of(v);
  long double s = 0.0L;
  for (double x : v) s += (x - m) * (x - m);
  return static_cast<double>(s / static_cast<long double>(v.size() - 1));
}

// ave(y, f): each observation's group mean, as R's mean() of each group's values in their
// order: a long double sum divided by the count, then the mean deviation added. All groups are
// accumulated in one pass over the observations (each group's operations in the same order as
// R's), so the passes read y in order rather than gathering each group's values first.
Eigen::VectorXd group_means(const RandomEffectsTerm& t, const Eigen::VectorXd& y) {
  const auto levels = static_cast<std::size_t>(t.nlevels());
  std::vector<long double> sum(levels, 0.0L), deviation(levels, 0.0L), count(levels, 0.0L);
  const std::size_t n = t.codes.size();
  for (std::size_t i = 0; i < n; ++i) {
    const auto l = static_cast<std::size_t>(t.codes[i]);
    sum[l] += y[static_cast<Eigen::Index>(i)];
    count[l] += 1.0L;
  }
  for (std::size_t l = 0; l < levels; ++l) sum[l] /= count[l];
  for (std::size_t i = 0; i < n; ++i) {
    const auto l = static_cast<std::size_t>(t.codes[i]);
    deviation[l] += y[static_cast<Eigen::Index>(i)] - sum[l];
  }
  std::vector<double> mean(levels);
  for (std::size_t l = 0; l < levels; ++l) mean[l] = static_cast<double>(sum[l] + deviation[l] / count[l]);
  Eigen::VectorXd out(y.size());
  for (std::size_t i = 0; i < n; ++i) out[static_cast<Eigen::Index>(i)] = mean[static_cast<std::size_t>(t.codes[i])];
  return out;
}

}  // namespace

std::optional<std::vector<double>> intercept_variance_start(const std::vector<RandomEffectsTerm>& terms,
                                                            const Eigen::VectorXd& y) {
  std::set<std::string> factors;
  for (const RandomEffectsTerm& t : terms) {
    if (t.q() != 1 || t.names.size() != 1 || t.names[0] != "(Intercept)") return std::nullopt;
    factors.insert(t.group);
  }
  if (terms.empty() || factors.size() != terms.size() || y.size() < 2) return std::nullopt;
  std::vector<double> v;
  long double explained = 0.0L;  // R's sum()
  for (const RandomEffectsTerm& t : terms) {
    v.push_back(variance_of(group_means(t, y)));
    explained += v.back();
  }
  const double residual = variance_of(y) - static_cast<double>(explained);
  if (!(residual > 0.0)) return std::nullopt;  // NaN included
  for (double& x : v) x = std::sqrt(x / residual);
  return v;
}

}  // namespace lmm::internal
