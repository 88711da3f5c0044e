// REML fits of the reference scripts' formulas, shared by the tests of one executable, and the
// relative difference the comparisons with lme4 use.
#pragma once

#include <cmath>
#include <map>
#include <memory>
#include <string>

#include "lmm/lmm.hpp"
#include "seed_data.hpp"

namespace lmm::testing {

struct Fitted {
  lmm::LinearMixedModel model;
  lmm::FitResult fit;
};

// One REML fit per formula, on the data set the reference script fitted it to.
inline const Fitted& fitted(const std::string& formula) {
  static std::map<std::string, std::unique_ptr<Fitted>> cache;
  auto& slot = cache[formula];
  if (!slot) {
    lmm::LinearMixedModel model(formula, data_for(formula));
    lmm::FitResult fit = model.fit();
    slot = std::make_unique<Fitted>(Fitted{std::move(model), std::move(fit)});
  }
  return *slot;
}

inline double relative_difference(double got, double want) { return std::fabs(got - want) / std::fabs(want); }

}  // namespace lmm::testing
