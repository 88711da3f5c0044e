// Every error message is one line of at most about 300 characters: user text is quoted as an
// excerpt with its control characters escaped (quote), and lmm::Error keeps any message to one
// short line (one_line), cutting only between UTF-8 characters.
#include <gtest/gtest.h>

#include <string>

#include "lmm/data_frame.hpp"
#include "lmm/error.hpp"
#include "util/excerpt.hpp"
#include "util/one_line.hpp"

namespace {

using namespace lmm::internal;

// Whether `text` is valid UTF-8 (no sequence cut in two).
bool valid_utf8(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k)
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    i += length;
  }
  return true;
}

TEST(ErrorMessages, ShortUserTextIsQuotedWhole) { EXPECT_EQ(quote("school"), "'school'"); }

TEST(ErrorMessages, LongUserTextIsQuotedAsTheStartOfIt) {
  EXPECT_EQ(quote(std::string(100000, 'z')), "'" + std::string(81, 'z') + "...'");
}

TEST(ErrorMessages, ControlCharactersAreEscaped) {
  EXPECT_EQ(quote("a\nb\r\tc"), "'a\\nb\\r\\tc'");
  EXPECT_EQ(quote(std::string("x\x01y\x7F", 4)), "'x\\x01y\\x7f'");
}

TEST(ErrorMessages, ExcerptsCutBetweenCharacters) {
  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "\xC3\xA9";  // é, two bytes
  const std::string quoted = quote(accents);
  EXPECT_TRUE(valid_utf8(quoted)) << quoted;
  EXPECT_EQ(quoted.substr(quoted.size() - 4), "...'");
  EXPECT_TRUE(valid_utf8(excerpt(accents, 101))) << excerpt(accents, 101);
}

TEST(ErrorMessages, AnyErrorIsOneShortLine) {
  const lmm::Error e(lmm::ErrorKind::kInput, "no column named '" + std::string(100000, 'q') + "' in the data");
  const std::string message = e.what();
  EXPECT_EQ(message.size(), kMaxMessageLength);
  EXPECT_EQ(message.find('\n'), std::string::npos);
  EXPECT_EQ(message.substr(0, 20), "no column named 'qqq");
  EXPECT_EQ(message.substr(message.size() - 16), "qqq' in the data");
  EXPECT_NE(message.find("..."), std::string::npos);
  EXPECT_EQ(e.kind(), lmm::ErrorKind::kInput);
}

TEST(ErrorMessages, ALineBreakInAMessageIsEscaped) {
  EXPECT_EQ(std::string(lmm::Error(lmm::ErrorKind::kInput, "level 'a\nb'").what()), "level 'a\\nb'");
}

TEST(ErrorMessages, ShortMessagesAreUnchanged) {
  const std::string words = "grouping factor 'g' must have more than 1 sampled level (it has 1)";
  EXPECT_EQ(std::string(lmm::Error(lmm::ErrorKind::kModel, words).what()), words);
  EXPECT_EQ(one_line(std::string(300, 'w')), std::string(300, 'w'));
}

TEST(ErrorMessages, OneLineCutsBetweenCharacters) {
  std::string accents = "x";  // the cut points then fall inside characters
  for (int i = 0; i < 400; ++i) accents += "\xE2\x82\xAC";  // €, three bytes
  const std::string line = one_line(accents);
  EXPECT_TRUE(valid_utf8(line)) << line;
  EXPECT_LE(line.size(), kMaxMessageLength);
  EXPECT_GE(line.size(), kMaxMessageLength - 4);
}

}  // namespace

// ---- Quoting sites (issue 18 clean-up) ------------------------------------------------------

TEST(ErrorMessages, AFileNameIsQuotedAsItsEnd) {
  EXPECT_EQ(quote_path("d.csv"), "'d.csv'");
  const std::string path = "/" + std::string(200, 'd') + "/school.csv";
  EXPECT_EQ(quote_path(path), "'..." + path.substr(path.size() - 80) + "'");
  EXPECT_EQ(quote_path("a\nb.csv"), "'a\\nb.csv'");
}

TEST(ErrorMessages, AFormulaIsQuotedAroundItsPositionWithEscapes) {
  // The window is around byte 150 of the text as written, whatever escapes come before it.
  const std::string formula = "\n\n" + std::string(148, 'a') + "X" + std::string(200, 'b');
  EXPECT_EQ(quote(formula, 150), "'..." + std::string(40, 'a') + "X" + std::string(40, 'b') + "...'");
}

// A data error with a control character in its file, field or key shows it escaped, on one line.
TEST(ErrorMessages, DataErrorsQuoteTheirUserText) {
  try {
    lmm::read_csv("/nonexistent/a\nb.csv");
    ADD_FAILURE() << "no error";
  } catch (const lmm::Error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot open data file '/nonexistent/a\\nb.csv'");
  }
}
