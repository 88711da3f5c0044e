// The shared data sets as the reference scripts in tools/reference/ read them, for tests that
// compare with lme4 and lmerTest on the seed models.
#pragma once

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "lmm/lmm.hpp"

namespace lmm::testing {

inline const std::string kSharedData = "../shared/data/";

// Data sets by the names the reference scripts use: mathach (joined with the school table,
// himinty a factor), classroom (classid, schoolid, classid2 factors), sleepstudy (Subject a
// factor), cake (replicate a factor), Dyestuff, Penicillin.
inline const DataFrame& seed_data(const std::string& name) {
  static std::map<std::string, DataFrame> cache;
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  DataFrame d;
  if (name == "mathach") {
    d = left_join(read_csv(kSharedData + "mathachieve.csv"), read_csv(kSharedData + "mathachieveschool.csv"), "school");
    d.declare_factor("himinty");
  } else if (name == "classroom") {
    d = read_csv(kSharedData + "classroom.csv");
    for (const char* f : {"classid", "schoolid", "classid2"}) d.declare_factor(f);
  } else if (name == "sleepstudy") {
    d = read_csv(kSharedData + "sleepstudy.csv");
    d.declare_factor("Subject");
  } else if (name == "cake") {
    d = read_csv(kSharedData + "cake.csv");
    d.declare_factor("replicate");
  } else {
    d = read_csv(kSharedData + name + ".csv");
  }
  return cache.emplace(name, std::move(d)).first->second;
}

// The data set a reference formula was fitted to, recognized by its response.
inline const DataFrame& data_for(const std::string& formula) {
  const std::string response = formula.substr(0, formula.find('~'));
  if (response.find("mathach") == 0) return seed_data("mathach");
  if (response.find("mathscore") == 0) return seed_data("classroom");
  if (response.find("Reaction") == 0) return seed_data("sleepstudy");
  if (response.find("angle") == 0) return seed_data("cake");
  if (response.find("Yield") == 0) return seed_data("Dyestuff");
  return seed_data("Penicillin");
}

inline const nlohmann::json& inference_goldens() {
  static const nlohmann::json j = nlohmann::json::parse(std::ifstream("tests/golden/lme4_inference.json"));
  return j;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace lmm::testing
