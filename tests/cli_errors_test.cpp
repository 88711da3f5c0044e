// The lmm command's answer to bad input: one line on stderr naming the culprit, nothing on
// stdout, and an exit code by kind (2 usage, 3 data, 4 formula, 5 a model lme4 also refuses).
// Valid but unusual input, and hostile sizes, are here too: they must fit, or fail the same way.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cli_run.hpp"

namespace {

using lmm::testing::CliRun;
using lmm::testing::expect_one_line_error;
using lmm::testing::quoted_file;
const auto& lmm_cli = lmm::testing::run_cli;

constexpr int kUsage = 2, kData = 3, kFormula = 4, kModel = 5;

const std::string kClassroom = "--data ../shared/data/classroom.csv --factor classid,schoolid,classid2";

// Writes `content` to a file in the temporary directory and returns its path, named after the
// test and the process: ctest runs tests in parallel processes, which must not share a file.
// They are removed when the process ends.
std::string write_file(const std::string& name, const std::string& content) {
  struct Written {
    std::vector<std::string> paths;
    ~Written() {
      for (const std::string& p : paths) std::remove(p.c_str());
    }
  };
  static Written written;
  const auto* info = testing::UnitTest::GetInstance()->current_test_info();
  const std::string path = testing::TempDir() + "/cli_errors_" + info->test_suite_name() + "_" + info->name() + "_" +
                           std::to_string(::getpid()) + "_" + name;
  std::ofstream(path, std::ios::binary) << content;
  written.paths.push_back(path);
  return path;
}

// A small valid data set: y and x numeric, t text, g with 8 levels, one a single-level text
// column, h with one level per row.
std::string small_data() {
  std::string csv = "y,x,t,g,one,h\n";
  for (int i = 0; i < 40; ++i) {
    csv += std::to_string((i * 37 % 23) / 7.0) + "," + std::to_string((i * 11 % 13) / 3.0) + "," +
           std::string(1, "abcd"[i % 4]) + ",g" + std::to_string(i % 8) + ",k,h" + std::to_string(i) + "\n";
  }
  return csv;
}

// Fits `y ~ x + (1 | g)` to a file holding `csv` and expects the data error with `words`.
void expect_data_file_error(const std::string& name, const std::string& csv, const std::string& words) {
  expect_one_line_error(lmm_cli("fit 'y ~ x + (1 | g)' --data " + write_file(name, csv)), kData, words);
}

std::string fit_small(const std::string& formula, const std::string& extra = "") {
  return "fit '" + formula + "' --data " + write_file("small.csv", small_data()) + extra;
}

// ---- Files ----------------------------------------------------------------------------------

TEST(DataFileErrors, MissingFile) {
  expect_one_line_error(lmm_cli("fit 'y ~ x + (1 | g)' --data /nonexistent.csv"), kData,
                        "cannot open data file '/nonexistent.csv'");
}

TEST(DataFileErrors, DirectoryIsNotAFile) {
  expect_one_line_error(lmm_cli("fit 'y ~ x + (1 | g)' --data " + testing::TempDir()), kData, "it is a directory");
}

TEST(DataFileErrors, EmptyFile) {
  expect_one_line_error(lmm_cli("fit 'y ~ x + (1 | g)' --data " + write_file("empty.csv", "")), kData,
                        "the file is empty");
}

TEST(DataFileErrors, HeaderWithoutRows) {
  expect_one_line_error(lmm_cli("fit 'y ~ x + (1 | g)' --data " + write_file("header.csv", "y,x,g\n")), kData,
                        "a header but no data rows");
}

TEST(DataFileErrors, WrongNumberOfFieldsNamesTheLine) {
  expect_data_file_error("fields.csv", "y,x,g\n1,2,a\n\n3,4\n5,6,b\n", "line 4: expected 3 fields, found 2");
}

TEST(DataFileErrors, UnterminatedQuoteNamesTheLine) {
  expect_data_file_error("quote.csv", "y,x,g\n1,2,a\n3,4,\"b\n", "line 3: unterminated quoted field");
}

TEST(DataFileErrors, InvalidUtf8NamesTheLine) {
  expect_data_file_error("latin1.csv", "y,x,g\n1,2,a\n3,4,caf\xe9\n", "invalid UTF-8 at line 3");
}

TEST(DataFileErrors, BinaryContentNamesTheLine) {
  expect_data_file_error("binary.csv", std::string("y,x,g\n1,2\0,a\n", 13), "binary content (NUL byte) at line 2");
}

TEST(DataFileErrors, JoinedFileErrorsNameThatFile) {
  const std::string right = write_file("right_bad.csv", "g,w\ng1,1\ng2\n");
  const CliRun r = lmm_cli(fit_small("y ~ x + w + (1 | g)", " --join " + right + " --by g"));
  expect_one_line_error(r, kData, "line 3: expected 2 fields, found 1");
  EXPECT_NE(r.err.find(right), std::string::npos) << r.err;
}

// ---- Columns and values ---------------------------------------------------------------------

TEST(ColumnErrors, UnknownColumnInTheFormula) {
  expect_one_line_error(lmm_cli("fit 'mathscore ~ nosuch + (1 | schoolid)' " + kClassroom), kFormula,
                        "no column named 'nosuch'");
}

TEST(ColumnErrors, UnknownFactorColumn) {
  expect_one_line_error(lmm_cli(fit_small("y ~ x + (1 | g)", " --factor nope")), kData,
                        "--factor: no column named 'nope'");
}

TEST(ColumnErrors, UnknownByColumnNamesTheFile) {
  const std::string right = write_file("right.csv", "g,w\ng1,1\ng2,2\n");
  expect_one_line_error(lmm_cli(fit_small("y ~ x + w + (1 | g)", " --join " + right + " --by nope")), kData,
                        "--by: no column named 'nope' in '");
  const std::string keyless = write_file("keyless.csv", "k,w\ng1,1\ng2,2\n");
  expect_one_line_error(lmm_cli(fit_small("y ~ x + w + (1 | g)", " --join " + keyless + " --by g")), kData,
                        "--by: no column named 'g' in " + quoted_file(keyless));
}

TEST(ColumnErrors, TextResponse) {
  expect_one_line_error(lmm_cli(fit_small("t ~ x + (1 | g)")), kFormula,
                        "formula term 't': the response is text (a factor)");
}

TEST(ColumnErrors, TextColumnInArithmetic) {
  // A text predictor on its own is a factor, as in R; arithmetic on it is R's error too.
  expect_one_line_error(lmm_cli(fit_small("y ~ I(t^2) + (1 | g)")), kFormula,
                        "column 't' is text (a factor) and cannot be used in arithmetic");
  expect_one_line_error(lmm_cli(fit_small("y ~ log(t) + (1 | g)")), kFormula, "column 't' is text");
}

TEST(ColumnErrors, NonFiniteValuesNameTheRow) {
  std::string csv = "y,x,g\n";
  for (int i = 0; i < 12; ++i) csv += std::to_string(i) + "," + std::to_string(i % 5) + ",g" + std::to_string(i % 3) + "\n";
  const std::string inf_x = write_file("inf_x.csv", csv + "12,Inf,g0\n");
  expect_one_line_error(lmm_cli("fit 'y ~ x + (1 | g)' --data " + inf_x), kData,
                        "formula term 'x': non-finite value (Inf) in data row 13");
  const std::string nan_y = write_file("nan_y.csv", csv + "NaN,1,g0\n");
  expect_one_line_error(lmm_cli("fit 'y ~ x + (1 | g)' --data " + nan_y), kData,
                        "formula term 'y': non-finite value (NaN) in data row 13");
  const std::string log_zero = write_file("log_zero.csv", csv);
  expect_one_line_error(lmm_cli("fit 'y ~ log(x) + (1 | g)' --data " + log_zero), kData,
                        "formula term 'log(x)': non-finite value (-Inf) in data row 1");
  // A non-finite value in a column the model does not use is no error.
  std::string with_unused = "w,y,x,g\n";
  for (int i = 0; i < 12; ++i)
    with_unused += std::string(i == 3 ? "Inf" : "1") + "," + std::to_string(i) + "," + std::to_string(i % 5) + ",g" +
                   std::to_string(i % 3) + "\n";
  EXPECT_EQ(lmm_cli("fit 'y ~ x + (1 | g)' --data " + write_file("inf_unused.csv", with_unused)).status, 0);
}

// What R's read.csv reads as Inf or NaN (any case, Infinity, out of range, hexadecimal) is a
// number here too, and a used variable holding one stops at its row as Inf and NaN do.
TEST(ColumnErrors, NonFiniteSpellingsNameTheRow) {
  std::string csv = "y,x,g\n";
  for (int i = 0; i < 12; ++i) csv += std::to_string(i) + "," + std::to_string(i % 5) + ",g" + std::to_string(i % 3) + "\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"1e400", "Inf"}, {"-1e999", "-Inf"}, {"INF", "Inf"}, {"-Infinity", "-Inf"}, {"\" nan \"", "NaN"},
      {"-NaN", "NaN"}, {"0x1p1024", "Inf"}};
  for (const auto& [spelling, label] : cases) {
    const std::string x = write_file("x.csv", csv + "12," + spelling + ",g0\n");
    expect_one_line_error(lmm_cli("fit 'y ~ x + (1 | g)' --data " + x), kData,
                          "formula term 'x': non-finite value (" + label + ") in data row 13");
    const std::string y = write_file("y.csv", csv + spelling + ",1,g0\n");
    expect_one_line_error(lmm_cli("fit 'y ~ x + (1 | g)' --data " + y), kData,
                          "formula term 'y': non-finite value (" + label + ") in data row 13");
  }
}

TEST(ColumnErrors, NoCompleteObservations) {
  const std::string path = write_file("no_complete.csv", "y,x,g\nNA,1,a\n2,NA,b\n3,,c\n");
  expect_one_line_error(lmm_cli("fit 'y ~ x + (1 | g)' --data " + path), kData,
                        "no complete observations: every one of the 3 rows has a missing value");
}

// ---- Formulas -------------------------------------------------------------------------------

TEST(FormulaErrors, ParseErrorsPointAtThePosition) {
  expect_one_line_error(lmm_cli(fit_small("y ~ x + (1 | g")), kFormula,
                        "formula error at position 15: expected ')' to close the '(' at position 9");
  expect_one_line_error(lmm_cli(fit_small("y ~ x + (1 | g) +")), kFormula,
                        "formula error at position 18: the formula ends where a term was expected");
  expect_one_line_error(lmm_cli(fit_small("~ x + (1 | g)")), kFormula, "the formula has no response");
  expect_one_line_error(lmm_cli(fit_small("y ~ x $ z + (1 | g)")), kFormula, "formula error at position 7: unexpected '$'");
}

TEST(FormulaErrors, DeepParenthesesAreRefusedInOneShortLine) {
  const std::string deep = std::string(50000, '(') + "x" + std::string(50000, ')');
  const CliRun r = lmm_cli(fit_small("y ~ " + deep + " + (1 | g)"));
  expect_one_line_error(r, kFormula, "the formula nests deeper than 200 levels");
  EXPECT_LT(r.err.size(), 300u) << "the message quotes an excerpt of the formula, not all of it";
}

// ---- Models lme4 refuses --------------------------------------------------------------------

TEST(ModelChecks, NoRandomEffectsTerms) {
  expect_one_line_error(lmm_cli(fit_small("y ~ x")), kModel, "no random effects terms specified in formula 'y ~ x'");
}

TEST(ModelChecks, GroupingFactorWithOneLevel) {
  expect_one_line_error(lmm_cli(fit_small("y ~ x + (1 | one)")), kModel,
                        "grouping factor 'one' must have more than 1 sampled level (it has 1)");
}

TEST(ModelChecks, GroupingFactorWithALevelPerObservation) {
  expect_one_line_error(lmm_cli(fit_small("y ~ x + (1 | h)")), kModel,
                        "number of levels of each grouping factor must be < number of observations "
                        "(problems: h, with 40 levels for 40 observations)");
}

TEST(ModelChecks, MoreRandomEffectsThanObservations) {
  std::string csv = "y,x,g\n";
  for (int i = 0; i < 30; ++i) csv += std::to_string(i * 7 % 11) + "," + std::to_string(i % 4) + ",g" + std::to_string(i % 20) + "\n";
  expect_one_line_error(lmm_cli("fit 'y ~ x + (x | g)' --data " + write_file("many_re.csv", csv)), kModel,
                        "number of observations (=30) <= number of random effects (=40) for term (x | g); the "
                        "random-effects parameters and the residual variance are probably unidentifiable");
}

TEST(ModelChecks, FactorWithOneLevelHasNoContrasts) {
  expect_one_line_error(lmm_cli(fit_small("y ~ x + one + (1 | g)")), kModel,
                        "factor 'one' has a single level in the data used; contrasts need 2 or more levels");
}

// ---- The command line -----------------------------------------------------------------------

TEST(UsageErrors, UnknownOptionAndCommand) {
  expect_one_line_error(lmm_cli(fit_small("y ~ x + (1 | g)", " --bogus")), kUsage, "--bogus");
  expect_one_line_error(lmm_cli("frobnicate"), kUsage, "unknown command 'frobnicate'");
}

TEST(UsageErrors, MissingOrInvalidOptionValues) {
  expect_one_line_error(lmm_cli("fit 'y ~ x + (1 | g)'"), kUsage, "--data is required");
  expect_one_line_error(lmm_cli(fit_small("y ~ x + (1 | g)", " --max-evaluations 0")), kUsage, "--max-evaluations");
  expect_one_line_error(lmm_cli(fit_small("y ~ x + (1 | g)", " --format yaml")), kUsage, "--format");
  expect_one_line_error(lmm_cli(fit_small("y ~ x + (1 | g)", " --ddf kenward")), kUsage, "--ddf");
}

TEST(UsageErrors, JoinWithoutBy) {
  expect_one_line_error(lmm_cli(fit_small("y ~ x + (1 | g)", " --join x.csv")), kUsage, "each --join needs one --by");
}

// ---- Hostile sizes --------------------------------------------------------------------------

TEST(HostileSizes, LargeFileWithABadLastRowNamesItsLineAndPrintsNothing) {
  std::string csv = "y,x,g\n";
  csv.reserve(20'000'000);
  for (int i = 0; i < 1'000'000; ++i)
    csv += std::to_string(i % 997) + "," + std::to_string(i % 13) + ",g" + std::to_string(i % 500) + "\n";
  csv += "1,2\n";
  expect_one_line_error(lmm_cli("fit 'y ~ x + (1 | g)' --data " + write_file("large.csv", csv)), kData,
                        "line 1000002: expected 3 fields, found 2");
}

TEST(HostileSizes, VeryLongHeaderStillFits) {
  std::string header = "y,x,g", row_tail;
  for (int c = 0; c < 20000; ++c) {
    header += ",filler_column_with_a_long_name_" + std::to_string(c);
    row_tail += ",0";
  }
  std::string csv = header + "\n";
  for (int i = 0; i < 30; ++i)
    csv += std::to_string(i * 7 % 11) + "," + std::to_string(i % 4) + ",g" + std::to_string(i % 6) + row_tail + "\n";
  const CliRun r = lmm_cli("fit 'y ~ x + (1 | g)' --format json --data " + write_file("wide.csv", csv));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["nobs"], 30);
}

TEST(HostileSizes, ManyThousandsOfLevelsFit) {
  std::string csv = "y,x,g\n";
  for (int i = 0; i < 60000; ++i)
    csv += std::to_string((i * 7919) % 1000 / 100.0 + (i % 20000) % 7) + "," + std::to_string(i % 9) + ",level" +
           std::to_string(i % 20000) + "\n";
  const CliRun r = lmm_cli("fit 'y ~ x + (1 | g)' --format json --data " + write_file("levels.csv", csv));
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["nobs"], 60000);
  EXPECT_EQ(j["ngroups"]["g"], 20000);
}

// ---- Valid but unusual input ----------------------------------------------------------------

TEST(UnusualInput, BomCrlfQuotedCommasAndMissingValuesFit) {
  std::string csv = "\xEF\xBB\xBFy,x,\"site, city\"\r\n";
  for (int i = 0; i < 24; ++i) {
    const std::string y = i == 5 ? "NA" : std::to_string(i * 13 % 17);
    const std::string x = i == 9 ? "" : std::to_string(i % 5);
    csv += y + "," + x + ",\"Berlin, " + std::to_string(i % 4) + "\"\r\n";
  }
  const CliRun r = lmm_cli("fit 'y ~ x + (1 | site..city)' --format json --data " + write_file("unusual.csv", csv));
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["nobs"], 22);
  EXPECT_EQ(j["nobs_dropped"], 2);
  EXPECT_EQ(j["ngroups"]["site..city"], 4);
}

// Numbers spelled as R also reads them (hexadecimal, white space, signs, a point without digits
// on one side, underflow to 0) keep a column numeric: x is one coefficient, not a factor's.
TEST(UnusualInput, NumbersInRsOtherSpellingsFitAsNumbers) {
  const std::vector<std::string> spellings = {" 0x3 ", "+2", ".5", "4.", "1e-400", "\"\t1E0\"", "0X1p1"};
  std::string csv = "y,x,g\n";
  for (int i = 0; i < 24; ++i)
    csv += std::to_string(i * 13 % 17) + "," + (i < 7 ? spellings[static_cast<std::size_t>(i)] : std::to_string(i % 5)) +
           ",g" + std::to_string(i % 4) + "\n";
  const CliRun r = lmm_cli("fit 'y ~ x + (1 | g)' --format json --data " + write_file("spellings.csv", csv));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const auto j = nlohmann::json::parse(r.out);
  std::vector<std::string> names;
  for (auto& [k, v] : j["fixef"].items()) names.push_back(k);
  EXPECT_EQ(names, (std::vector<std::string>{"(Intercept)", "x"}));
  EXPECT_EQ(j["nobs"], 24);
}

// A column that is numbers but for a few fields is text, as in R, with one warning line on
// stderr naming the first such field; the fit goes on.
TEST(UnusualInput, AColumnSpoiledByAFewFieldsIsNamedInAWarning) {
  std::string csv = "y,x,g,dose\n";
  for (int i = 0; i < 30; ++i)
    csv += std::to_string(i * 13 % 17) + "," + std::to_string(i % 5) + ",g" + std::to_string(i % 4) + "," +
           (i == 3 ? std::string("\"3,5\"") : std::to_string(i) + ".5") + "\n";
  const std::string path = write_file("spoiled.csv", csv);
  const CliRun r = lmm_cli("fit 'y ~ x + (1 | g)' --data " + path);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "lmm: warning: data file " + quoted_file(path) +
                       ": column 'dose' is read as text (a factor of 30 levels) because of 1 field that is not a "
                       "number, '3,5' on line 5\n");
  EXPECT_NE(r.out.find("Linear mixed model fit by REML"), std::string::npos) << r.out;
  // A run that fails prints its error line alone: the warning is held back until success.
  const CliRun failed = lmm_cli("fit 'y ~ x + (1 | nosuch)' --data " + path);
  EXPECT_EQ(failed.status, 4) << failed.err;
  EXPECT_EQ(std::count(failed.err.begin(), failed.err.end(), '\n'), 1) << failed.err;
  EXPECT_EQ(failed.err.rfind("lmm: error: ", 0), 0u) << failed.err;
}

TEST(UnusualInput, RankDeficientFixedEffectsDropColumnsWithAMessage) {
  std::string csv = "y,x,x2,g\n";
  for (int i = 0; i < 24; ++i)
    csv += std::to_string(i * 13 % 17) + "," + std::to_string(i % 5) + "," + std::to_string(2 * (i % 5)) + ",g" +
           std::to_string(i % 4) + "\n";
  const CliRun r = lmm_cli("fit 'y ~ x + x2 + (1 | g)' --data " + write_file("rank.csv", csv));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("fixed-effect model matrix is rank deficient so dropping 1 column / coefficient"),
            std::string::npos)
      << r.out;
}

// ---- Joins and names (issue 18) -------------------------------------------------------------

TEST(JoinErrors, DuplicateKeyInTheGroupTableNamesTheValueTheFileAndBothLines) {
  const std::string groups = write_file("groups.csv", "g,w\ng0,1\ng1,2\ng2,3\ng1,4\n");
  expect_one_line_error(lmm_cli(fit_small("y ~ x + w + (1 | g)", " --join " + groups + " --by g")), kData,
                        "data file " + quoted_file(groups) +
                            ": key 'g' value 'g1' appears on lines 3 and 5; a group-level table needs one row per key");
}

TEST(JoinErrors, AJoinThatMatchesNothingNamesBothFiles) {
  const std::string data = write_file("small.csv", small_data());
  const std::string groups = write_file("groups.csv", "g,w\nG0,1\nG1,2\n");
  expect_one_line_error(lmm_cli("fit 'y ~ x + w + (1 | g)' --data " + data + " --join " + groups + " --by g"), kData,
                        "join by 'g': no key of " + quoted_file(data) + " (such as 'g0') matches one of " +
                            quoted_file(groups) + " (such as 'G0')");
}

TEST(JoinErrors, ChainedJoinsEachCheckTheirKeys) {
  const std::string data = write_file("small.csv", small_data());
  const std::string groups = write_file("groups.csv", "g,w,s\ng0,1,s1\ng1,2,s1\ng2,3,s2\n");
  const std::string sites = write_file("sites.csv", "s,z\ns1,5\ns2,6\ns1,7\n");
  expect_one_line_error(lmm_cli("fit 'y ~ x + w + z + (1 | g)' --data " + data + " --join " + groups +
                                " --by g --join " + sites + " --by s"),
                        kData, "data file " + quoted_file(sites) + ": key 's' value 's1' appears on lines 2 and 4");
}

// A header as written, backticked in the formula or given to --factor and --by, names the same
// column as its make.names spelling.
TEST(Names, BacktickedHeadersAndRNamesFitTheSameModel) {
  std::string csv = "log y,dose (mg),my group\n";
  for (int i = 0; i < 40; ++i)
    csv += std::to_string((i * 37 % 23) / 7.0) + "," + std::to_string(i % 5) + "," + std::to_string(i % 8) + "\n";
  const std::string data = write_file("names.csv", csv);
  const std::string groups = write_file("groups.csv", "my group,size (m2)\n0,1\n1,3\n2,2\n3,5\n4,4\n5,7\n6,6\n7,9\n");
  const CliRun by_header = lmm_cli("fit '`log y` ~ `dose (mg)` + `size (m2)` + (1 | `my group`)' --format json --data " +
                                   data + " --join " + groups + " --by 'my group' --factor 'my group'");
  const CliRun by_r_name = lmm_cli("fit 'log.y ~ dose..mg. + size..m2. + (1 | my.group)' --format json --data " + data +
                                   " --join " + groups + " --by my.group --factor my.group");
  ASSERT_EQ(by_header.status, 0) << by_header.err;
  ASSERT_EQ(by_r_name.status, 0) << by_r_name.err;
  const auto a = nlohmann::json::parse(by_header.out), b = nlohmann::json::parse(by_r_name.out);
  EXPECT_EQ(a["objective"], b["objective"]);
  EXPECT_EQ(a["nobs"], 40);
}

// read.csv's names for repeated headers: y, x, x.1.
TEST(Names, RepeatedHeadersAreNamedAsReadCsvNamesThem) {
  std::string csv = "y,x,x,g\n";
  for (int i = 0; i < 24; ++i)
    csv += std::to_string(i * 13 % 17) + "," + std::to_string(i % 5) + "," + std::to_string(i % 3) + ",g" +
           std::to_string(i % 4) + "\n";
  const CliRun dup = lmm_cli("fit 'y ~ x + x.1 + (1 | g)' --format json --data " + write_file("dup.csv", csv));
  ASSERT_EQ(dup.status, 0) << dup.err;
  EXPECT_EQ(nlohmann::json::parse(dup.out)["nobs"], 24);
}

TEST(Names, UnknownNamesSuggestTheClosestColumn) {
  expect_one_line_error(lmm_cli(fit_small("y ~ X + (1 | g)")), kFormula,
                        "formula term 'X': no column named 'X' in the data (did you mean 'x'?)");
  expect_one_line_error(lmm_cli(fit_small("y ~ x + (1 | g)", " --factor G")), kData,
                        "--factor: no column named 'G' in the data (did you mean 'g'?)");
  const std::string groups = write_file("groups.csv", "g,w\ng0,1\ng1,2\n");
  expect_one_line_error(lmm_cli(fit_small("y ~ x + w + (1 | g)", " --join " + groups + " --by G")), kData,
                        "--by: no column named 'G' in '");
  EXPECT_NE(lmm_cli(fit_small("y ~ x + w + (1 | g)", " --join " + groups + " --by G")).err.find("(did you mean 'g'?)"),
            std::string::npos);
  const std::string newdata = write_file("new.csv", "X,g\n1,g0\n");
  expect_one_line_error(lmm_cli("predict 'y ~ x + (1 | g)' --data " + write_file("small.csv", small_data()) +
                                " --newdata " + newdata),
                        kData, "newdata has no column 'x', which the model uses (did you mean 'X'?)");
}

}  // namespace

// ---- Limits and options (issue 18) ----------------------------------------------------------

namespace {

// The exact stderr of a usage error: its one line and nothing else.
void expect_usage_error(const std::string& args, const std::string& line) {
  const CliRun r = lmm_cli(args);
  EXPECT_EQ(r.status, kUsage) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(r.err, "lmm: error: " + line + "\n");
}

std::string confint_small(const std::string& extra) {
  return "confint 'y ~ x + (1 | g)' --data " + write_file("small.csv", small_data()) + extra;
}

std::string bootstrap_small(const std::string& extra) {
  return "bootstrap 'y ~ x + (1 | g)' --data " + write_file("small.csv", small_data()) + extra;
}

}  // namespace

TEST(OptionChecks, NsimIsAWholeNumberOfAtLeastOne) {
  const std::string rule = "--nsim: must be a whole number from 1 to 2147483647";
  expect_usage_error(confint_small(" --method boot --nsim 0"), rule + " (got '0')");
  expect_usage_error(bootstrap_small(" --nsim 0"), rule + " (got '0')");
  expect_usage_error(bootstrap_small(" --nsim -3"), rule + " (got '-3')");
  expect_usage_error(bootstrap_small(" --nsim 2.5"), rule + " (got '2.5')");
  expect_usage_error(bootstrap_small(" --nsim 2147483648"), rule + " (got '2147483648')");
}

TEST(OptionChecks, SeedIsAWholeNumberBelowTwoToThe64) {
  const std::string rule = "--seed: must be a whole number from 0 to 18446744073709551615";
  expect_usage_error(bootstrap_small(" --seed -1"), rule + " (got '-1')");
  expect_usage_error(bootstrap_small(" --seed 99999999999999999999999"), rule + " (got '99999999999999999999999')");
  expect_usage_error(bootstrap_small(" --seed 18446744073709551616"), rule + " (got '18446744073709551616')");
  expect_usage_error(confint_small(" --method boot --seed 1e3"), rule + " (got '1e3')");
  const CliRun largest = lmm_cli(bootstrap_small(" --nsim 2 --seed 18446744073709551615"));
  EXPECT_EQ(largest.status, 0) << largest.err;
  const CliRun other = lmm_cli(bootstrap_small(" --nsim 2 --seed 18446744073709551614"));
  EXPECT_EQ(other.status, 0) << other.err;
  EXPECT_NE(largest.out, other.out);
}

TEST(OptionChecks, ThreadsAreAtLeastOneAndMoreThanTheCoresAreNoted) {
  const std::string rule = "--threads: must be a whole number from 1 to 1024";
  expect_usage_error(bootstrap_small(" --threads 0"), rule + " (got '0')");
  expect_usage_error(confint_small(" --threads -2"), rule + " (got '-2')");
  expect_usage_error(confint_small(" --threads 1025"), rule + " (got '1025')");
  const unsigned cores = std::thread::hardware_concurrency();
  if (cores == 0 || cores >= 1024) GTEST_SKIP() << "cannot ask for more threads than this machine's cores";
  const CliRun r = lmm_cli(bootstrap_small(" --nsim 2 --threads 1024"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("lmm: note: --threads 1024 is more than this machine's " + std::to_string(cores) +
                       (cores == 1 ? " core" : " cores") + "; the threads share them\n"),
            std::string::npos)
      << r.err;
}

TEST(OptionChecks, LevelIsStrictlyBetweenZeroAndOne) {
  const std::string rule = "--level: must be a number strictly between 0 and 1";
  expect_usage_error(confint_small(" --level 0"), rule + " (got '0')");
  expect_usage_error(confint_small(" --level 1"), rule + " (got '1')");
  expect_usage_error(confint_small(" --level 95"), rule + " (got '95')");
  expect_usage_error(confint_small(" --level nan"), rule + " (got 'nan')");
  expect_usage_error(confint_small(" --level 0.9x"), rule + " (got '0.9x')");
  const CliRun r = lmm_cli(confint_small(" --method wald --level 0.5"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("25 %"), std::string::npos) << r.out;
}

TEST(OptionChecks, MaxEvaluationsIsAWholeNumberOfAtLeastOne) {
  const std::string rule = "--max-evaluations: must be a whole number from 1 to 2147483647";
  expect_usage_error(fit_small("y ~ x + (1 | g)", " --max-evaluations 0"), rule + " (got '0')");
  expect_usage_error(fit_small("y ~ x + (1 | g)", " --max-evaluations ten"), rule + " (got 'ten')");
  expect_usage_error(fit_small("y ~ x + (1 | g)", " --max-evaluations 99999999999"), rule + " (got '99999999999')");
}

TEST(OptionChecks, AnUnknownParameterIsTheOnlyLinePrinted) {
  expect_usage_error(confint_small(" --parm nosuchparm"),
                     "no parameter named 'nosuchparm' (parameters: .sig01, .sigma, (Intercept), x; or theta_ or beta_)");
  expect_usage_error(confint_small(" --method boot --nsim 2 --parm nosuchparm"),
                     "no parameter named 'nosuchparm' (parameters: .sig01, .sigma, (Intercept), x; or theta_ or beta_)");
}

TEST(OptionChecks, ALongOptionValueIsQuotedAsAnExcerpt) {
  const std::string value(100000, '7');
  expect_usage_error(bootstrap_small(" --nsim " + value),
                     "--nsim: must be a whole number from 1 to 2147483647 (got '" + std::string(81, '7') + "...')");
}

TEST(LongInput, AHundredKilobyteNameGivesOneShortLine) {
  const std::string name(100000, 'z');
  for (const std::string& args :
       {fit_small("y ~ " + name + " + (1 | g)"), fit_small("y ~ x + (1 | g)", " --factor " + name), name,
        fit_small("y ~ x + (1 | g)", " --" + name)}) {
    const CliRun r = lmm_cli(args);
    EXPECT_NE(r.status, 0);
    EXPECT_TRUE(r.out.empty());
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err.substr(0, 400);
    EXPECT_LE(r.err.size(), 12 + 300 + 1) << r.err.substr(0, 400);
  }
  expect_one_line_error(lmm_cli(fit_small("y ~ x + (1 | g)", " --factor " + name)), kData,
                        "lmm: error: --factor: no column named '" + std::string(81, 'z') + "...' in the data\n");
  expect_one_line_error(lmm_cli(name), kUsage, "lmm: error: unknown command '" + std::string(81, 'z') + "...' (commands: ");
}

TEST(LongInput, ALineBreakInANameStaysOnTheLine) {
  expect_one_line_error(lmm_cli(fit_small("y ~ x + (1 | g)", " --factor 'a\nb'")), kData,
                        "lmm: error: --factor: no column named 'a\\nb' in the data\n");
}

// A design far larger than any machine's memory: (a + ... + h)^8 of eight 10-level factors has
// 10^8 columns, 2000 rows of them 1.5 TiB. It is refused before anything is allocated.
TEST(MemoryLimits, ADesignThatCannotFitIsAModelErrorNamingItsSize) {
  std::string csv = "y,a,b,c,d,e,f,g,h,g0\n";
  for (int i = 0; i < 2000; ++i) {
    csv += std::to_string(i * 37 % 101 / 10.0);
    for (int v = 0; v < 8; ++v) csv += ",l" + std::to_string((i * (v + 3) + v * i / 7) % 10);
    csv += ",G" + std::to_string(i % 20) + "\n";
  }
  const CliRun r =
      lmm_cli("fit 'y ~ (a + b + c + d + e + f + g + h)^8 + (1 | g0)' --data " + write_file("design.csv", csv));
  EXPECT_EQ(r.status, kModel) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_TRUE(std::regex_match(r.err, std::regex("lmm: error: the fixed-effects matrix would be 2000 rows x 100000000 "
                                                 "columns \\(1\\.5 TiB\\), more than this machine's [0-9.]+ [KMGT]iB "
                                                 "of memory\n")))
      << r.err;
}

// ---- Red team (issue 18): a column that is text only because of a field ----------------------

// The response, or a column in arithmetic, that is text only because of a field names the field
// and its line (with fewer than 21 levels there is no warning, so the error is the one line).
TEST(ColumnErrors, ATextColumnThatIsMostlyNumbersNamesTheFieldThatIsNot) {
  const std::string path = write_file("spoiled_y.csv", "y,x,g,z\n1,2,a,1\n2,3,a,2\n1d5,4,b,3\n4,1,b,4\n5,2,c,5\n3,x,c,6\n");
  expect_one_line_error(lmm_cli("fit 'y ~ 1 + (1 | g)' --data " + path), kFormula,
                        "lmm: error: formula term 'y': the response is text (a factor) because of 1 field that is not "
                        "a number, '1d5' on line 4; a linear mixed model needs a numeric response\n");
  expect_one_line_error(lmm_cli("fit 'z ~ log(x) + (1 | g)' --data " + path), kFormula,
                        "lmm: error: formula term 'x': column 'x' is text (a factor) because of 1 field that is not a "
                        "number, 'x' on line 7 and cannot be used in arithmetic\n");
}
