// The commands `lmm predict`, `lmm ranef` and `lmm coef` against lme4 1.1-31
// (tests/golden/lme4_inference.json, written by tools/reference/lme4_inference.R).
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "cli_run.hpp"
#include "seed_data.hpp"
#include "seed_fits.hpp"

namespace {

using namespace lmm::testing;  // run_cli, expect_one_line_error, inference_goldens, relative_difference
using nlohmann::json;

const std::string kSleep = "'Reaction ~ Days + (Days | Subject)' --data ../shared/data/sleepstudy.csv --factor Subject";

std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::istringstream l(line);
    std::string field;
    while (std::getline(l, field, ',')) fields.push_back(field);
    rows.push_back(fields);
  }
  return rows;
}

void expect_cli_predictions(const CliRun& r, const json& c) {
  ASSERT_EQ(r.status, 0) << r.err;
  const auto rows = csv_rows(r.out);
  const json& want = c["values"];
  ASSERT_EQ(rows.size(), want.size() + 1);
  EXPECT_EQ(rows[0], std::vector<std::string>{"fit"});
  for (std::size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(rows[i + 1].size(), 1u);
    if (want[i].is_null()) {
      EXPECT_EQ(rows[i + 1][0], "NA");
      continue;
    }
    // The library's predictions (same tolerance and reason), printed to round-trip precision.
    EXPECT_LE(relative_difference(std::stod(rows[i + 1][0]), want[i].get<double>()), 1e-6) << rows[i + 1][0];
  }
}

TEST(CliPredict, CsvWithNewDataAgreesWithLme4) {
  const json& golden = inference_goldens()["predict"];
  expect_cli_predictions(run_cli("predict " + kSleep + " --newdata tests/data/newdata_sleepstudy.csv"), golden[0]);
  expect_cli_predictions(
      run_cli("predict " + kSleep + " --newdata tests/data/newdata_sleepstudy.csv --no-random-effects"), golden[1]);
  expect_cli_predictions(
      run_cli("predict 'mathach ~ ses + himinty + ses:himinty + (ses | school)' --data ../shared/data/mathachieve.csv "
              "--join ../shared/data/mathachieveschool.csv --by school --factor himinty "
              "--newdata tests/data/newdata_mathach.csv"),
      golden[4]);
}

TEST(CliPredict, NewdataFactorOption) {
  const json& golden = inference_goldens()["predict"];
  expect_cli_predictions(run_cli("predict 'mathscore ~ ses + (ses | schoolid) + (1 | classid)' "
                                 "--data ../shared/data/classroom.csv --newdata tests/data/newdata_classroom.csv "
                                 "--newdata-factor schoolid,classid"),
                         golden[2]);
  expect_one_line_error(run_cli("predict " + kSleep + " --newdata tests/data/newdata_sleepstudy.csv --newdata-factor nope"),
                        3, "--newdata-factor: no column named 'nope'");
}

TEST(CliPredict, JsonHasNullForMissing) {
  const CliRun r = run_cli("predict " + kSleep + " --newdata tests/data/newdata_sleepstudy.csv --format json");
  ASSERT_EQ(r.status, 0) << r.err;
  const json j = json::parse(r.out);
  ASSERT_EQ(j["fit"].size(), 12u);
  EXPECT_TRUE(j["fit"][11].is_null());
  EXPECT_LE(relative_difference(j["fit"][0].get<double>(), inference_goldens()["predict"][0]["values"][0]), 1e-6);
}

TEST(CliPredict, WithoutNewdataFittedAndResiduals) {
  const CliRun r = run_cli("predict " + kSleep);
  ASSERT_EQ(r.status, 0) << r.err;
  const auto rows = csv_rows(r.out);
  ASSERT_EQ(rows.size(), 181u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"row", "fitted", "residual"}));
  const json& c = inference_goldens()["fitted_residuals"];
  for (std::size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(rows[i + 1][0], std::to_string(i + 1));
    const double want = c["fitted"][i].get<double>();
    EXPECT_LE(relative_difference(std::stod(rows[i + 1][1]), want), 1e-6);
    EXPECT_LE(std::fabs(std::stod(rows[i + 1][2]) - c["residuals"][i].get<double>()), 1e-6 * std::fabs(want));
  }
}

TEST(CliPredict, Errors) {
  expect_one_line_error(
      run_cli("predict " + kSleep + " --newdata tests/data/newdata_sleepstudy.csv --no-new-levels"), 3, "'999', '1000'");
  expect_one_line_error(run_cli("predict " + kSleep + " --newdata tests/data/newdata_classroom.csv"), 3,
                        "no column 'Days'");
  expect_one_line_error(run_cli("predict " + kSleep + " --no-random-effects"), 2, "need --newdata");
  expect_one_line_error(run_cli("predict " + kSleep + " --newdata /nonexistent.csv"), 3, "/nonexistent.csv");
}

TEST(CliRanef, CsvRowsAsLme4Orders) {
  const CliRun r = run_cli("ranef 'diameter ~ 1 + (1 | plate) + (1 | sample)' --data ../shared/data/Penicillin.csv");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto rows = csv_rows(r.out);
  const json& want = inference_goldens()["ranef_condvar"][3]["rows"];
  ASSERT_EQ(rows.size(), want.size() + 1);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"grpvar", "term", "grp", "condval", "condsd"}));
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(rows[i + 1][0], want[i]["grpvar"]);
    EXPECT_EQ(rows[i + 1][1], want[i]["term"]);
    EXPECT_EQ(rows[i + 1][2], want[i]["grp"]);
    // As the library's table (same tolerance and reason).
    EXPECT_LE(relative_difference(std::stod(rows[i + 1][4]), want[i]["condsd"].get<double>()), 1e-3);
  }
}

TEST(CliCoef, CsvAndJson) {
  const CliRun csv = run_cli("coef " + kSleep);
  ASSERT_EQ(csv.status, 0) << csv.err;
  const auto rows = csv_rows(csv.out);
  ASSERT_EQ(rows.size(), 19u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"grpvar", "grp", "(Intercept)", "Days"}));
  EXPECT_EQ(rows[1][0], "Subject");
  EXPECT_EQ(rows[1][1], "308");
  const json& want = inference_goldens()["coef"]["groups"]["Subject"];
  EXPECT_LE(relative_difference(std::stod(rows[1][2]), want["(Intercept)"][0].get<double>()), 1e-6);
  const CliRun js = run_cli("coef " + kSleep + " --format json");
  ASSERT_EQ(js.status, 0) << js.err;
  const json j = json::parse(js.out);
  EXPECT_EQ(j["Subject"]["levels"], want["levels"]);
  EXPECT_LE(relative_difference(j["Subject"]["Days"][0].get<double>(), want["Days"][0].get<double>()), 1e-6);
}

}  // namespace
