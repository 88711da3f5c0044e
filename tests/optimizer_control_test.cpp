// The optimizer's controls (FitOptions::optimizer, the stopping rules, lmm fit --optimizer,
// --xtol-rel, --ftol-abs, --max-evaluations) and the soundness check of the optimum
// (FitOptions::check_optimum), against tests/golden/lme4_optimizer.json (lme4 1.1-31, made by
// tools/reference/lme4_optimizer.R).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_run.hpp"
#include "lmm/lmm.hpp"
#include "model/optimum_check.hpp"

namespace {

using json = nlohmann::ordered_json;
using lmm::testing::expect_one_line_error;
using lmm::testing::run_cli;

constexpr int kUsage = 2;

const json& optimizer_cases() {
  static const json cases = [] {
    std::ifstream in("tests/golden/lme4_optimizer.json");
    return json::parse(in);
  }();
  return cases;
}

const json& find_case(const std::string& id) {
  for (const json& c : optimizer_cases())
    if (c["id"] == id) return c;
  throw std::runtime_error("no golden case " + id);
}

lmm::DataFrame load_case_data(const json& c) {
  lmm::DataFrame frame = lmm::read_csv(c["data"].get<std::string>());
  for (const json& f : c["factors"]) frame.declare_factor(f.get<std::string>());
  return frame;
}

lmm::FitOptions case_options(const json& c) {
  lmm::FitOptions options;
  options.reml = c["reml"].get<bool>();
  EXPECT_TRUE(lmm::optimizer_from_string(c["optimizer"].get<std::string>(), &options.optimizer));
  if (!c["max_evaluations"].is_null()) options.max_evaluations = c["max_evaluations"].get<int>();
  return options;
}

// ---- Options -------------------------------------------------------------------------------

TEST(OptimizerOptions, NamesRoundTrip) {
  for (lmm::Optimizer o : {lmm::Optimizer::kBobyqa, lmm::Optimizer::kNelderMead}) {
    lmm::Optimizer parsed = o == lmm::Optimizer::kBobyqa ? lmm::Optimizer::kNelderMead : lmm::Optimizer::kBobyqa;
    EXPECT_TRUE(lmm::optimizer_from_string(lmm::to_string(o), &parsed));
    EXPECT_EQ(parsed, o);
  }
  lmm::Optimizer unchanged = lmm::Optimizer::kNelderMead;
  EXPECT_FALSE(lmm::optimizer_from_string("Nelder_Mead", &unchanged));
  EXPECT_EQ(unchanged, lmm::Optimizer::kNelderMead);
}

// Unset stopping rules are lme4's for the optimizer: nloptwrap's and Nelder_Mead's defaults.
TEST(OptimizerOptions, DefaultsAreLme4sForEachOptimizer) {
  lmm::FitOptions o;
  EXPECT_EQ(o.ftol_abs_or_default(), 1e-8);
  EXPECT_EQ(o.xtol_abs_or_default(), 1e-8);
  EXPECT_EQ(o.xtol_rel_or_default(), 1e-4);
  EXPECT_EQ(o.max_evaluations_or_default(), 100000);
  o.optimizer = lmm::Optimizer::kNelderMead;
  EXPECT_EQ(o.ftol_abs_or_default(), 1e-5);
  EXPECT_EQ(o.xtol_abs_or_default(), 1e-5);
  EXPECT_EQ(o.xtol_rel_or_default(), 1e-7);
  EXPECT_EQ(o.max_evaluations_or_default(), 10000);
  o.xtol_rel = 0.5;
  EXPECT_EQ(o.xtol_rel_or_default(), 0.5);
}

TEST(OptimizerOptions, IsValidNamesTheBrokenField) {
  std::string error;
  lmm::FitOptions o;
  EXPECT_TRUE(o.IsValid(&error));
  o.xtol_rel = -1.0;
  EXPECT_FALSE(o.IsValid(&error));
  EXPECT_EQ(error, "xtol_rel must be finite and >= 0");
  o = lmm::FitOptions();
  o.ftol_abs = std::nan("");
  EXPECT_FALSE(o.IsValid(&error));
  EXPECT_EQ(error, "ftol_abs must be finite and >= 0");
  o = lmm::FitOptions();
  o.max_evaluations = 0;
  EXPECT_FALSE(o.IsValid(&error));
  EXPECT_EQ(error, "max_evaluations must be >= 1");
  o = lmm::FitOptions();
  o.optimizer = static_cast<lmm::Optimizer>(7);
  EXPECT_FALSE(o.IsValid(&error));
  EXPECT_EQ(error, "optimizer must be bobyqa or nelder-mead");
}

// ---- Nelder-Mead against lme4's Nelder_Mead ----------------------------------------------------

class NelderMeadGolden : public ::testing::TestWithParam<std::string> {};

// lme4's Nelder_Mead stops when the simplex's values agree to FtolAbs 1e-5, so its optimum is
// looser than BOBYQA's: lmm's objective is no worse than lme4's by more than 1e-6 relative, and
// the estimates agree within the golden fits' tolerances.
TEST_P(NelderMeadGolden, AgreesWithLme4) {
  const json& c = find_case(GetParam());
  const json& ref = c["result"];
  const lmm::FitResult fit = lmm::fit_lmm(c["formula"].get<std::string>(), load_case_data(c), case_options(c));
  EXPECT_EQ(fit.optimizer, "Nelder_Mead");
  EXPECT_TRUE(fit.converged);
  const double objective = ref["objective"].get<double>();
  EXPECT_LE(fit.objective - objective, 1e-6 * std::fabs(objective));
  // Fixed effects within 1% of their standard error (lme4's, from its own fit), sigma within 0.2%.
  for (std::size_t i = 0; i < fit.fixef_names.size(); ++i) {
    const double estimate = ref["fixef"][fit.fixef_names[i]].get<double>();
    EXPECT_NEAR(fit.fixef[static_cast<Eigen::Index>(i)], estimate,
                0.01 * fit.fixef_se[static_cast<Eigen::Index>(i)])
        << fit.fixef_names[i];
  }
  EXPECT_NEAR(fit.sigma, ref["sigma"].get<double>(), 0.002 * ref["sigma"].get<double>());
  // theta within 1e-2 absolute: FtolAbs 1e-5 leaves lme4's theta this loose on flat objectives.
  const auto theta = ref["theta"].get<std::vector<double>>();
  ASSERT_EQ(fit.theta.size(), static_cast<Eigen::Index>(theta.size()));
  for (std::size_t i = 0; i < theta.size(); ++i)
    EXPECT_NEAR(fit.theta[static_cast<Eigen::Index>(i)], theta[i], 1e-2) << "theta " << i;
}

INSTANTIATE_TEST_SUITE_P(Lme4, NelderMeadGolden,
                         ::testing::Values("sleepstudy_REML_NM", "sleepstudy_ML_NM", "Dyestuff_REML_NM",
                                           "Dyestuff_ML_NM", "Penicillin_REML_NM", "Penicillin_ML_NM",
                                           "Pastes_REML_NM", "Pastes_ML_NM", "sim_vector_REML_NM",
                                           "sim_vector_ML_NM"));

// On the quadratic-time model lme4's Nelder_Mead stops early (REML 0.24 above the reference
// optimum): lmm's ends no worse than lme4's, and, with the soundness check, at the reference
// optimum (within 1e-6 relative).
TEST(NelderMeadGolden, QuadraticTimeReachesTheBetterOptimum) {
  for (const char* id : {"quadratic_time_REML", "quadratic_time_ML"}) {
    SCOPED_TRACE(id);
    const json& c = find_case(std::string(id) + "_NM");
    const double reference = find_case(std::string(id) + "_BOBYQA")["reference"]["objective"].get<double>();
    const lmm::FitResult fit = lmm::fit_lmm(c["formula"].get<std::string>(), load_case_data(c), case_options(c));
    EXPECT_LE(fit.objective, c["result"]["objective"].get<double>() + 1e-6 * reference);
    EXPECT_NEAR(fit.objective, reference, 1e-6 * reference);
  }
}

// Stopped by maxfun, lme4 warns "failure to converge in 20 evaluations" and reports convergence
// code 4 from Nelder_Mead; so does lmm (its path differs, so its estimates are not compared).
TEST(NelderMeadGolden, EvaluationLimitIsReportedAsLme4Does) {
  const json& c = find_case("sleepstudy_REML_NM_max20");
  const lmm::FitResult fit = lmm::fit_lmm(c["formula"].get<std::string>(), load_case_data(c), case_options(c));
  EXPECT_FALSE(fit.converged);
  EXPECT_EQ(fit.optimizer_code, c["result"]["conv"].get<int>());
  EXPECT_EQ(fit.optimizer_status, c["result"]["message"].get<std::string>());
  const auto has = [&](const std::string& m) {
    return std::find(fit.messages.begin(), fit.messages.end(), m) != fit.messages.end();
  };
  EXPECT_TRUE(has("failure to converge in 20 evaluations"));
  EXPECT_TRUE(has("convergence code 4 from Nelder_Mead: failure to converge in 20 evaluations"));
  EXPECT_LE(fit.evaluations, 20);
  const std::string summary = lmm::summary_text(fit);
  EXPECT_NE(summary.find("optimizer (Nelder_Mead) convergence code: 4 (failure to converge in 20 evaluations)"),
            std::string::npos)
      << summary;
}

// ---- The soundness check ----------------------------------------------------------------------

// lme4's default BOBYQA stops above the optimum on the quadratic-time model (REML by 0.027, ML by
// 3.9; the reference is the better of two tighter lme4 refits). lmm's check finds the reference
// optimum (within 1e-6 relative); without it lmm stops short too, by more than ftol_abs.
TEST(SoundnessCheck, FindsTheOptimumLme4MissesOnUnscaledQuadraticTime) {
  for (const char* id : {"quadratic_time_REML_BOBYQA", "quadratic_time_ML_BOBYQA"}) {
    SCOPED_TRACE(id);
    const json& c = find_case(id);
    const double lme4_objective = c["result"]["objective"].get<double>();
    const double reference = c["reference"]["objective"].get<double>();
    ASSERT_LT(reference, lme4_objective - 1e-2);  // the golden shows lme4's stop is clearly worse
    const lmm::LinearMixedModel model(c["formula"].get<std::string>(), load_case_data(c));
    lmm::FitOptions options = case_options(c);
    const lmm::FitResult fit = model.fit(options);
    EXPECT_NEAR(fit.objective, reference, 1e-6 * reference);
    // lme4's checkConv() at the reference optimum warns only that the Hessian's eigenvalues
    // differ hugely (time^2's scale); so does lmm's (its "Model failed to converge" at lme4's
    // own stop is gone).
    EXPECT_EQ(fit.messages, c["reference"]["messages"].get<std::vector<std::string>>());
    // Same function: lmm's objective at lme4's and the reference's theta is theirs (1e-9 relative).
    const bool reml = options.reml;
    EXPECT_NEAR(model.objective(c["result"]["theta"].get<std::vector<double>>(), reml), lme4_objective,
                1e-9 * lme4_objective);
    EXPECT_NEAR(model.objective(c["reference"]["theta"].get<std::vector<double>>(), reml), reference,
                1e-9 * reference);
    options.check_optimum = false;
    EXPECT_GT(model.fit(options).objective, fit.objective + options.ftol_abs_or_default());
  }
}

// The check's cost over every fit of tests/golden/lme4_fits.json: each case fitted with and
// without it. The check runs only where lme4's derivatives at the optimum doubt it, and re-takes
// them (2k^2 + 1 evaluations) where it moves the optimum; both are counted. It never makes a fit
// worse. The totals are printed and recorded as test properties; the README quotes them.
TEST(SoundnessCheck, CostOverTheGoldenFits) {
  std::ifstream in("tests/golden/lme4_fits.json");
  const json cases = json::parse(in);
  long with_check = 0, without_check = 0;
  int checked_fits = 0, moved = 0;
  for (const json& c : cases) {
    SCOPED_TRACE(c["id"].get<std::string>());
    lmm::DataFrame frame = lmm::read_csv(c["data"].get<std::string>());
    for (const json& j : c["join"])
      frame = lmm::left_join(frame, lmm::read_csv(j["file"].get<std::string>()), j["by"].get<std::string>());
    for (const json& f : c["factors"]) frame.declare_factor(f.get<std::string>());
    const lmm::LinearMixedModel model(c["formula"].get<std::string>(), frame);
    lmm::FitOptions options;
    options.reml = c["reml"].get<bool>();
    const lmm::FitResult checked = model.fit(options);
    options.check_optimum = false;
    const lmm::FitResult unchecked = model.fit(options);
    EXPECT_LE(checked.objective, unchecked.objective);
    const auto k = static_cast<int>(model.theta_size());
    const int rederived = checked.objective < unchecked.objective ? 2 * k * k + 1 : 0;
    with_check += checked.evaluations + rederived;
    without_check += unchecked.evaluations;
    checked_fits += checked.evaluations > unchecked.evaluations;
    moved += rederived > 0;
    const lmm::internal::ThetaDerivatives d{unchecked.theta_gradient, unchecked.theta_hessian};
    std::printf("%-28s %6d %6d  newton decrease %.3g  objective change %.3g\n", c["id"].get<std::string>().c_str(),
                unchecked.evaluations, checked.evaluations + rederived, lmm::internal::newton_decrease(d),
                checked.objective - unchecked.objective);
  }
  std::printf("soundness check: ran on %d of %zu golden fits, moved %d; %ld extra evaluations (%ld -> %ld, +%.2f%%)\n",
              checked_fits, cases.size(), moved, with_check - without_check, without_check, with_check,
              100.0 * static_cast<double>(with_check - without_check) / static_cast<double>(without_check));
  ::testing::Test::RecordProperty("evaluations_without_check", std::to_string(without_check));
  ::testing::Test::RecordProperty("evaluations_with_check", std::to_string(with_check));
  EXPECT_GE(with_check, without_check);
}

// ---- Command line ----------------------------------------------------------------------------

const std::string kSleep = " --data ../shared/data/sleepstudy.csv --factor Subject";

TEST(OptimizerCli, NelderMeadFitsAndSaysSo) {
  const lmm::testing::CliRun r = run_cli("fit 'Reaction ~ Days + (Days | Subject)'" + kSleep +
                                         " --optimizer nelder-mead --format json");
  ASSERT_EQ(r.status, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["optimizer"]["name"], "Nelder_Mead (NLOPT_LN_NELDERMEAD)");
  const double objective = find_case("sleepstudy_REML_NM")["result"]["objective"].get<double>();
  EXPECT_LE(j["objective"].get<double>() - objective, 1e-6 * objective);
}

TEST(OptimizerCli, EvaluationLimitInTheSummary) {
  const lmm::testing::CliRun r = run_cli("fit 'Reaction ~ Days + (Days | Subject)'" + kSleep +
                                         " --optimizer nelder-mead --max-evaluations 20");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("optimizer (Nelder_Mead) convergence code: 4 (failure to converge in 20 evaluations)"),
            std::string::npos)
      << r.out;
}

// lme4's summary shows the control the options stand for, deparsed and filled as R prints it
// (lme4 1.1-31's text for these calls).
TEST(OptimizerCli, SummaryShowsTheControlCall) {
  const std::string fit = "fit 'Reaction ~ Days + (Days | Subject)'" + kSleep + " --data-name sleepstudy";
  const lmm::testing::CliRun plain = run_cli(fit);
  ASSERT_EQ(plain.status, 0) << plain.err;
  EXPECT_EQ(plain.out.find("Control:"), std::string::npos);
  const lmm::testing::CliRun nm = run_cli(fit + " --optimizer nelder-mead");
  EXPECT_NE(nm.out.find("   Data: sleepstudy\nControl: lmerControl(optimizer = \"Nelder_Mead\")\n\nREML criterion"),
            std::string::npos)
      << nm.out;
  const lmm::testing::CliRun bobyqa = run_cli(fit + " --xtol-rel 1e-6");
  EXPECT_NE(bobyqa.out.find("Control: lmerControl(optCtrl = list(xtol_rel = 1e-06))\n"), std::string::npos) << bobyqa.out;
  const lmm::testing::CliRun wrapped =
      run_cli(fit + " --optimizer nelder-mead --xtol-rel 1e-8 --ftol-abs 1e-9 --max-evaluations 5000");
  EXPECT_NE(wrapped.out.find("Control: \nlmerControl(optimizer = \"Nelder_Mead\", optCtrl = list(XtolRel = 1e-08,  \n"
                             "    FtolAbs = 1e-09, maxfun = 5000))\n"),
            std::string::npos)
      << wrapped.out;
}

// Tolerances change where the optimizer stops: a loose --xtol-rel stops BOBYQA sooner.
TEST(OptimizerCli, TolerancesReachTheOptimizer) {
  const std::string fit = "fit 'Reaction ~ Days + (Days | Subject)'" + kSleep + " --format json";
  const lmm::testing::CliRun tight = run_cli(fit + " --xtol-rel 1e-10 --ftol-abs 0");
  const lmm::testing::CliRun loose = run_cli(fit + " --xtol-rel 0.5 --ftol-abs 1");
  ASSERT_EQ(tight.status, 0) << tight.err;
  ASSERT_EQ(loose.status, 0) << loose.err;
  EXPECT_GT(json::parse(tight.out)["optimizer"]["evaluations"].get<int>(),
            json::parse(loose.out)["optimizer"]["evaluations"].get<int>());
}

// Every command that fits a model takes the options.
TEST(OptimizerCli, QueryCommandsTakeTheOptions) {
  for (const char* command : {"ranef", "coef", "predict"}) {
    SCOPED_TRACE(command);
    const lmm::testing::CliRun r = run_cli(std::string(command) + " 'Reaction ~ Days + (Days | Subject)'" + kSleep +
                                           " --optimizer nelder-mead --xtol-rel 1e-8 --ftol-abs 1e-9 "
                                           "--max-evaluations 5000");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_FALSE(r.out.empty());
  }
  const lmm::testing::CliRun a = run_cli("anova 'Reaction ~ Days + (Days | Subject)' 'Reaction ~ Days + (1 | Subject)'" +
                                         kSleep + " --optimizer nelder-mead");
  EXPECT_EQ(a.status, 0) << a.err;
  const lmm::testing::CliRun w = run_cli("confint 'Reaction ~ Days + (Days | Subject)'" + kSleep +
                                         " --method wald --optimizer nelder-mead");
  EXPECT_EQ(w.status, 0) << w.err;
  const lmm::testing::CliRun b = run_cli("bootstrap 'Reaction ~ Days + (1 | Subject)'" + kSleep +
                                         " --nsim 2 --threads 1 --optimizer nelder-mead");
  EXPECT_EQ(b.status, 0) << b.err;
}

TEST(OptimizerCli, BadValuesAreOneLineUsageErrors) {
  const std::string fit = "fit 'Reaction ~ Days + (Days | Subject)'" + kSleep;
  expect_one_line_error(run_cli(fit + " --optimizer foo"), kUsage, "--optimizer");
  expect_one_line_error(run_cli(fit + " --xtol-rel -1"), kUsage, "--xtol-rel: must be a finite number >= 0 (got '-1')");
  expect_one_line_error(run_cli(fit + " --ftol-abs nan"), kUsage, "--ftol-abs: must be a finite number >= 0 (got 'nan')");
  expect_one_line_error(run_cli(fit + " --ftol-abs 1e999"), kUsage, "--ftol-abs");
  expect_one_line_error(run_cli(fit + " --max-evaluations 0"), kUsage, "--max-evaluations");
  expect_one_line_error(run_cli("ranef 'Reaction ~ Days + (Days | Subject)'" + kSleep + " --optimizer Nelder_Mead"),
                        kUsage, "--optimizer");
}

}  // namespace
