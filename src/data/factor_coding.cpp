// A factor's levels, order and contrasts, as R's factor(levels =), ordered() and contrasts<-
// set them.
#include <map>
#include <unordered_map>

#include "data/level_order.hpp"
#include "lmm/data_frame.hpp"
#include "lmm/error.hpp"
#include "util/excerpt.hpp"

namespace lmm {
namespace {

const std::map<std::string, Contrasts>& contrasts_names() {
  static const std::map<std::string, Contrasts> names = {
      {"treatment", Contrasts::kTreatment}, {"contr.treatment", Contrasts::kTreatment},
      {"sum", Contrasts::kSum},             {"contr.sum", Contrasts::kSum},
      {"helmert", Contrasts::kHelmert},     {"contr.helmert", Contrasts::kHelmert},
      {"poly", Contrasts::kPoly},           {"contr.poly", Contrasts::kPoly},
      {"SAS", Contrasts::kSAS},             {"contr.SAS", Contrasts::kSAS}};
  return names;
}

// Each row's value as text: a factor's label, or a number as R's as.character() writes it.
std::vector<std::string> labels_of(const Column& c) {
  std::vector<std::string> labels(c.size());
  for (std::size_t i = 0; i < c.size(); ++i)
    if (!c.is_missing(i)) labels[i] = c.is_factor() ? c.levels[static_cast<std::size_t>(c.codes[i])] : internal::r_number_label(c.numbers[i]);
  return labels;
}

}  // namespace

std::optional<Contrasts> contrasts_from_name(const std::string& name) {
  const auto it = contrasts_names().find(name);
  if (it == contrasts_names().end()) return std::nullopt;
  return it->second;
}

std::string contrasts_name(Contrasts contrasts) {
  switch (contrasts) {
    case Contrasts::kDefault: return "default";
    case Contrasts::kTreatment: return "contr.treatment";
    case Contrasts::kSum: return "contr.sum";
    case Contrasts::kHelmert: return "contr.helmert";
    case Contrasts::kPoly: return "contr.poly";
    case Contrasts::kSAS: return "contr.SAS";
  }
  return "default";
}

void DataFrame::set_levels(const std::string& name, const std::vector<std::string>& levels) {
  Column& c = column(name);
  std::unordered_map<std::string, int> index;
  for (std::size_t k = 0; k < levels.size(); ++k)
    if (!index.emplace(levels[k], static_cast<int>(k)).second)
      throw Error(ErrorKind::kInput, "levels of column " + internal::quote(c.name) + ": level " + internal::quote(levels[k]) +
                                         " is listed twice");
  const std::vector<std::string> labels = labels_of(c);
  std::vector<int> codes(c.size(), -1);
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (c.is_missing(i)) continue;
    const auto it = index.find(labels[i]);
    if (it == index.end()) {
      const std::size_t line = line_of(i);
      throw Error(ErrorKind::kInput, "levels of column " + internal::quote(c.name) + ": value " + internal::quote(labels[i]) +
                                         " (" + (line ? "line " + std::to_string(line) : "row " + std::to_string(i + 1)) +
                                         ") is not among the levels listed");
    }
    codes[i] = it->second;
  }
  c.codes = std::move(codes);
  c.levels = levels;
  c.numbers.clear();
  c.text_because.clear();
  c.type = Column::Type::kFactor;
}

void DataFrame::declare_ordered(const std::string& name) {
  declare_factor(name);
  column(name).ordered = true;
}

void DataFrame::set_contrasts(const std::string& name, Contrasts contrasts) {
  Column& c = column(name);
  if (!c.is_factor())
    throw Error(ErrorKind::kInput, "contrasts for column " + internal::quote(c.name) +
                                       ": it is numeric; make it a factor first (--factor, --levels or --ordered)");
  c.contrasts = contrasts;
}

}  // namespace lmm
