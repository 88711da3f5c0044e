// read_csv: RFC 4180, R's type decisions, and one-line errors naming the line.
#include <gtest/gtest.h>

#include <charconv>
#include <cstring>
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
  // R in an English locale: case-insensitive first, lower case before upper case on a tie.
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
