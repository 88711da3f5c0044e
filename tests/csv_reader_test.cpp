// read_csv: RFC 4180, R's type decisions, and one-line errors naming the line.
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "lmm/data_frame.hpp"
#include "lmm/error.hpp"

namespace {

lmm::DataFrame parse(const std::string& text) { return lmm::read_csv_text(text, "test.csv"); }

std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const lmm::Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(CsvReader, QuotedNumbersAreNumeric) {
  const auto d = parse("\"Subject\",\"Reaction\"\n\"308\",249.56\n\"309\",222.7\n");
  EXPECT_FALSE(d.column("Subject").is_factor());
  EXPECT_DOUBLE_EQ(d.column("Subject").numbers[1], 309.0);
  EXPECT_DOUBLE_EQ(d.column("Reaction").numbers[0], 249.56);
}

TEST(CsvReader, TextBecomesFactorWithRSortedLevels) {
  const auto d = parse("g\nb\nB\na\nA10\nA2\n");
  const auto& g = d.column("g");
  ASSERT_TRUE(g.is_factor());
  // R's ICU collation (tests/level_order_test.cpp checks it in full): letters before case, lower
  // case first on a tie, digits as text.
  EXPECT_EQ(g.levels, (std::vector<std::string>{"a", "A10", "A2", "b", "B"}));
  EXPECT_EQ(g.codes, (std::vector<int>{3, 4, 0, 1, 2}));
}

// Repeated labels share one code, missing rows keep -1, whatever order the labels come in.
TEST(CsvReader, RepeatedAndMissingLabelsGetTheirLevelsCodes) {
  const auto d = parse("g,x\nb,1\n,2\nB,3\nb,4\na,5\nNA,6\nB,7\nab,8\n");
  const auto& g = d.column("g");
  ASSERT_TRUE(g.is_factor());
  EXPECT_EQ(g.levels, (std::vector<std::string>{"a", "ab", "b", "B"}));
  EXPECT_EQ(g.codes, (std::vector<int>{2, -1, 3, 2, 0, -1, 3, 1}));
}

TEST(CsvReader, ByteOrderMarkCrlfAndQuotedCommas) {
  const auto d = parse("\xEF\xBB\xBFname,x\r\n\"Smith, J\",1\r\n\"say \"\"hi\"\"\",2\r\n");
  ASSERT_TRUE(d.has("name"));
  EXPECT_EQ(d.column("name").label(0), "Smith, J");
  EXPECT_EQ(d.column("name").label(1), "say \"hi\"");
  EXPECT_DOUBLE_EQ(d.column("x").numbers[1], 2.0);
}

TEST(CsvReader, NaAndEmptyFieldsAreMissing) {
  const auto d = parse("x,g\n1,a\nNA,\n,b\n3,NA\n");
  const auto& x = d.column("x");
  EXPECT_FALSE(x.is_factor());
  EXPECT_EQ(x.missing, (std::vector<std::uint8_t>{0, 1, 1, 0}));
  const auto& g = d.column("g");
  EXPECT_EQ(g.levels, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(g.codes, (std::vector<int>{0, -1, 1, -1}));
}

TEST(CsvReader, ScientificNotationAndSigns) {
  const auto d = parse("x\n1e3\n-2.5E-1\n+4\n.5\n");
  const auto& x = d.column("x");
  ASSERT_FALSE(x.is_factor());
  EXPECT_DOUBLE_EQ(x.numbers[0], 1000.0);
  EXPECT_DOUBLE_EQ(x.numbers[1], -0.25);
  EXPECT_DOUBLE_EQ(x.numbers[2], 4.0);
  EXPECT_DOUBLE_EQ(x.numbers[3], 0.5);
}

TEST(CsvReader, HeaderNamesFollowMakeNames) {
  const auto d = parse("my col,2x\n1,2\n");
  EXPECT_TRUE(d.has("my.col"));
  EXPECT_TRUE(d.has("X2x"));
}

TEST(CsvReader, DeclaredFactorSortsNumerically) {
  auto d = parse("g\n10\n9\n100\n9\n");
  d.declare_factor("g");
  EXPECT_EQ(d.column("g").levels, (std::vector<std::string>{"9", "10", "100"}));
  EXPECT_EQ(d.column("g").codes, (std::vector<int>{1, 0, 2, 0}));
}

// A number's label (its factor level, its text in a join or a message) is R's as.character():
// up to 15 significant digits, fixed unless scientific is strictly narrower. Pairs from R 4.2:
// cat(sprintf("%.17g", x), as.character(x)).
TEST(CsvReader, NumberLabelsAreRsAsCharacter) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"100000", "1e+05"},
      {"123456", "123456"},
      {"0.0001", "1e-04"},
      {"0.001", "0.001"},
      {"1000000000000000", "1e+15"},
      {"1.0000000000000001e-15", "1e-15"},
      {"2.5000000000000002e-10", "2.5e-10"},
      {"-100000", "-1e+05"},
      {"-0.00012", "-0.00012"},
      {"1234567.1000000001", "1234567.1"},
      {"0.30000000000000004", "0.3"},
      {"1e+100", "1e+100"},
      {"1.5e-100", "1.5e-100"},
      {"99999.999999999985", "1e+05"},
      {"0.33333333333333331", "0.333333333333333"},
      {"-6666666.666666666", "-6666666.66666667"},
      {"4000000000", "4e+09"},
      {"4000000001", "4000000001"},
      {"100000.5", "100000.5"},
      {"12345678901234568", "12345678901234568"},
  };
  std::string text = "x\n";
  for (const auto& c : cases) text += c.first + "\n";
  const auto d = parse(text);
  for (std::size_t i = 0; i < cases.size(); ++i) EXPECT_EQ(d.column("x").label(i), cases[i].second) << cases[i].first;
}

// Whole numbers in a narrow range (identifiers) take the counting path, others the sort: the
// same levels either way. R: levels(factor(c(-3, 100000, 7, -3, 0))) is "-3" "0" "7" "1e+05";
// levels(factor(c(3, 4e9, 3, 2.5))) is "2.5" "3" "4e+09".
TEST(CsvReader, DeclaredFactorOfWholeNumbersNarrowOrWide) {
  auto narrow = parse("g\n-3\n100000\n7\n-3\n0\nNA\n");
  narrow.declare_factor("g");
  EXPECT_EQ(narrow.column("g").levels, (std::vector<std::string>{"-3", "0", "7", "1e+05"}));
  EXPECT_EQ(narrow.column("g").codes, (std::vector<int>{0, 3, 2, 0, 1, -1}));
  auto wide = parse("g\n3\n4000000000\n3\n2.5\n");
  wide.declare_factor("g");
  EXPECT_EQ(wide.column("g").levels, (std::vector<std::string>{"2.5", "3", "4e+09"}));
  EXPECT_EQ(wide.column("g").codes, (std::vector<int>{1, 2, 1, 0}));
}

// Caught by fuzz_csv_reader: NaN broke the sort's ordering and got another number's code.
// R: levels(factor(c(2, NaN, 1, NaN, -Inf))) is "-Inf" "1" "2" "NaN".
TEST(CsvReader, DeclaredFactorKeepsNaNAsTheLastLevel) {
  auto d = parse("g\n2\nNaN\n1\nNaN\n-Inf\nNA\n");
  d.declare_factor("g");
  EXPECT_EQ(d.column("g").levels, (std::vector<std::string>{"-Inf", "1", "2", "NaN"}));
  EXPECT_EQ(d.column("g").codes, (std::vector<int>{2, 3, 1, 3, 0, -1}));
}

// Found by fuzz_csv_reader: -0 was labelled "-0", a level apart from 0 and no match for 0 as a
// join key or a new data's group. R: as.character(-0) is "0".
TEST(CsvReader, NegativeZeroIsLabelledZero) {
  auto d = parse("g\n-0\n0\n1\n");
  EXPECT_EQ(d.column("g").label(0), "0");
  d.declare_factor("g");
  EXPECT_EQ(d.column("g").levels, (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(d.column("g").codes, (std::vector<int>{0, 0, 1}));
}

// R: factor(c(0.3, 0.1 + 0.2)) has one level, "0.3": levels are the numbers as R prints them.
TEST(CsvReader, DeclaredFactorMergesNumbersThatPrintAlike) {
  auto d = parse("g\n0.3\n0.30000000000000004\n1\n");
  d.declare_factor("g");
  EXPECT_EQ(d.column("g").levels, (std::vector<std::string>{"0.3", "1"}));
  EXPECT_EQ(d.column("g").codes, (std::vector<int>{0, 0, 1}));
}

// Plain decimals take a shortcut (integer digits over a power of ten); every value must still be
// bit for bit what from_chars reads, the correctly rounded one, including where the shortcut
// does not apply (more than 2^53, more than 19 digits).
TEST(CsvReader, DecimalsAreReadCorrectlyRounded) {
  std::mt19937_64 rng(7);
  std::string text = "x\n";
  std::vector<std::string> fields;
  for (int i = 0; i < 20000; ++i) {
    const int digits = 1 + static_cast<int>(rng() % 21), point = static_cast<int>(rng() % static_cast<unsigned>(digits));
    std::string s = rng() % 2 ? "-" : "";
    for (int k = 0; k < digits; ++k) {
      if (k == point && k > 0) s += '.';
      s += static_cast<char>('0' + rng() % 10);
    }
    fields.push_back(s);
    text += s + "\n";
  }
  for (const char* s : {"9007199254740992", "9007199254740993", "0.1", "0.30000000000000004", "-0", "-0.0",
                        "1234567890123456789", "12345678901234567890", "0.0000000000000000000001"}) {
    fields.emplace_back(s);
    text += std::string(s) + "\n";
  }
  const auto d = parse(text);
  const auto& x = d.column("x");
  ASSERT_FALSE(x.is_factor());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    double expected = 0.0;
    std::from_chars(fields[i].data(), fields[i].data() + fields[i].size(), expected);
    EXPECT_EQ(std::memcmp(&expected, &x.numbers[i], sizeof(double)), 0) << fields[i];
  }
}

// ---- Numbers as R reads them ------------------------------------------------------------------

// One field, quoted as written, in a column after 1.5 (so that R's answer is a double column).
lmm::DataFrame parse_after_a_number(const std::string& field) { return parse("x\n1.5\n\"" + field + "\"\n"); }

bool same_double(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof(double)) == 0;
}

// R 4.2.2: type.convert(c("1.5", s), as.is = TRUE) is numeric, and sprintf("%.17g", .[2]) is the
// value here (read.csv(text = ...) gives the same). Signed zeros are told apart.
TEST(CsvReaderNumbers, SpellingsThatRReadsAsNumbers) {
  const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<std::pair<std::string, double>> cases = {
      // NaN and Inf in any case, with a sign, and C99's Infinity.
      {"NaN", nan}, {"nan", nan}, {"-NaN", nan}, {"+NaN", nan}, {"nAn", nan}, {"-NAN", nan}, {"+NAN", nan},
      {"Inf", inf}, {"inf", inf}, {"INF", inf}, {"-Inf", -inf}, {"+Inf", inf}, {"-inf", -inf},
      {"Infinity", inf}, {"-Infinity", -inf}, {"infinity", inf}, {"INFINITY", inf}, {"+infinity", inf},
      // Out of range: Inf, or 0 keeping its sign; subnormals correctly rounded.
      {"1e400", inf}, {"-1e400", -inf}, {"1e-400", 0.0}, {"-1e-400", -0.0}, {"1e99999", inf},
      {"1e5000000000", inf}, {"0e99999", 0.0}, {"1e-99999", 0.0}, {"1e-5000000000000", 0.0},
      {"1.8e308", inf}, {"1.7976931348623157e308", 1.7976931348623157e308},
      {"1.7976931348623158e308", inf}, {"1.797693134862315709e308", inf},
      {"1.7976931348623157081e308", 1.7976931348623157e308}, {"4e-320", 3.999955468730732e-320},
      {"0.1e-322", 9.8813129168249309e-324}, {"2.4703282292062328e-324", 4.9406564584124654e-324},
      {"2.4703282292062327e-324", 0.0},
      // Hexadecimal, with R's reading of a point (ignored without a binary exponent) and of "0x".
      {"0x10", 16}, {"0X1F", 31}, {"-0x10", -16}, {"+0x10", 16}, {"0x1e", 30}, {"0x1p3", 8}, {"0x1P-2", 0.25},
      {"0x1.8p1", 3}, {"0x1.8p-1", 0.75}, {"-0X1Fp1", -62}, {"0x1.8", 24}, {"0x.8", 8}, {"0x10.", 16},
      {"0x1.2.3", 291}, {"0x1p", 1}, {"0x1P", 1}, {"0x1p+", 1}, {"0x ", 0}, {"0x.", 0}, {"0xp3", 0},
      {"0xFFFFFFFFFFFFFFFFFF", 4.7223664828696452e+21}, {"0x123456789abcdef123", 3.3581272767073033e+20},
      {"0x1.0000000000000000000001p0", 1}, {"0x1p1023", 8.9884656743115795e+307}, {"0x1p1024", inf},
      {"0x1p99999", inf}, {"0x0p99999", 0}, {"0x1p-1022", 2.2250738585072014e-308},
      {"0x1p-1023", 1.1125369292536007e-308}, {"0x.1p-1020", 5.5626846462680035e-309},
      // R scales by 2^k with k of 1024 or more as by Inf: these are 0 in R, not subnormals.
      {"0x1p-1075", 0}, {"0x3p-1075", 0}, {"0x8p-1076", 0}, {"0x1.8p-1070", 0}, {"0x1.8p-1074", 0},
      // Decimals: signs, points without digits on one side, exponents without digits.
      {"+5", 5}, {".5", 0.5}, {"5.", 5}, {"-.5", -0.5}, {"-5.", -5}, {"+.5", 0.5}, {"0.", 0}, {"1.e3", 1000},
      {"1E5", 1e5}, {"1e+05", 1e5}, {".5e-2", 0.005}, {"1.5E+3", 1500}, {"1e", 1}, {"1e+", 1}, {"1e-", 1},
      {"1.5e+", 1.5}, {"00012", 12}, {"01", 1}, {"9007199254740993", 9007199254740992.0},
      // White space around a number: ASCII, and after it the Unicode spaces of R's isBlankString.
      {" 5", 5}, {"5 ", 5}, {"  5  ", 5}, {"\t5", 5}, {"5\t", 5}, {"\v5\f", 5}, {"Inf ", inf}, {"  -Inf", -inf},
      {"\t-Inf\t", -inf}, {"NaN ", nan}, {"-nan ", nan}, {"0x10 ", 16}, {" 0x10", 16}, {"1e5 ", 1e5},
      {"5\u2003", 5}, {"5\u3000", 5}, {"5\u1680", 5}, {"5\u2028", 5}, {"5\u205F", 5}, {"5\u200A", 5},
  };
  for (const auto& [field, expected] : cases) {
    const auto d = parse_after_a_number(field);
    const auto& x = d.column("x");
    ASSERT_FALSE(x.is_factor()) << "'" << field << "'";
    EXPECT_FALSE(x.is_missing(1)) << "'" << field << "'";
    EXPECT_TRUE(same_double(x.numbers[1], expected)) << "'" << field << "': " << x.numbers[1] << ", not " << expected;
  }
}

// R 4.2.2: type.convert(c("1.5", s), as.is = TRUE) is character for each of these.
TEST(CsvReaderNumbers, SpellingsThatRReadsAsText) {
  const std::vector<std::string> cases = {
      "Infin", "Infinit", "infinityx", "NaNa", "0x", "0xg", "0x-1", "-0x-1", "0x+1", "1d5", "1D5", "++5", "+-5",
      "-+5", "--5", "5-", ".", "-", ".e1", "-.e1", "5e1.5", "1e0x", "1.2.3", "1_000", "1,5", "1 2", "5f", "5.0L",
      "1L", "5i", "0b101", "TRUE", "T", "true", " NA", "NA ", "-NA", "na", "nA", "N/A", "\u0663", "\uFF11",
      "\u20035", "5\u00A0", "5\u2007", "5\u202F", "5\u200B", "5\u0085", "5\uFEFF"};
  for (const std::string& field : cases) {
    const auto d = parse_after_a_number(field);
    const auto& x = d.column("x");
    ASSERT_TRUE(x.is_factor()) << "'" << field << "'";
    EXPECT_EQ(x.label(1), field);
  }
}

// R: read.csv(text = "a,b\n\"\t\",1\n1,2\n \u3000,3\n") has a = c(NA, 1, NA): a blank field (white
// space, U+3000 included) is missing in a numeric column,
// but read.csv(text = "a\n   \nx\n") has a = c("   ", "x"): a value in a text column.
TEST(CsvReaderNumbers, BlankFieldsAreMissingInNumericColumnsOnly) {
  const auto numeric = parse("a,b\n\"\t\",1\n1,2\n \u3000,3\n");
  const auto& a = numeric.column("a");
  ASSERT_FALSE(a.is_factor());
  EXPECT_EQ(a.missing, (std::vector<std::uint8_t>{1, 0, 1}));
  EXPECT_EQ(a.numbers[1], 1.0);
  const auto text = parse("a,b\n   ,1\nx,2\n,3\n");
  const auto& t = text.column("a");
  ASSERT_TRUE(t.is_factor());
  EXPECT_EQ(t.levels, (std::vector<std::string>{"   ", "x"}));
  EXPECT_EQ(t.codes, (std::vector<int>{0, 1, -1}));
}

// R reads "NAN" (upper-case "NA" first) as text when it is the first non-missing field of its
// column or follows only integers, and as NaN otherwise: type.convert(c("NAN", "1.5")) and
// c("1", "NAN") are character, c("1.5", "NAN") and c("NaN", "NAN") numeric. lmm reads it as NaN
// wherever it stands, so a model using the column stops at its row rather than fit a factor.
TEST(CsvReaderNumbers, UpperCaseNanIsNaNWhereverItStands) {
  for (const char* text : {"x\nNAN\n1.5\n", "x\n1\nNAN\n", "x\n1.5\nNAN\n", "x\nNaN\nNAn\n"}) {
    const auto d = parse(text);
    const auto& x = d.column("x");
    ASSERT_FALSE(x.is_factor()) << text;
    EXPECT_TRUE(std::isnan(x.numbers[0]) || std::isnan(x.numbers[1])) << text;
  }
}

// The new spellings leave the plain ones in place: a large column of plain decimals with one
// field of each kind is numeric, every value as from_chars reads it.
TEST(CsvReaderNumbers, OddSpellingsAmongPlainDecimalsInALargeText) {
  std::string text = "x,g\n";
  for (int i = 0; i < 100000; ++i) text += std::to_string(i) + "." + std::to_string(i % 97) + ",g" + std::to_string(i % 7) + "\n";
  ASSERT_GT(text.size(), std::size_t{1} << 20);
  text += " 0x10 ,a\n1e400,b\n-Infinity,c\nnan,d\n1e-400,e\n";
  const auto d = parse(text);
  const auto& x = d.column("x");
  ASSERT_FALSE(x.is_factor());
  ASSERT_EQ(x.size(), 100005u);
  EXPECT_EQ(x.numbers[12345], 12345.26);
  EXPECT_EQ(x.numbers[100000], 16.0);
  EXPECT_EQ(x.numbers[100001], std::numeric_limits<double>::infinity());
  EXPECT_EQ(x.numbers[100002], -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(x.numbers[100003]));
  EXPECT_EQ(x.numbers[100004], 0.0);
}

// ---- A numeric column spoiled by a few fields -------------------------------------------------

// Warnings of a text: the reader's verdict on each column, as the CLI prints them.
std::vector<std::string> warnings_of(const std::string& text) { return parse(text).warnings(); }

// n rows of y (a number) and x: distinct numbers, except the given fields at the given rows.
std::string numbers_with(int n, const std::vector<std::pair<int, std::string>>& fields) {
  std::string text = "y,x\n";
  for (int i = 0; i < n; ++i) {
    std::string x = std::to_string(i) + ".5";
    for (const auto& [row, field] : fields)
      if (row == i) x = field;
    text += std::to_string(i % 3) + "," + x + "\n";
  }
  return text;
}

TEST(CsvReaderMostlyNumbers, AFewTextFieldsInAColumnOfManyNumbersAreNamed) {
  const std::string text = numbers_with(187, {{12, "\"12,5\""}, {80, "n/a"}});
  const auto d = parse(text);
  ASSERT_TRUE(d.column("x").is_factor());
  EXPECT_EQ(d.warnings(),
            (std::vector<std::string>{"data file 'test.csv': column 'x' is read as text (a factor of 187 levels) "
                                      "because of 2 fields that are not numbers, the first '12,5' on line 14"}));
  EXPECT_EQ(warnings_of(numbers_with(30, {{29, "3O.5"}})),
            (std::vector<std::string>{"data file 'test.csv': column 'x' is read as text (a factor of 30 levels) "
                                      "because of 1 field that is not a number, '3O.5' on line 31"}));
}

// The line is the record's line in the file: after blank lines and a quoted line break.
TEST(CsvReaderMostlyNumbers, TheLineCountsBlankLinesAndQuotedLineBreaks) {
  std::string text = "y,x,note\n\n";
  for (int i = 0; i < 40; ++i) text += "1," + std::to_string(i) + (i == 3 ? ",\"two\nlines\"\n" : ",a\n");
  text += "\n1,?,a\n";
  EXPECT_EQ(warnings_of(text),
            (std::vector<std::string>{"data file 'test.csv': column 'x' is read as text (a factor of 41 levels) "
                                      "because of 1 field that is not a number, '?' on line 45"}));
}

// At most 20 levels, or fewer than 90% numbers among the non-missing fields, or no number at
// all: a column of codes or labels, read as text without a word (as R does). One level more, or
// exactly 90% numbers, and the column gets its warning.
TEST(CsvReaderMostlyNumbers, NoWarningForFewLevelsOrMostlyText) {
  const auto codes = [](int distinct) {
    std::string text = "x\n";
    for (int i = 0; i < 200; ++i) text += (i == 7 ? std::string("other") : std::to_string(i % distinct)) + "\n";
    return text;
  };
  EXPECT_TRUE(warnings_of(codes(19)).empty());  // 20 levels
  EXPECT_EQ(warnings_of(codes(20)),
            (std::vector<std::string>{"data file 'test.csv': column 'x' is read as text (a factor of 21 levels) "
                                      "because of 1 field that is not a number, 'other' on line 9"}));
  const auto labels = [](bool one_more) {
    std::string text = "x\n";
    for (int i = 0; i < 100; ++i)
      text += (i % 10 == 0 || (one_more && i == 1) ? "id" + std::to_string(i) : std::to_string(i)) + "\n";
    return text;
  };
  EXPECT_TRUE(warnings_of(labels(true)).empty());  // 89 numbers, 11 labels
  EXPECT_EQ(warnings_of(labels(false)),            // 90 numbers, 10 labels
            (std::vector<std::string>{"data file 'test.csv': column 'x' is read as text (a factor of 100 levels) "
                                      "because of 10 fields that are not numbers, the first 'id0' on line 2"}));
  std::string ids = "x\n";
  for (int i = 0; i < 100; ++i) ids += "s" + std::to_string(i) + "\n";
  EXPECT_TRUE(warnings_of(ids).empty());
}

TEST(CsvReaderMostlyNumbers, BlankAndMissingFieldsCountForNeither) {
  // 28 numbers, 2 text fields, and 27 fields NA, empty or blank: 28 of 30 are numbers (93%);
  // the blank field is a level of the text column.
  std::vector<std::pair<int, std::string>> fields = {{5, "x1"}, {6, "x2"}};
  for (int i = 30; i < 60; ++i) fields.emplace_back(i, i % 3 == 0 ? "NA" : i % 3 == 1 ? "" : "\"  \"");
  const auto d = parse(numbers_with(57, fields));
  EXPECT_EQ(d.warnings(),
            (std::vector<std::string>{"data file 'test.csv': column 'x' is read as text (a factor of 31 levels) "
                                      "because of 2 fields that are not numbers, the first 'x1' on line 7"}));
}

// A long field or column name is quoted as an excerpt: the line stays short.
TEST(CsvReaderMostlyNumbers, LongFieldsAndNamesAreExcerpts) {
  // The field's 81st and 82nd bytes are one character: the cut comes before it.
  const std::string name(100, 'n'), field = std::string(80, 'a') + "\u00e9" + std::string(100, 'b');
  std::string text = "y," + name + "\n";
  for (int i = 0; i < 30; ++i) text += "1," + (i == 0 ? field : std::to_string(i)) + "\n";
  const auto warnings = warnings_of(text);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], "data file 'test.csv': column '" + std::string(81, 'n') +
                             "...' is read as text (a factor of 30 levels) because of 1 field that is not a number, '" +
                             std::string(80, 'a') + "...' on line 2");
  EXPECT_LE(warnings[0].size(), 300u);
}

// A text of over 1 MB without quotes is read in stretches, one per thread: the rows, blank lines
// (LF, CRLF and lone CR line ends), a text field near the end and a short record's line number
// must come out as from one pass.
std::string large_text(int rows, int blank_every) {
  std::string text = "i,x,g\r\n";
  for (int i = 0; i < rows; ++i) {
    text += std::to_string(i) + "," + (i % 7 == 3 ? "NA" : std::to_string(i) + ".25") + "," + std::to_string(i % 5);
    text += i % 3 == 0 ? "\r\n" : i % 3 == 1 ? "\n" : "\r";
    if (i % blank_every == 0) text += "\n";
  }
  return text;
}

TEST(CsvReader, LargeTextReadInStretchesKeepsEveryRow) {
  const int rows = 80000;
  const std::string text = large_text(rows, 1000);
  ASSERT_GT(text.size(), std::size_t{1} << 20);
  const auto d = parse(text);
  ASSERT_EQ(d.rows(), static_cast<std::size_t>(rows));
  const auto& i = d.column("i");
  const auto& x = d.column("x");
  for (int r = 0; r < rows; ++r) {
    ASSERT_EQ(i.numbers[static_cast<std::size_t>(r)], r);
    ASSERT_EQ(x.is_missing(static_cast<std::size_t>(r)), r % 7 == 3);
    if (r % 7 != 3) {
      ASSERT_EQ(x.numbers[static_cast<std::size_t>(r)], r + 0.25);
    }
  }
  EXPECT_FALSE(d.column("g").is_factor());

  std::string with_text = text;
  with_text.replace(with_text.rfind(",4"), 2, ",z");  // the last row with g = 4
  const auto changed = parse(with_text);
  const auto& g = changed.column("g");
  ASSERT_TRUE(g.is_factor());
  EXPECT_EQ(g.levels, (std::vector<std::string>{"0", "1", "2", "3", "4", "z"}));
  EXPECT_EQ(g.codes.back(), 5);
  EXPECT_EQ(g.codes.front(), 0);
}

TEST(CsvReaderErrors, ShortRecordInALargeTextNamesItsLine) {
  std::string text = "i,x\n";
  for (int r = 0; r < 100000; ++r) text += std::to_string(r) + "," + std::to_string(r % 10) + "\n";
  text.replace(text.find("\n90000,"), 9, "\n90000\n");  // line 90002: header, then rows 0..
  EXPECT_EQ(error_of(text), "data file 'test.csv': line 90002: expected 2 fields, found 1");
}

TEST(CsvReaderErrors, WrongFieldCountNamesTheLine) {
  EXPECT_EQ(error_of("a,b\n1,2\n3\n"), "data file 'test.csv': line 3: expected 2 fields, found 1");
}

TEST(CsvReaderErrors, EmptyAndHeaderOnly) {
  EXPECT_EQ(error_of(""), "data file 'test.csv': the file is empty");
  EXPECT_EQ(error_of("a,b\n"), "data file 'test.csv': a header but no data rows");
}

TEST(CsvReaderErrors, BinaryAndInvalidUtf8) {
  EXPECT_EQ(error_of(std::string("a\n1\n\0\n", 6)), "data file 'test.csv': binary content (NUL byte) at line 3");
  EXPECT_EQ(error_of("a\n1\n\xff\xfe\n"), "data file 'test.csv': invalid UTF-8 at line 3");
}

TEST(CsvReaderErrors, UnterminatedQuote) {
  EXPECT_EQ(error_of("a\n\"abc\n"), "data file 'test.csv': line 2: unterminated quoted field");
}

TEST(CsvReaderErrors, MissingFile) {
  try {
    lmm::read_csv("/nonexistent/file.csv");
    FAIL() << "no error";
  } catch (const lmm::Error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot open data file '/nonexistent/file.csv'");
    EXPECT_EQ(e.kind(), lmm::ErrorKind::kInput);
  }
}

}  // namespace

// ---- Fields with quotes anywhere, as R's scan reads them (issue 18 red team) ----------------

// R 4.2.2, read.csv(text = ..., stringsAsFactors = TRUE): a field is its unquoted text and its
// quoted sections one after another, so ` "2"` is the number 2 (a numeric column, not a factor
// with the level ` "2"`), `x"y"z` is xyz, `ab""c` is abc, and `"x" ` keeps its space.
TEST(CsvReaderQuotes, QuotedSectionsAnywhereInAFieldAreReadAsR) {
  const auto d = parse("a,b,c\n1, \"x\", \"2\"\n2,x\"y\"z,3\n3,ab\"\"c,4\n4,\"x\" ,5\n5,\"y\"\"q\",6\n");
  ASSERT_FALSE(d.column("c").is_factor());
  EXPECT_EQ(d.column("c").numbers, (std::vector<double>{2, 3, 4, 5, 6}));
  const auto& b = d.column("b");
  ASSERT_TRUE(b.is_factor());
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < b.size(); ++i) labels.push_back(b.label(i));
  EXPECT_EQ(labels, (std::vector<std::string>{" x", "xyz", "abc", "x ", "y\"q"}));
}

// R 4.2.2: names(read.csv(text = '" a b ", "c d" ,e"f"g, h \n1,2,3,4\n')) is
// "X.a.b." "c.d" "efg" "h": the header loses the spaces around a name outside its quotes only.
TEST(CsvReaderQuotes, HeaderNamesLoseOnlyTheSpacesOutsideTheirQuotes) {
  const auto d = parse("\" a b \", \"c d\" ,e\"f\"g, h \n1,2,3,4\n");
  std::vector<std::string> names;
  for (const auto& c : d.all_columns()) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"X.a.b.", "c.d", "efg", "h"}));
}

// A quote opened in the middle of a field and never closed names the line it opens on.
TEST(CsvReaderQuotes, AQuoteOpenedMidFieldAndNeverClosedNamesItsLine) {
  EXPECT_EQ(error_of("a,b\n1,x\n2,y\"z\n3,w\n"), "data file 'test.csv': line 3: unterminated quoted field");
}
