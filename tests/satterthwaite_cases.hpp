// The lmerTest golden cases (tests/golden/lme4_inference.json key "satterthwaite", from
// tools/reference/lme4_inference.R), each fitted and tested once per test executable.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "lmm/satterthwaite.hpp"
#include "seed_data.hpp"

namespace lmm::testing {

inline const nlohmann::json& golden(const std::string& id) {
  for (const nlohmann::json& c : inference_goldens()["satterthwaite"])
    if (c["id"] == id) return c;
  throw std::runtime_error("no satterthwaite golden " + id);
}

// A golden case fitted and tested once, shared by the tests of that case.
struct Case {
  lmm::LinearMixedModel model;
  lmm::FitResult fit;
  lmm::SatterthwaiteResult tests;
};

inline const Case& fitted(const std::string& id) {
  static std::map<std::string, std::unique_ptr<Case>> cache;
  auto it = cache.find(id);
  if (it != cache.end()) return *it->second;
  const nlohmann::json& c = golden(id);
  const std::string formula = c["formula"];
  lmm::LinearMixedModel model(formula, data_for(formula));
  lmm::FitOptions options;
  options.reml = c["reml"].get<bool>();
  lmm::FitResult fit = model.fit(options);
  lmm::SatterthwaiteResult tests = lmm::satterthwaite(model, fit);
  auto made = std::make_unique<Case>(Case{std::move(model), std::move(fit), std::move(tests)});
  return *cache.emplace(id, std::move(made)).first->second;
}

}  // namespace lmm::testing
