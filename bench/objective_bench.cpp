// objective_bench: the cost of one evaluation of the profiled REML criterion, by number of
// observations, for (1|g1) + (1|g2) at fixed levels (1000 x 200; bench/data/crossed_n*_l1k.csv).
//
//   objective_bench --data-dir DIR [Google Benchmark flags, e.g. --benchmark_format=csv]
//
// Each case is loaded, built and fitted once (outside the timing); the benchmark then calls
// LinearMixedModel::objective at the fitted theta. Google Benchmark here, unlike lmm_bench: one
// evaluation is short (microseconds to milliseconds), so its calibrated iteration counts and
// repetition statistics are what a stable number needs. Counters: n, levels (of g1 and g2),
// evaluations of the fit, s_per_obs (time per evaluation / n: flat when an evaluation grows with
// n, falling as 1/n when it does not), and the sparsity that a blocked Cholesky factorization
// works on: pairs (distinct (g1, g2) combinations, the nonzeros of Z1'Z2) and pair_products
// (sum over levels of g1 of k(k+1)/2, k its number of distinct g2 levels: the entries of the
// downdate L21 L21' of the trailing block).
#include <benchmark/benchmark.h>

#include <iostream>
#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench_data.hpp"
#include "lmm/linear_mixed_model.hpp"

namespace {

struct FittedCase {
  lmm::LinearMixedModel model;
  std::vector<double> theta;
  int evaluations = 0;
  double pairs = 0;
  double pair_products = 0;
};

// Distinct (g1, g2) combinations, and the sum over g1 levels of k(k+1)/2.
std::pair<double, double> crossing_pattern(const lmm::DataFrame& data) {
  const auto& g1 = data.column("g1").numbers;
  const auto& g2 = data.column("g2").numbers;
  std::vector<std::pair<std::int64_t, std::int64_t>> pairs(g1.size());
  for (std::size_t i = 0; i < g1.size(); ++i)
    pairs[i] = {static_cast<std::int64_t>(g1[i]), static_cast<std::int64_t>(g2[i])};
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  double products = 0;
  for (std::size_t i = 0; i < pairs.size();) {
    std::size_t j = i;
    while (j < pairs.size() && pairs[j].first == pairs[i].first) ++j;
    const double k = static_cast<double>(j - i);
    products += k * (k + 1) / 2;
    i = j;
  }
  return {static_cast<double>(pairs.size()), products};
}

std::string data_dir = "bench/data";

const FittedCase& fitted(const std::string& file) {
  static std::map<std::string, std::unique_ptr<FittedCase>> cache;
  auto& slot = cache[file];
  if (!slot) {
    const lmm::DataFrame data = lmm::bench::load({data_dir + "/" + file, {}, {}});
    lmm::LinearMixedModel model("y ~ 1 + (1 | g1) + (1 | g2)", data);
    const lmm::FitResult fit = model.fit();
    const auto [pairs, products] = crossing_pattern(data);
    slot.reset(new FittedCase{std::move(model), fit.theta, fit.evaluations, pairs, products});
  }
  return *slot;
}

void objective_at_fit(benchmark::State& state, const std::string& file, int levels1, int levels2) {
  const FittedCase& c = fitted(file);
  for (auto _ : state) benchmark::DoNotOptimize(c.model.objective(c.theta, true));
  const double n = static_cast<double>(c.model.nobs());
  state.counters["n"] = n;
  state.counters["levels1"] = levels1;
  state.counters["levels2"] = levels2;
  state.counters["fit_evaluations"] = c.evaluations;
  state.counters["pairs"] = c.pairs;
  state.counters["pair_products"] = c.pair_products;
  state.counters["s_per_obs"] =
      benchmark::Counter(n, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--data-dir" && i + 1 < argc) {
      data_dir = argv[++i];
    } else {
      std::cerr << "usage: objective_bench --data-dir DIR [--benchmark_... flags]\n";
      return 2;
    }
  }
  const std::vector<std::pair<std::string, long>> cases = {
      {"crossed_n10k_l1k.csv", 10000}, {"crossed_n100k_l1k.csv", 100000}, {"crossed_n1m_l1k.csv", 1000000},
      {"crossed_n3m_l1k.csv", 3000000}};
  for (const auto& [file, n] : cases) {
    benchmark::RegisterBenchmark(("objective/n:" + std::to_string(n)).c_str(), objective_at_fit, file, 1000, 200)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->Repetitions(5)
        ->ReportAggregatesOnly(true);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
