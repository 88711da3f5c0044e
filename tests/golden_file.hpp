// The golden files of tests/golden/ (reference values from R, written by tools/reference/), read
// once by each test that uses them.
#pragma once

#include <fstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace lmm::testing {

// The JSON file at `path`, relative to the repository root where the tests run. A missing or
// malformed file throws, which fails the test that reads it.
inline nlohmann::ordered_json read_golden(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open the golden file " + path);
  return nlohmann::ordered_json::parse(in);
}

}  // namespace lmm::testing
