#include "inference/modes_by_term.hpp"

#include <map>
#include <string>

#include "lmm/error.hpp"

namespace lmm::internal {
namespace {

[[noreturn]] void not_of_model(const std::string& what) {
  throw Error(ErrorKind::kUsage, "the fit is not a fit of this model: " + what);
}

const ConditionalModes* modes_of(const FitResult& fit, const std::string& group) {
  for (const ConditionalModes& modes : fit.ranef)
    if (modes.group == group) return &modes;
  return nullptr;
}

}  // namespace

void check_fit_of_model(const ModelState& model, const FitResult& fit) {
  if (fit.fixef_names != model.x.names || fit.fixef.size() != model.x.matrix.cols())
    not_of_model("its fixed effects differ from the model's columns");
  if (fit.theta.size() != model.start.size())
    not_of_model("it has " + std::to_string(fit.theta.size()) + " theta values, the model " +
                 std::to_string(model.start.size()));
  std::map<std::string, Eigen::Index> columns;
  for (const RandomEffectsTerm& t : model.terms) {
    const ConditionalModes* modes = modes_of(fit, t.group);
    if (modes == nullptr) not_of_model("it has no random effects for '" + t.group + "'");
    if (modes->levels != t.levels || modes->values.rows() != t.nlevels())
      not_of_model("its levels of '" + t.group + "' differ from the model's");
    columns[t.group] += t.q();
  }
  if (columns.size() != fit.ranef.size()) not_of_model("it has other grouping factors");
  for (const ConditionalModes& modes : fit.ranef)
    if (modes.values.cols() != columns[modes.group] ||
        modes.names.size() != static_cast<std::size_t>(modes.values.cols()))
      not_of_model("its random-effects columns of '" + modes.group + "' differ from the model's");
}

std::vector<Eigen::MatrixXd> modes_by_term(const ModelState& model, const FitResult& fit) {
  check_fit_of_model(model, fit);
  std::map<std::string, Eigen::Index> used;
  std::vector<Eigen::MatrixXd> out;
  for (const RandomEffectsTerm& t : model.terms) {
    Eigen::Index& first = used[t.group];
    out.push_back(modes_of(fit, t.group)->values.middleCols(first, t.q()));
    first += t.q();
  }
  return out;
}

}  // namespace lmm::internal
