// Issue 19: a const LinearMixedModel is safe to share. Several threads take one model at the
// same time through the public API: they fit it (REML and ML), evaluate the objective at several
// theta, compute profile (and Wald) intervals, a parametric bootstrap, Satterthwaite's tests,
// the random effects with their conditional variances, coef(), predictions and a likelihood-ratio
// anova() against a second shared model. Each thread's results must be, bit for bit, those the
// same calls give on one thread before the threads start: every result of lmm is a function of
// its inputs alone (the number of threads included, see util/parallel.hpp), so any difference
// is state leaking from one call into another.
//
// In a normal build a race shows as different numbers or a crash, when the threads happen to
// interleave; tools/tsan.sh runs this test under ThreadSanitizer, which reports the unordered
// accesses themselves, however the threads interleave.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "lmm/anova.hpp"
#include "lmm/bootstrap.hpp"
#include "lmm/confint.hpp"
#include "lmm/lmm.hpp"
#include "lmm/satterthwaite.hpp"
#include "seed_data.hpp"

namespace {

using lmm::testing::seed_data;

// Every number a sequence of calls produced, labelled, and every text.
class Digest {
 public:
  void number(const std::string& label, double v) {
    labels_.push_back(label);
    values_.push_back(v);
  }
  void numbers(const std::string& label, const std::vector<double>& v) {
    for (std::size_t i = 0; i < v.size(); ++i) number(label + "[" + std::to_string(i) + "]", v[i]);
  }
  void matrix(const std::string& label, const Eigen::MatrixXd& m) {
    for (Eigen::Index i = 0; i < m.rows(); ++i)
      for (Eigen::Index j = 0; j < m.cols(); ++j)
        number(label + "[" + std::to_string(i) + "," + std::to_string(j) + "]", m(i, j));
  }
  void text(const std::string& label, const std::string& s) { texts_.emplace_back(label, s); }

  const std::vector<std::string>& labels() const { return labels_; }
  const std::vector<double>& values() const { return values_; }
  const std::vector<std::pair<std::string, std::string>>& texts() const { return texts_; }

 private:
  std::vector<std::string> labels_;
  std::vector<double> values_;
  std::vector<std::pair<std::string, std::string>> texts_;
};

void add_fit(Digest& d, const std::string& what, const lmm::FitResult& f) {
  d.number(what + " objective", f.objective);
  d.number(what + " loglik", f.loglik);
  d.number(what + " aic", f.aic);
  d.number(what + " bic", f.bic);
  d.number(what + " sigma", f.sigma);
  d.number(what + " evaluations", f.evaluations);
  d.number(what + " singular", f.singular);
  d.number(what + " converged", f.converged);
  d.matrix(what + " fixef", f.fixef);
  d.matrix(what + " fixef_se", f.fixef_se);
  d.matrix(what + " fixef_vcov", f.fixef_vcov);
  d.numbers(what + " theta", f.theta);
  for (const lmm::RandomEffectsCovariance& c : f.covariances) {
    d.matrix(what + " sd " + c.group, c.sd);
    d.matrix(what + " correlation " + c.group, c.correlation);
  }
  for (std::size_t i = 0; i < f.varcorr.size(); ++i) {
    d.number(what + " varcorr vcov " + std::to_string(i), f.varcorr[i].vcov);
    d.number(what + " varcorr sdcor " + std::to_string(i), f.varcorr[i].sdcor);
  }
  for (const lmm::ConditionalModes& r : f.ranef) d.matrix(what + " ranef " + r.group, r.values);
  d.matrix(what + " fitted", f.fitted);
  d.matrix(what + " residuals", f.residuals);
  d.matrix(what + " theta_gradient", f.theta_gradient);
  d.matrix(what + " theta_hessian", f.theta_hessian);
  d.number(what + " max_scaled_gradient", f.max_scaled_gradient);
  d.text(what + " optimizer_status", f.optimizer_status);
  for (const std::string& m : f.messages) d.text(what + " message", m);
  // Everything else a fit reports, as its JSON (doubles printed to round trip).
  d.text(what + " json", lmm::fit_json(f));
}

void add_intervals(Digest& d, const std::string& what, const lmm::ConfintResult& r) {
  for (const lmm::ConfidenceInterval& ci : r.intervals) {
    d.number(what + " " + ci.name + " lower", ci.lower);
    d.number(what + " " + ci.name + " upper", ci.upper);
    d.text(what + " " + ci.name + " note", ci.note);
  }
}

// The shared models: `model` and the smaller `nested` one anova() compares it with.
struct Case {
  const lmm::DataFrame& data;
  lmm::LinearMixedModel model;
  lmm::LinearMixedModel nested;
  std::vector<std::string> profile_parm;  // confint()'s parm for the profile (empty: all)
};

// The calls each thread makes, in this order.
Digest run_calls(const Case& c) {
  const lmm::LinearMixedModel& model = c.model;
  Digest d;

  const lmm::FitResult reml = model.fit();
  add_fit(d, "REML", reml);
  lmm::FitOptions ml_options;
  ml_options.reml = false;
  const lmm::FitResult ml = model.fit(ml_options);
  add_fit(d, "ML", ml);

  // The objective at lme4's start, at both optima, scaled away from them and on the boundary.
  const std::vector<double> lower = model.theta_lower_bounds();
  std::vector<std::vector<double>> thetas(1);
  for (const double l : lower) thetas[0].push_back(l == 0.0 ? 1.0 : 0.0);
  thetas.push_back(reml.theta);
  thetas.push_back(ml.theta);
  for (const double scale : {0.5, 2.0}) {
    thetas.push_back(reml.theta);
    for (double& t : thetas.back()) t *= scale;
  }
  thetas.push_back(std::vector<double>(lower.size(), 0.0));
  for (std::size_t i = 0; i < thetas.size(); ++i)
    for (const bool r : {true, false})
      d.number("objective " + std::to_string(i) + (r ? " REML" : " ML"), model.objective(thetas[i], r));

  lmm::ConfintOptions profile;
  profile.parm = c.profile_parm;
  add_intervals(d, "profile", lmm::confint(model, reml, profile));
  lmm::ConfintOptions wald;
  wald.method = lmm::IntervalMethod::kWald;
  add_intervals(d, "Wald", lmm::confint(model, reml, wald));

  lmm::BootstrapOptions boot;
  boot.nsim = 4;
  boot.seed = 19;
  const lmm::BootstrapResult b = lmm::parametric_bootstrap(model, reml, boot);
  d.matrix("bootstrap", b.replicates);
  d.number("bootstrap failures", b.failures);

  for (const auto& [what, fit] : {std::pair{"Satterthwaite REML", &reml}, std::pair{"Satterthwaite ML", &ml}}) {
    const lmm::SatterthwaiteResult s = lmm::satterthwaite(model, *fit);
    for (const lmm::CoefficientTest& t : s.coefficients)
      d.numbers(std::string(what) + " t " + t.name, {t.estimate, t.std_error, t.df, t.t_value, t.p_value});
    for (const lmm::TermFTest& t : s.terms)
      d.numbers(std::string(what) + " F " + t.term,
                {t.sum_sq, t.mean_sq, static_cast<double>(t.num_df), t.den_df, t.f_value, t.p_value});
    d.numbers(std::string(what) + " varpar", s.varpar);
    d.matrix(std::string(what) + " varpar_vcov", s.varpar_vcov);
    for (const Eigen::MatrixXd& j : s.vcov_beta_jacobian) d.matrix(std::string(what) + " jacobian", j);
    for (const std::string& m : s.messages) d.text(std::string(what) + " message", m);
  }

  for (const lmm::ConditionalCovariance& cc : lmm::conditional_covariances(model, reml))
    for (std::size_t l = 0; l < cc.covariance.size(); ++l)
      d.matrix("condVar " + cc.group + " " + cc.levels[l], cc.covariance[l]);
  for (const lmm::RandomEffectRow& r : lmm::ranef_table(model, reml))
    d.numbers("ranef " + r.grpvar + " " + r.term + " " + r.grp, {r.condval, r.condsd});
  for (const lmm::GroupCoefficients& g : lmm::coef(reml)) d.matrix("coef " + g.group, g.values);

  d.matrix("predict", lmm::predict(model, reml, c.data));
  lmm::PredictOptions fixed_only;
  fixed_only.include_random_effects = false;
  d.matrix("predict fixed", lmm::predict(model, reml, c.data, fixed_only));
  for (const std::size_t row : lmm::observation_rows(model)) d.number("observation row", static_cast<double>(row));

  // anova() refits both REML fits by ML.
  const lmm::AnovaTable table = lmm::anova({{"nested", &c.nested, c.nested.fit()}, {"model", &model, reml}});
  d.number("anova refitted", table.refitted);
  for (const lmm::AnovaRow& r : table.rows) {
    d.numbers("anova " + r.name, {r.aic, r.bic, r.loglik, r.deviance, r.chisq.value_or(-1.0)});
    d.number("anova p " + r.name, r.p.value_or(-1.0));
  }
  return d;
}

std::string show(double v) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

// Bit for bit: the same rounding everywhere, NaN where alone gave NaN.
void expect_same(const Digest& alone, const Digest& got, const std::string& who) {
  ASSERT_EQ(got.labels(), alone.labels()) << who << ": not the same results";
  std::size_t differing = 0;
  for (std::size_t i = 0; i < got.values().size(); ++i) {
    if (std::bit_cast<std::uint64_t>(got.values()[i]) == std::bit_cast<std::uint64_t>(alone.values()[i])) continue;
    if (++differing <= 10)
      ADD_FAILURE() << who << ": " << got.labels()[i] << " is " << show(got.values()[i]) << ", alone "
                    << show(alone.values()[i]);
  }
  EXPECT_EQ(differing, 0u) << who << ": numbers that differ from the calls alone, of " << got.values().size();
  ASSERT_EQ(got.texts().size(), alone.texts().size()) << who;
  for (std::size_t i = 0; i < got.texts().size(); ++i) {
    EXPECT_EQ(got.texts()[i].first, alone.texts()[i].first) << who;
    EXPECT_EQ(got.texts()[i].second, alone.texts()[i].second) << who << ": " << got.texts()[i].first;
  }
}

// run_calls(c) on one thread, then on `threads` threads at once (released together), each
// compared with the first.
void expect_shared_calls_as_alone(const Case& c, int threads) {
  const Digest alone = run_calls(c);
  ASSERT_GT(alone.values().size(), 0u);

  std::vector<Digest> digests(static_cast<std::size_t>(threads));
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(threads));
  std::latch start(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      const auto i = static_cast<std::size_t>(t);
      start.arrive_and_wait();
      try {
        digests[i] = run_calls(c);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    });
  for (std::thread& w : workers) w.join();

  for (int t = 0; t < threads; ++t) {
    const auto i = static_cast<std::size_t>(t);
    const std::string who = "thread " + std::to_string(t);
    if (errors[i]) {
      try {
        std::rethrow_exception(errors[i]);
      } catch (const std::exception& e) {
        ADD_FAILURE() << who << " threw: " << e.what();
      }
      continue;
    }
    expect_same(alone, digests[i], who);
  }
}

TEST(ThreadSafety, SleepstudySharedByThreads) {
  const lmm::DataFrame& data = seed_data("sleepstudy");
  const Case c{data, lmm::LinearMixedModel("Reaction ~ Days + (Days | Subject)", data),
               lmm::LinearMixedModel("Reaction ~ Days + (1 | Subject)", data), {}};
  expect_shared_calls_as_alone(c, 3);
}

// Two random-effects terms (classes nested in schools) on 1190 observations: a factor with a
// dense block, as the seed model M17. The profile is limited to two parameters to stay fast.
TEST(ThreadSafety, ClassroomSharedByThreads) {
  const lmm::DataFrame& data = seed_data("classroom");
  const Case c{data, lmm::LinearMixedModel("mathscore ~ ses + (ses | schoolid) + (1 | classid)", data),
               lmm::LinearMixedModel("mathscore ~ ses + (1 | schoolid) + (1 | classid)", data),
               {".sig01", "ses"}};
  expect_shared_calls_as_alone(c, 2);
}

}  // namespace
