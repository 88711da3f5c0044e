// R's functions and operators in formulas (issue 20): fits that use them against lme4 1.1-31,
// model.matrix's column names, the element-wise values R gives, and predictions on new data;
// all from tests/golden/lme4_formula_functions.json (tools/reference/lme4_formula_functions.R).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <optional>
#include <nlohmann/json.hpp>

#include "cli_run.hpp"
#include "formula/model_frame.hpp"
#include "formula/model_matrix.hpp"
#include "golden_file.hpp"
#include "lmm/lmm.hpp"

namespace {

using json = nlohmann::ordered_json;
using lmm::internal::Expression;

const json& golden() {
  static const json g = lmm::testing::read_golden("tests/golden/lme4_formula_functions.json");
  return g;
}

std::vector<std::string> strings(const json& j) { return j.get<std::vector<std::string>>(); }

// A number as the golden writes it: "%.17g", "NA" (nullopt), "NaN", "Inf", "-Inf"; a JSON null
// is NA too.
std::optional<double> number_of(const json& j) {
  if (j.is_null() || j == "NA" || j == "null") return std::nullopt;
  const std::string s = j.get<std::string>();
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  return std::strtod(s.c_str(), nullptr);
}

class FunctionFit : public ::testing::TestWithParam<std::size_t> {};

TEST_P(FunctionFit, AgreesWithLme4) {
  const json& c = golden()["fits"][GetParam()];
  const json& ref = c["result"];
  SCOPED_TRACE(c["id"].get<std::string>() + ": " + c["formula"].get<std::string>());
  lmm::FitOptions options;
  options.reml = c["reml"].get<bool>();
  const lmm::FitResult fit = lmm::fit_lmm(c["formula"], lmm::read_csv(c["data"]), options);

  // Counts and names exactly (lme4_golden_test's tolerances for the numbers).
  EXPECT_EQ(fit.nobs, ref["nobs"].get<int>());
  ASSERT_EQ(fit.fixef_names, strings(ref["fixef_names"]));
  // Objective: no worse than lme4's by more than 1e-6 relative.
  const double objective = ref["objective"].get<double>();
  EXPECT_LE(fit.objective - objective, 1e-6 * std::fabs(objective));
  // Each estimate within 1% of its standard error; standard errors within 0.2%.
  for (std::size_t i = 0; i < fit.fixef_names.size(); ++i) {
    const auto k = static_cast<Eigen::Index>(i);
    const double se = ref["fixef_se"][i].get<double>();
    EXPECT_NEAR(fit.fixef[k], ref["fixef"][i].get<double>(), 0.01 * se) << fit.fixef_names[i];
    EXPECT_NEAR(fit.fixef_se[k], se, 0.002 * se) << fit.fixef_names[i];
  }
  // Sigma within 0.2%.
  EXPECT_NEAR(fit.sigma, ref["sigma"].get<double>(), 0.002 * ref["sigma"].get<double>());
  // Theta: as many; VarCorr's names exactly, its standard deviations within 0.2% of sigma
  // (theta's own scale), correlations within 0.005.
  EXPECT_EQ(fit.theta.size(), ref["theta"].size());
  ASSERT_EQ(fit.varcorr.size(), ref["varcorr_names"].size());
  for (std::size_t r = 0; r < fit.varcorr.size(); ++r) {
    const lmm::VarCorrRow& row = fit.varcorr[r];
    EXPECT_EQ(row.var1.value_or(""), ref["varcorr_names"][r].get<std::string>());
    const double expected = ref["varcorr_sdcor"][r].get<double>();
    EXPECT_NEAR(row.sdcor, expected, row.var2 ? 0.005 : 0.002 * fit.sigma) << "VarCorr row " << r + 1;
  }
}

INSTANTIATE_TEST_SUITE_P(Lme4, FunctionFit, ::testing::Range<std::size_t>(0, golden()["fits"].size()));

// The CLI's JSON for the same fits: the same names, the objective to 1e-6 relative.
TEST(FunctionFitCli, JsonNamesTheCoefficientsAsR) {
  for (const json& c : golden()["fits"]) {
    std::string args;
    for (const json& a : c["cli"]) {
      std::string s = a.get<std::string>(), quoted = "'";
      for (char ch : s) quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
      args += quoted + "' ";
    }
    const auto run = lmm::testing::run_cli(args);
    ASSERT_EQ(run.status, 0) << run.err;
    const json out = json::parse(run.out);
    std::vector<std::string> names;
    for (auto& [k, v] : out["fixef"].items()) names.push_back(k);
    EXPECT_EQ(names, strings(c["result"]["fixef_names"])) << c["id"];
    const double objective = c["result"]["objective"].get<double>();
    EXPECT_LE(out["objective"].get<double>() - objective, 1e-6 * std::fabs(objective)) << c["id"];
  }
}

// predict(fit, newdata, allow.new.levels = TRUE): the functions evaluated on the new rows; a
// value factor(x, levels = ) does not list is NA there (na.pass). Within 1e-6 relative, as
// prediction_test.
TEST(FunctionPredict, NewDataEvaluatesTheSameFunctions) {
  int compared = 0;
  for (const json& c : golden()["fits"]) {
    if (c["predict"].is_null()) continue;
    SCOPED_TRACE(c["id"].get<std::string>());
    const lmm::DataFrame data = lmm::read_csv(c["data"]);
    const lmm::LinearMixedModel model(c["formula"].get<std::string>(), data);
    const lmm::FitResult fit = model.fit();
    const Eigen::VectorXd got = lmm::predict(model, fit, lmm::read_csv(c["predict"]["newdata"]));
    const json& want = c["predict"]["values"];
    ASSERT_EQ(static_cast<std::size_t>(got.size()), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
      const auto expected = number_of(want[i]);
      const double g = got[static_cast<Eigen::Index>(i)];
      if (!expected) {
        EXPECT_TRUE(std::isnan(g)) << "row " << i + 1;
        continue;
      }
      EXPECT_NEAR(g, *expected, 1e-6 * std::fabs(*expected)) << "row " << i + 1;
      ++compared;
    }
  }
  EXPECT_GT(compared, 50);
}

// colnames(model.matrix(~ rhs, data)): the right-hand side's terms (expand_terms: a formula
// with a bar term would put `Days > 2 + (1 | Subject)` under the comparison, in R as here).
TEST(FunctionNames, ModelMatrixColumnsAreNamedAsR) {
  for (const json& c : golden()["model_matrix_names"]) {
    const std::string rhs = c["rhs"];
    SCOPED_TRACE(rhs);
    lmm::internal::FormulaSpec spec;
    const bool sleep = c["data"].get<std::string>().find("sleepstudy") != std::string::npos;
    spec.response = lmm::internal::make_name(sleep ? "Reaction" : "distance");
    spec.fixed = lmm::internal::expand_terms(lmm::internal::parse_formula("y ~ " + rhs).args[1]);
    const auto frame = lmm::internal::build_model_frame(spec, lmm::read_csv(c["data"]));
    const auto x = lmm::internal::model_matrix(spec.fixed, frame.fixed, frame.nobs);
    EXPECT_EQ(x.names, strings(c["names"]));
  }
}

// Element-wise values: evaluate_variable() against R's eval() of each expression on
// tests/data/elementwise.csv. Numbers within 2 ulp (4.5e-16 relative, 1e-300 absolute);
// NA, NaN and infinities exactly; a logical as its factor's labels FALSE/TRUE; a factor's levels
// and labels exactly.
TEST(FunctionValues, ElementwiseAsR) {
  const lmm::DataFrame data = lmm::read_csv("tests/data/elementwise.csv");
  for (const json& c : golden()["elementwise"]) {
    const std::string text = c["expression"];
    SCOPED_TRACE(text);
    const Expression e = lmm::internal::parse_formula("y ~ " + text).args[1];
    const lmm::internal::RawVariable raw = lmm::internal::evaluate_variable(e, data, false);
    const std::size_t n = raw.missing.size();
    if (c.contains("levels")) {
      ASSERT_TRUE(raw.var.is_factor);
      EXPECT_EQ(raw.var.levels, strings(c["levels"]));
      for (std::size_t i = 0; i < n; ++i)
        EXPECT_EQ(raw.missing[i] ? "NA" : raw.var.levels[static_cast<std::size_t>(raw.var.codes[i])],
                  c["labels"][i].get<std::string>()) << "row " << i + 1;
      continue;
    }
    ASSERT_EQ(raw.var.is_factor, c["logical"].get<bool>());
    for (std::size_t i = 0; i < n; ++i) {
      const auto want = number_of(c["values"][i]);
      SCOPED_TRACE("row " + std::to_string(i + 1));
      // R's NA %% 0 is NaN: either drops the row (lme4's na.omit), so a missing value stands
      // for R's NaN where an operand was missing.
      if (raw.missing[i] && want && std::isnan(*want)) continue;
      ASSERT_EQ(raw.missing[i] != 0, !want.has_value());
      if (!want) continue;
      const double got = raw.var.is_factor ? (raw.var.levels[static_cast<std::size_t>(raw.var.codes[i])] == "TRUE")
                                           : raw.var.values[i];
      if (std::isnan(*want) || std::isinf(*want)) {
        EXPECT_EQ(std::isnan(got), std::isnan(*want));
        if (std::isinf(*want)) {
          EXPECT_EQ(got, *want);
        }
      } else {
        EXPECT_NEAR(got, *want, std::max(1e-300, 4.5e-16 * std::fabs(*want)));
      }
    }
  }
}

// A function lmm does not evaluate is refused by its name and position, as a formula error
// (exit 4), never as a parse error; so are bad arguments of the supported ones.
TEST(FunctionErrors, UnsupportedFunctionsAreNamed) {
  const lmm::DataFrame data = lmm::read_csv("tests/data/Orthodont.csv");
  const auto message = [&](const std::string& formula) -> std::string {
    try {
      lmm::fit_lmm(formula, data);
    } catch (const lmm::Error& e) {
      EXPECT_EQ(e.kind(), lmm::ErrorKind::kFormula) << e.what();
      return e.what();
    }
    return "(no error)";
  };
  EXPECT_EQ(message("distance ~ foo(age, k = 2) + (1 | Subject)").rfind(
                "formula term 'foo(age, k = 2)' (position 12): unsupported function 'foo' (supported: I, ", 0),
            0u);
  EXPECT_NE(message("distance ~ log(age, bass = 2) + (1 | Subject)").find("argument 'bass' of log() is not supported"),
            std::string::npos);
  EXPECT_NE(message("distance ~ relevel(Sex, \"female\") + (1 | Subject)").find("'ref' must be an existing level"),
            std::string::npos);
  EXPECT_NE(message("distance ~ relevel(age, \"8\") + (1 | Subject)").find("relevel() needs a factor"),
            std::string::npos);
  EXPECT_NE(message("distance ~ factor(Sex, levels = c(\"Male\", \"Male\")) + (1 | Subject)")
                .find("level 'Male' is given twice"),
            std::string::npos);
  EXPECT_NE(message("distance ~ I(Sex > \"Male\") + (1 | Subject)").find("only == and != compare a factor"),
            std::string::npos);
  EXPECT_NE(message("distance ~ I(age > 8 && age < 12) + (1 | Subject)").find("compares single values"),
            std::string::npos);
  // R's model.frame stops with "variable lengths differ" for a constant variable.
  EXPECT_NE(message("distance ~ age + I(TRUE) + (1 | Subject)").find("the variable reads no column"), std::string::npos);
  EXPECT_NE(message("distance ~ age + I(2 * pi) + (1 | Subject)").find("the variable reads no column"), std::string::npos);
  EXPECT_NE(message("distance ~ age + (1 | Subject)").find("(no error)"), std::string::npos);
  EXPECT_NE(message("distance ~ I(age %in% 8) + (1 | Subject)").find("operator '%in%' is not supported in a variable"),
            std::string::npos);

  const auto run = lmm::testing::run_cli("fit 'distance ~ sinh(age) + (1 | Subject)' --data tests/data/Orthodont.csv");
  lmm::testing::expect_one_line_error(run, 4, "unsupported function 'sinh'");
}

}  // namespace
