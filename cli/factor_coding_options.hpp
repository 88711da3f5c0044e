// --levels, --ordered and --contrasts: how the data's factors are coded, as R's factor(levels =),
// ordered() and lmer(contrasts = list(...)) set it.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "lmm/data_frame.hpp"

namespace lmm::cli {

struct FactorCodingOptions {
  std::vector<std::string> levels;     // COL=L1,L2,...
  std::vector<std::string> ordered;    // COL
  std::vector<std::string> contrasts;  // COL=treatment|sum|helmert|poly|SAS

  void add_to(CLI::App& app);
  // Applies --levels, then --ordered, then --contrasts (after --factor). Throws lmm::Error:
  // kUsage for a value without '=' or an unknown contrasts name, kInput for an absent column,
  // a level listed twice, an observed value not listed, or contrasts for a numeric column.
  void apply(DataFrame& frame) const;
  // The columns --levels and --ordered make factors (new data's numbers are factors there too).
  std::vector<std::string> factor_columns() const;
};

}  // namespace lmm::cli
