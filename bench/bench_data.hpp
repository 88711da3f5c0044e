// bench_data.hpp: a benchmark case's data, loaded as `lmm fit --data --join --by --factor` loads it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "lmm/data_frame.hpp"

namespace lmm::bench {

struct DataSpec {
  std::string data;                                 // CSV of observations
  std::vector<std::pair<std::string, std::string>> joins;  // (CSV, key) left-joined in order
  std::vector<std::string> factors;                 // numeric-coded columns made factors
};

// read_csv, then left_join each join table on its key, then declare_factor each factor column,
// in the CLI's order. Throws lmm::Error as the CLI would.
DataFrame load(const DataSpec& spec);

// Splits "a,b,c" into its non-empty fields.
std::vector<std::string> split_list(const std::string& text);

}  // namespace lmm::bench
