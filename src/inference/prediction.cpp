// lme4's predict(m, newdata, re.form, allow.new.levels) with na.action = na.pass: X beta from the
// fixed-effects formula evaluated on newdata with the fitted model's factor levels, plus, per
// random-effects term, the row of the term's model matrix times its level's conditional modes
// (0 for a level the model has not seen).

#include <limits>
#include <set>

#include "formula/model_matrix.hpp"
#include "formula/new_data_frame.hpp"
#include "inference/modes_by_term.hpp"
#include "lmm/error.hpp"
#include "lmm/prediction.hpp"
#include "model/model_state.hpp"
#include "util/excerpt.hpp"

namespace lmm {
namespace {

using internal::ModelState;

// The formula's offset() terms evaluated on newdata, as lme4's predict() adds them. lme4 1.1-31
// leaves out lmer's `offset =` argument on new data (its predictions on the model's own rows then
// differ from its fitted values by that offset): so does lmm, and the CLI warns.
void add_offset(const ModelState& m, const DataFrame& newdata, Eigen::VectorXd& eta, std::vector<std::uint8_t>& missing) {
  for (const internal::Expression& e : m.spec.offsets) {
    const internal::RawVariable part = internal::evaluate_variable(e, newdata, false);
    if (part.var.is_factor)
      throw Error(ErrorKind::kInput, "newdata's offset " + internal::quote(part.var.name) + " is text; it must be numeric");
    for (std::size_t i = 0; i < missing.size(); ++i) {
      missing[i] |= part.missing[i];
      eta[static_cast<Eigen::Index>(i)] += part.var.values[i];
    }
  }
}

// The fixed-effects columns of the model (rank-deficient ones dropped) on newdata.
Eigen::MatrixXd fixed_columns(const ModelState& m, const DataFrame& newdata, std::vector<std::uint8_t>& missing) {
  const std::size_t n = newdata.rows();
  const std::vector<internal::Variable> vars = internal::new_data_variables(m.spec.fixed, m.frame.fixed, newdata, missing);
  const internal::DesignMatrix full = internal::model_matrix(m.spec.fixed, vars, n);
  Eigen::MatrixXd x(static_cast<Eigen::Index>(n), m.x.matrix.cols());
  for (std::size_t c = 0; c < m.x.names.size(); ++c) {
    std::size_t k = 0;
    while (k < full.names.size() && full.names[k] != m.x.names[c]) ++k;
    if (k == full.names.size())
      throw Error(ErrorKind::kUsage, "the fixed-effects column " + internal::quote(m.x.names[c]) + " cannot be formed on newdata");
    x.col(static_cast<Eigen::Index>(c)) = full.matrix.col(static_cast<Eigen::Index>(k));
  }
  return x;
}

std::string new_levels_message(const std::string& group, const internal::NewGrouping& g) {
  std::set<std::string> seen;
  std::string list;
  for (std::size_t i = 0; i < g.codes.size(); ++i) {
    if (g.codes[i] >= 0 || !seen.insert(g.labels[i]).second) continue;
    if (seen.size() > 10 || list.size() > 100) {
      list += ", ...";
      break;
    }
    list += (list.empty() ? "" : ", ") + internal::quote(g.labels[i]);
  }
  return "newdata has levels of grouping factor " + internal::quote(group) + " that the model was not fit with (" + list +
         "); allow new levels to predict them from the fixed effects alone";
}

}  // namespace

Eigen::VectorXd predict(const LinearMixedModel& model, const FitResult& fit, const DataFrame& newdata,
                        const PredictOptions& options) {
  const ModelState& m = model.state();
  internal::check_fit_of_model(m, fit);
  const std::size_t n = newdata.rows();
  std::vector<std::uint8_t> missing(n, 0);
  Eigen::VectorXd eta = fixed_columns(m, newdata, missing) * fit.fixef;
  add_offset(m, newdata, eta, missing);

  if (options.include_random_effects) {
    const std::vector<Eigen::MatrixXd> modes = internal::modes_by_term(m, fit);
    for (std::size_t k = 0; k < m.terms.size(); ++k) {
      const internal::RandomEffectsTerm& term = m.terms[k];
      const internal::RandomTermSpec& spec = m.spec.random[term.spec_index];
      const internal::NewGrouping g = internal::new_data_grouping(spec, m.frame.groups[term.spec_index], newdata);
      if (!options.allow_new_levels) {
        for (std::size_t i = 0; i < n; ++i)
          if (g.missing[i])
            throw Error(ErrorKind::kInput, "newdata row " + std::to_string(i + 1) + ": grouping factor " + internal::quote(term.group) +
                                               " is missing; allow new levels to predict it from the fixed effects alone");
        for (std::size_t i = 0; i < n; ++i)
          if (g.codes[i] < 0) throw Error(ErrorKind::kInput, new_levels_message(term.group, g));
      }
      const std::vector<internal::Variable> vars =
          internal::new_data_variables(spec.effects, m.frame.effects[term.spec_index], newdata, missing);
      const internal::DesignMatrix z = internal::model_matrix(spec.effects, vars, n);
      for (std::size_t i = 0; i < n; ++i) {
        const auto row = static_cast<Eigen::Index>(i);
        if (g.codes[i] >= 0) eta[row] += z.matrix.row(row).dot(modes[k].row(g.codes[i]));
      }
    }
  }
  for (std::size_t i = 0; i < n; ++i)
    if (missing[i]) eta[static_cast<Eigen::Index>(i)] = std::numeric_limits<double>::quiet_NaN();
  return eta;
}

std::vector<std::size_t> observation_rows(const LinearMixedModel& model) { return model.state().frame.data_rows; }

}  // namespace lmm
