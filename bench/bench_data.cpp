#include "bench_data.hpp"

#include "lmm/error.hpp"

namespace lmm::bench {

DataFrame load(const DataSpec& spec) {
  DataFrame frame = read_csv(spec.data);
  for (const auto& [file, key] : spec.joins) frame = left_join(frame, read_csv(file), key);
  for (const std::string& name : spec.factors) {
    if (!frame.has(name)) throw Error(ErrorKind::kInput, "--factor: no column named '" + name + "' in the data");
    frame.declare_factor(name);
  }
  return frame;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::string field;
  for (char c : text) {
    if (c == ',') {
      if (!field.empty()) out.push_back(field);
      field.clear();
    } else {
      field += c;
    }
  }
  if (!field.empty()) out.push_back(field);
  return out;
}

}  // namespace lmm::bench
