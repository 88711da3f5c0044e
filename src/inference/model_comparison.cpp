// anova(m1, m2, ...): likelihood-ratio tests between models fit to the same observations.
#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>
#include <numeric>

#include "lmm/anova.hpp"
#include "lmm/error.hpp"
#include "util/excerpt.hpp"
#include "model/model_state.hpp"
#include "report/call_formula.hpp"

namespace lmm {
namespace {

// The response as the data give it (the model holds it minus its offset).
Eigen::VectorXd response(const internal::ModelState& m) {
  return m.design->offset.size() > 0 ? Eigen::VectorXd(m.y + m.design->offset) : m.y;
}

void check_same_observations(const std::vector<ComparedModel>& models) {
  const internal::ModelState& first = models[0].model->state();
  for (std::size_t k = 1; k < models.size(); ++k) {
    const internal::ModelState& other = models[k].model->state();
    const std::string pair = internal::quote(models[0].name) + " and " + internal::quote(models[k].name);
    if (other.frame.nobs != first.frame.nobs)
      throw Error(ErrorKind::kModel, "models were not all fitted to the same size of dataset: " + pair + " use " +
                                         std::to_string(first.frame.nobs) + " and " +
                                         std::to_string(other.frame.nobs) +
                                         " observations (missing values dropped in different variables?)");
    if (other.frame.data_rows != first.frame.data_rows)
      throw Error(ErrorKind::kModel, "models were fitted to different observations: " + pair +
                                         " use different rows of the data");
    if (other.spec.response_name != first.spec.response_name || response(other) != response(first))
      throw Error(ErrorKind::kModel, "models have different responses: " + pair + " model " +
                                         internal::quote(first.spec.response_name) + " and " +
                                         internal::quote(other.spec.response_name));
  }
}

}  // namespace

AnovaTable anova(const std::vector<ComparedModel>& models) {
  if (models.size() < 2) throw Error(ErrorKind::kUsage, "anova needs at least two models to compare");
  for (const ComparedModel& m : models)
    if (m.model == nullptr) throw Error(ErrorKind::kUsage, "anova: model " + internal::quote(m.name) + " is missing");
  check_same_observations(models);

  AnovaTable table;
  std::vector<FitResult> fits;
  for (const ComparedModel& m : models) {
    if (m.fit.reml) {
      table.refitted = true;
      FitOptions ml;
      ml.reml = false;
      ml.start = m.fit.theta;  // lme4's refitML() starts from the REML optimum
      // A likelihood-ratio statistic is a difference of two optima: converge further than
      // lme4's defaults, so that BOBYQA's stopping noise (about 1e-8 in the deviance) does not
      // decide Chisq between models whose optima coincide (M16 against M17).
      ml.ftol_abs = 1e-10;
      ml.xtol_rel = 1e-7;
      fits.push_back(m.model->fit(ml));
    } else {
      fits.push_back(m.fit);
    }
  }
  std::vector<std::size_t> order(models.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return fits[a].df < fits[b].df; });

  for (std::size_t i = 0; i < order.size(); ++i) {
    const FitResult& f = fits[order[i]];
    AnovaRow row;
    row.name = models[order[i]].name;
    row.formula = internal::lme4_call_formula_line(f.formula);
    row.npar = f.df;
    row.aic = f.aic;
    row.bic = f.bic;
    row.loglik = f.loglik;
    row.deviance = -2.0 * f.loglik;
    if (i > 0) {
      const AnovaRow& previous = table.rows.back();
      row.chisq = 2.0 * std::max(0.0, row.loglik - previous.loglik);
      row.df = row.npar - previous.npar;
      if (*row.df > 0) {
        const boost::math::chi_squared chisq(static_cast<double>(*row.df));
        row.p = boost::math::cdf(boost::math::complement(chisq, *row.chisq));
      }
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace lmm
