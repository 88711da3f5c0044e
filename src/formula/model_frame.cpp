#include "formula/model_frame.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

#include "data/level_order.hpp"
#include "lmm/error.hpp"
#include "util/excerpt.hpp"

namespace lmm::internal {
namespace {

[[noreturn]] void fail_var(const Expression& e, const std::string& what, ErrorKind kind = ErrorKind::kFormula) {
  throw Error(kind, "formula term " + quote(deparse(e)) + ": " + what);
}

void check_finite(const RawVariable& raw, const Expression& e) {
  if (raw.var.is_factor) return;
  for (std::size_t i = 0; i < raw.var.values.size(); ++i) {
    if (!raw.missing[i] && !std::isfinite(raw.var.values[i]))
      fail_var(e,
               "non-finite value (" + r_number_label(raw.var.values[i]) + ") in data row " + std::to_string(i + 1) +
                   " (a missing value is written NA or left empty)",
               ErrorKind::kInput);
  }
}

// Keeps the given rows and drops factor levels that no longer occur (drop.unused.levels = TRUE).
Variable subset(const RawVariable& raw, const std::vector<std::size_t>& rows) {
  Variable v;
  v.name = raw.var.name;
  v.is_factor = raw.var.is_factor;
  v.ordered = raw.var.ordered;
  v.contrasts = raw.var.contrasts;
  v.keep_levels = raw.var.keep_levels;
  if (!v.is_factor) {
    v.values.reserve(rows.size());
    for (std::size_t r : rows) v.values.push_back(raw.var.values[r]);
    return v;
  }
  std::vector<int> used(raw.var.levels.size(), v.keep_levels ? 0 : -1);
  for (std::size_t r : rows) used[raw.var.codes[r]] = 0;
  for (std::size_t k = 0; k < used.size(); ++k) {
    if (used[k] < 0) continue;
    used[k] = static_cast<int>(v.levels.size());
    v.levels.push_back(raw.var.levels[k]);
  }
  v.codes.reserve(rows.size());
  for (std::size_t r : rows) v.codes.push_back(used[raw.var.codes[r]]);
  return v;
}

// The interaction of several factors: levels ordered with the first factor varying slowest, as
// R's a:b does, keeping only combinations that occur. One factor is its own grouping (subset()
// has already dropped its unused levels).
GroupingFactor make_grouping(const std::string& name, std::vector<Variable> parts) {
  GroupingFactor g;
  g.name = name;
  if (parts.size() == 1) {
    g.levels = std::move(parts.front().levels);
    g.codes = std::move(parts.front().codes);
    return g;
  }
  const std::size_t n = parts.front().codes.size();
  // Each observation's combination as one mixed-radix number, the first factor most
  // significant: numeric order is the order of the levels.
  std::uint64_t radix = 1;
  for (const Variable& p : parts) {
    const auto size = static_cast<std::uint64_t>(std::max<std::size_t>(1, p.levels.size()));
    if (radix > std::numeric_limits<std::uint64_t>::max() / size)
      throw Error(ErrorKind::kModel, "grouping factor " + quote(name) + " has too many level combinations");
    radix *= size;
  }
  std::vector<std::uint64_t> key(n, 0);
  for (const Variable& p : parts) {
    const auto size = static_cast<std::uint64_t>(std::max<std::size_t>(1, p.levels.size()));
    for (std::size_t i = 0; i < n; ++i) key[i] = key[i] * size + static_cast<std::uint64_t>(p.codes[i]);
  }
  std::vector<std::uint64_t> occurring;
  if (radix <= 4 * n + 1024) {
    // Few combinations: mark them in a table.
    std::vector<std::uint8_t> seen(radix, 0);
    for (std::uint64_t k : key) seen[k] = 1;
    for (std::uint64_t k = 0; k < radix; ++k)
      if (seen[k]) occurring.push_back(k);
  } else {
    occurring = key;
    std::sort(occurring.begin(), occurring.end());
    occurring.erase(std::unique(occurring.begin(), occurring.end()), occurring.end());
  }
  for (std::uint64_t k : occurring) {
    std::vector<int> codes(parts.size());
    for (std::size_t j = parts.size(); j-- > 0;) {
      const auto size = static_cast<std::uint64_t>(std::max<std::size_t>(1, parts[j].levels.size()));
      codes[j] = static_cast<int>(k % size);
      k /= size;
    }
    std::string label;
    for (std::size_t j = 0; j < parts.size(); ++j)
      label += (j ? ":" : "") + parts[j].levels[static_cast<std::size_t>(codes[j])];
    g.levels.push_back(std::move(label));
  }
  g.codes.resize(n);
  if (radix <= 4 * n + 1024) {
    std::vector<int> code_of(radix, -1);
    for (std::size_t l = 0; l < occurring.size(); ++l) code_of[occurring[l]] = static_cast<int>(l);
    for (std::size_t i = 0; i < n; ++i) g.codes[i] = code_of[key[i]];
  } else {
    for (std::size_t i = 0; i < n; ++i)
      g.codes[i] = static_cast<int>(std::lower_bound(occurring.begin(), occurring.end(), key[i]) - occurring.begin());
  }
  return g;
}

}  // namespace

namespace {

// A column named by --weights or --offset: numeric, finite where present.
RawVariable named_column(const std::string& name, const char* option, const DataFrame& data) {
  if (!data.has(name))
    throw Error(ErrorKind::kInput, std::string(option) + ": no column named " + quote(name) + " in the data" + did_you_mean(data, name));
  RawVariable raw = evaluate_variable(make_name(name), data, false);
  if (raw.var.is_factor)
    throw Error(ErrorKind::kInput, std::string(option) + ": column " + quote(name) + " is text (a factor); it must be numeric");
  check_finite(raw, make_name(name));
  return raw;
}

// lme4 refuses negative prior weights; a zero weight leaves log(w) = -inf in its criterion.
void check_weights(const std::vector<double>& w, const std::vector<std::size_t>& rows, const std::string& name) {
  for (std::size_t k = 0; k < w.size(); ++k)
    if (!(w[k] > 0.0))
      throw Error(ErrorKind::kInput, "--weights: column " + quote(name) + " has " + (w[k] < 0.0 ? "a negative" : "a zero") +
                                         " weight (" + r_number_label(w[k]) + ") in data row " + std::to_string(rows[k] + 1) +
                                         "; prior weights must be positive");
}

}  // namespace

ModelFrame build_model_frame(const FormulaSpec& spec, const DataFrame& data, const FrameColumns& columns) {
  const std::size_t n = data.rows();
  std::vector<std::uint8_t> incomplete(n, 0);
  auto use = [&](const Expression& e, bool factor) {
    RawVariable raw = evaluate_variable(e, data, false);
    check_finite(raw, e);  // a numeric grouping variable too, before it becomes a factor
    if (factor) raw = as_factor(std::move(raw));
    for (std::size_t i = 0; i < n; ++i) incomplete[i] |= raw.missing[i];
    return raw;
  };
  RawVariable response = use(spec.response, false);
  if (response.var.is_factor)
    fail_var(spec.response, "the response is text (a factor)" + because_of(spec.response, data) +
                                "; a linear mixed model needs a numeric response");
  std::vector<RawVariable> fixed;
  for (const Expression& e : spec.fixed.variables) fixed.push_back(use(e, false));
  std::vector<std::vector<RawVariable>> effects(spec.random.size()), groups(spec.random.size());
  for (std::size_t t = 0; t < spec.random.size(); ++t) {
    for (const Expression& e : spec.random[t].effects.variables) effects[t].push_back(use(e, false));
    for (const Expression& e : spec.random[t].group) groups[t].push_back(use(e, true));
  }

  std::vector<RawVariable> offsets;
  for (const Expression& e : spec.offsets) {
    offsets.push_back(use(e, false));
    if (offsets.back().var.is_factor) fail_var(e, "an offset must be numeric, not text (a factor)");
  }
  auto use_column = [&](const std::string& name, const char* option) {
    RawVariable raw = named_column(name, option, data);
    for (std::size_t i = 0; i < n; ++i) incomplete[i] |= raw.missing[i];
    return raw;
  };
  if (!columns.offset.empty()) offsets.push_back(use_column(columns.offset, "--offset"));
  std::optional<RawVariable> weights;
  if (!columns.weights.empty()) weights = use_column(columns.weights, "--weights");

  ModelFrame frame;
  for (std::size_t i = 0; i < n; ++i)
    if (!incomplete[i]) frame.data_rows.push_back(i);
  frame.nobs = frame.data_rows.size();
  frame.dropped = n - frame.nobs;
  if (frame.nobs == 0)
    throw Error(ErrorKind::kInput, "no complete observations: every one of the " + std::to_string(n) +
                                       " rows has a missing value in a variable of the model");
  frame.response = subset(response, frame.data_rows).values;
  for (const RawVariable& raw : fixed) frame.fixed.push_back(subset(raw, frame.data_rows));
  for (std::size_t t = 0; t < spec.random.size(); ++t) {
    std::vector<Variable> vars, parts;
    for (const RawVariable& raw : effects[t]) vars.push_back(subset(raw, frame.data_rows));
    for (const RawVariable& raw : groups[t]) parts.push_back(subset(raw, frame.data_rows));
    frame.effects.push_back(std::move(vars));
    frame.groups.push_back(make_grouping(spec.random[t].group_name, std::move(parts)));
  }
  if (weights) {
    frame.weights = subset(*weights, frame.data_rows).values;
    check_weights(frame.weights, frame.data_rows, columns.weights);
  }
  if (!offsets.empty()) frame.offset.assign(frame.nobs, 0.0);
  for (const RawVariable& raw : offsets) {
    const std::vector<double> values = subset(raw, frame.data_rows).values;
    for (std::size_t k = 0; k < frame.nobs; ++k) frame.offset[k] += values[k];
  }
  return frame;
}

}  // namespace lmm::internal
