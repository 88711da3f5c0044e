#include "formula/new_data_frame.hpp"

#include <algorithm>
#include <unordered_map>

#include "data/level_order.hpp"
#include "lmm/error.hpp"
#include "util/excerpt.hpp"

namespace lmm::internal {
namespace {

// Every column an expression reads (names other than the constants TRUE, FALSE, NA and pi;
// function and argument names are not columns).
void require_columns(const Expression& e, const DataFrame& newdata) {
  if (e.kind == Expression::Kind::kName && !newdata.has(e.text) && !is_constant_name(e, newdata))
    throw Error(ErrorKind::kInput, "newdata has no column " + quote(e.text) + ", which the model uses" +
                                       did_you_mean(newdata, e.text));
  const bool contrasts_call = e.kind == Expression::Kind::kCall && e.text == "C";  // C(f, sum): sum is no column
  for (std::size_t k = 0; k < (contrasts_call ? std::min<std::size_t>(1, e.args.size()) : e.args.size()); ++k)
    require_columns(e.args[k], newdata);
}

RawVariable evaluate_on(const Expression& e, const DataFrame& newdata, bool as_factor) {
  require_columns(e, newdata);
  return evaluate_variable(e, newdata, as_factor);
}

std::string label_of(const RawVariable& raw, std::size_t row) {
  return raw.var.is_factor ? raw.var.levels[raw.var.codes[row]] : r_number_label(raw.var.values[row]);
}

std::unordered_map<std::string, int> index_of(const std::vector<std::string>& levels) {
  std::unordered_map<std::string, int> index;
  for (std::size_t k = 0; k < levels.size(); ++k) index.emplace(levels[k], static_cast<int>(k));
  return index;
}

}  // namespace

std::vector<Variable> new_data_variables(const TermList& terms, const std::vector<Variable>& fitted,
                                         const DataFrame& newdata, std::vector<std::uint8_t>& missing) {
  const std::size_t n = newdata.rows();
  std::vector<Variable> out;
  for (std::size_t v = 0; v < terms.variables.size(); ++v) {
    const Variable& model = fitted[v];
    RawVariable raw = evaluate_on(terms.variables[v], newdata, false);
    for (std::size_t i = 0; i < n; ++i) missing[i] |= raw.missing[i];
    Variable var;
    var.name = model.name;
    var.is_factor = model.is_factor;
    var.ordered = model.ordered;
    var.contrasts = model.contrasts;  // the model's coding, whatever newdata's columns say
    if (!model.is_factor) {
      if (raw.var.is_factor)
        throw Error(ErrorKind::kInput, "newdata column " + quote(model.name) +
                                           " is text (a factor), but the model was fit with it as a number");
      var.values = std::move(raw.var.values);
      out.push_back(std::move(var));
      continue;
    }
    // model.frame(xlev = ...): factor(x, levels = <fitted levels>), and a value outside them is
    // an error ("factor x has new level ...").
    const auto index = index_of(model.levels);
    var.levels = model.levels;
    var.codes.assign(n, -1);
    for (std::size_t i = 0; i < n; ++i) {
      if (raw.missing[i]) continue;
      const std::string label = label_of(raw, i);
      const auto it = index.find(label);
      if (it == index.end())
        throw Error(ErrorKind::kInput, "newdata row " + std::to_string(i + 1) + ": factor " + quote(model.name) +
                                           " has new level " + quote(label) + ", not among the " +
                                           std::to_string(model.levels.size()) + " levels the model was fit with");
      var.codes[i] = it->second;
    }
    out.push_back(std::move(var));
  }
  return out;
}

NewGrouping new_data_grouping(const RandomTermSpec& term, const GroupingFactor& fitted, const DataFrame& newdata) {
  const std::size_t n = newdata.rows();
  NewGrouping g;
  g.labels.assign(n, "");
  g.missing.assign(n, 0);
  for (std::size_t j = 0; j < term.group.size(); ++j) {
    const RawVariable part = evaluate_on(term.group[j], newdata, true);
    for (std::size_t i = 0; i < n; ++i) {
      if (part.missing[i]) {
        g.missing[i] = 1;
        continue;
      }
      if (j > 0) g.labels[i] += ":";
      g.labels[i] += label_of(part, i);
    }
  }
  const auto index = index_of(fitted.levels);
  g.codes.assign(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    if (g.missing[i]) {
      g.labels[i] = "NA";
      continue;
    }
    const auto it = index.find(g.labels[i]);
    if (it != index.end()) g.codes[i] = it->second;
  }
  return g;
}

}  // namespace lmm::internal
