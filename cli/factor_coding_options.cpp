#include "factor_coding_options.hpp"

#include <optional>
#include <utility>

#include "lmm/error.hpp"
#include "util/excerpt.hpp"

namespace lmm::cli {
namespace {

using internal::quote;

// "COL=VALUE" split at its first '='.
std::pair<std::string, std::string> column_and_value(const std::string& option, const std::string& text,
                                                     const std::string& form) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw Error(ErrorKind::kUsage, option + " " + quote(text) + ": expected " + form);
  return {text.substr(0, eq), text.substr(eq + 1)};
}

void require_column(const DataFrame& frame, const std::string& option, const std::string& name) {
  if (!frame.has(name))
    throw Error(ErrorKind::kInput, option + ": no column named " + quote(name) + " in the data" + did_you_mean(frame, name));
}

// "a,b,c" as its comma-separated fields.
std::vector<std::string> split_levels(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto comma = list.find(',', start);
    out.push_back(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

}  // namespace

void FactorCodingOptions::add_to(CLI::App& app) {
  app.add_option("--levels", levels,
                 "COL=L1,L2,...: a factor's levels in this order, the first the baseline (repeatable; a numeric "
                 "column becomes a factor)")
      ->expected(1)->take_all();
  app.add_option("--ordered", ordered, "COL: an ordered factor, coded by polynomial contrasts (repeatable)")
      ->expected(1)->take_all();
  app.add_option("--contrasts", contrasts, "COL=treatment|sum|helmert|poly|SAS: a factor's contrasts (repeatable)")
      ->expected(1)->take_all();
}

void FactorCodingOptions::apply(DataFrame& frame) const {
  for (const std::string& text : levels) {
    const auto [name, list] = column_and_value("--levels", text, "COL=L1,L2,...");
    require_column(frame, "--levels", name);
    frame.set_levels(name, split_levels(list));
  }
  for (const std::string& name : ordered) {
    require_column(frame, "--ordered", name);
    frame.declare_ordered(name);
  }
  for (const std::string& text : contrasts) {
    const auto [name, kind] = column_and_value("--contrasts", text, "COL=treatment|sum|helmert|poly|SAS");
    const std::optional<Contrasts> parsed = contrasts_from_name(kind);
    if (!parsed)
      throw Error(ErrorKind::kUsage, "--contrasts " + quote(text) + ": unknown contrasts " + quote(kind) +
                                         " (known: treatment, sum, helmert, poly, SAS)");
    require_column(frame, "--contrasts", name);
    frame.set_contrasts(name, *parsed);
  }
}

std::vector<std::string> FactorCodingOptions::factor_columns() const {
  std::vector<std::string> names = ordered;
  for (const std::string& text : levels) names.push_back(text.substr(0, text.find('=')));
  return names;
}

}  // namespace lmm::cli
