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

// ave(y, f): each observation's group mean (R's mean() per group).
Eigen::VectorXd group_means(const RandomEffectsTerm& t, const Eigen::VectorXd& y) {
  std::vector<Eigen::VectorXd> groups(static_cast<std::size_t>(t.nlevels()));
  std::vector<Eigen::Index> count(static_cast<std::size_t>(t.nlevels()), 0);
  for (int c : t.codes) ++count[static_cast<std::size_t>(c)];
  for (std::size_t l = 0; l < groups.size(); ++l) groups[l].resize(count[l]);
  std::fill(count.begin(), count.end(), 0);
  for (std::size_t i = 0; i < t.codes.size(); ++i) {
    const auto l = static_cast<std::size_t>(t.codes[i]);
    groups[l][count[l]++] = y[static_cast<Eigen::Index>(i)];
  }
  std::vector<double> mean(groups.size());
  for (std::size_t l = 0; l < groups.size(); ++l) mean[l] = static_cast<double>(mean_of(groups[l]));
  Eigen::VectorXd out(y.size());
  for (std::size_t i = 0; i < t.codes.size(); ++i)
    out[static_cast<Eigen::Index>(i)] = mean[static_cast<std::size_t>(t.codes[i])];
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
