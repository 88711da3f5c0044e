// The levels of a factor made from text: R's sort() and factor() order, checked exactly against R
// 4.2.2 with ICU 72.1 (tests/golden/r_level_order.json, made by tools/reference/r_level_order.R).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "data/level_order.hpp"
#include "data/text_collation.hpp"
#include "golden_file.hpp"
#include "lmm/data_frame.hpp"

namespace {

using json = nlohmann::ordered_json;

const json& golden() {
  static const json g = lmm::testing::read_golden("tests/golden/r_level_order.json");
  return g;
}

const json& golden_case(const std::string& id) {
  for (const json& c : golden()["cases"])
    if (c["id"] == id) return c;
  throw std::runtime_error("no case " + id + " in r_level_order.json");
}

struct Factor {
  std::vector<int> codes;
  std::vector<std::string> levels;
};

Factor factor_of(const std::vector<std::string>& text) {
  Factor f;
  lmm::internal::factor_from_text(text, std::vector<unsigned char>(text.size(), 0), f.codes, f.levels);
  return f;
}

std::vector<std::string> strings_of(const json& c, const char* field) { return c[field].get<std::vector<std::string>>(); }

// Levels and 0-based codes exactly as R's factor() gives them.
void expect_r_factor(const std::string& id) {
  SCOPED_TRACE(id);
  const json& c = golden_case(id);
  const Factor f = factor_of(strings_of(c, "strings"));
  EXPECT_EQ(f.levels, strings_of(c, "levels"));
  EXPECT_EQ(f.codes, c["codes"].get<std::vector<int>>());
}

TEST(LevelOrder, GoldensWereMadeWithRsIcuCollator) {
  EXPECT_EQ(golden()["ICU_version"], "72.1");
  EXPECT_EQ(golden()["LC_COLLATE"], "C.UTF-8");  // as lme4_meta.json records for the other goldens
  EXPECT_TRUE(golden()["en_US_orders_alike"].get<bool>());
}

TEST(LevelOrder, HardCasesAsRFactorOrdersThem) { expect_r_factor("hard"); }
TEST(LevelOrder, RandomStringsAsRFactorOrdersThem) { expect_r_factor("random"); }
TEST(LevelOrder, RepeatedStringsGetRsCodes) { expect_r_factor("hard_and_random_repeated"); }

// Texts ICU sees as equal (U+00E9 and e + U+0301, an ignorable control character) stay distinct
// levels in order of first appearance, as R's stable order() leaves them.
TEST(LevelOrder, TextsThatCollateEqualKeepFirstAppearance) {
  expect_r_factor("ties");
  expect_r_factor("ties_reversed");
}

// sort(unique(x)) of the cases without ties, through the sort keys alone.
TEST(LevelOrder, SortKeysOrderAsRSort) {
  for (const char* id : {"hard", "random"}) {
    SCOPED_TRACE(id);
    const json& c = golden_case(id);
    std::vector<std::string> text = strings_of(c, "strings");
    std::sort(text.begin(), text.end(), [](const std::string& a, const std::string& b) {
      return lmm::internal::collation_key(a) < lmm::internal::collation_key(b);
    });
    EXPECT_EQ(text, strings_of(c, "sorted"));
  }
}

// The examples of issue 20 as R prints them; each is also in the hard case above.
TEST(LevelOrder, IssueExamples) {
  EXPECT_EQ(factor_of({"30-49", ">=65", "<30"}).levels, (std::vector<std::string>{"<30", ">=65", "30-49"}));
  EXPECT_EQ(factor_of({"B", "b", "A", "a"}).levels, (std::vector<std::string>{"a", "A", "b", "B"}));
  EXPECT_EQ(factor_of({"f", "\u00e9", "e"}).levels, (std::vector<std::string>{"e", "\u00e9", "f"}));
  EXPECT_EQ(factor_of({"9", "10"}).levels, (std::vector<std::string>{"10", "9"}));
  EXPECT_EQ(factor_of({"co-op", "coop", "co op", "", " "}).levels,
            (std::vector<std::string>{"", " ", "co op", "co-op", "coop"}));
}

TEST(LevelOrder, MissingRowsKeepCodeMinusOne) {
  Factor f;
  lmm::internal::factor_from_text({"b", "x", "a", "b"}, {0, 1, 0, 0}, f.codes, f.levels);
  EXPECT_EQ(f.levels, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(f.codes, (std::vector<int>{1, -1, 0, 1}));
}

// read_csv refuses invalid UTF-8, but the sort must not fail on it: a bad byte counts as U+FFFD,
// which ICU places after every letter.
TEST(LevelOrder, InvalidUtf8SortsAsReplacementCharacter) {
  const std::string bad = "a\xff";
  EXPECT_EQ(lmm::internal::collation_key(bad), lmm::internal::collation_key("a\xef\xbf\xbd"));
  EXPECT_EQ(factor_of({bad, "ab", "a"}).levels, (std::vector<std::string>{"a", "ab", bad}));
}

// read_csv on the file R read: the same levels and codes as read.csv(stringsAsFactors = TRUE).
TEST(LevelOrder, CsvColumnHasReadCsvsLevels) {
  const json& c = golden()["csv"];
  const lmm::DataFrame d = lmm::read_csv(c["file"].get<std::string>());
  const lmm::Column& label = d.column(c["column"].get<std::string>());
  ASSERT_TRUE(label.is_factor());
  EXPECT_EQ(label.levels, strings_of(c, "levels"));
  EXPECT_EQ(label.codes, c["codes"].get<std::vector<int>>());
}

// Each thread has its own collator: four threads sorting at once all get R's order.
TEST(LevelOrder, ThreadsSortAtOnce) {
  const json& c = golden_case("hard_and_random_repeated");
  const std::vector<std::string> text = strings_of(c, "strings");
  std::vector<Factor> results(4);
  std::vector<std::thread> threads;
  for (Factor& r : results)
    threads.emplace_back([&text, &r] {
      for (int k = 0; k < 20; ++k) r = factor_of(text);
    });
  for (std::thread& t : threads) t.join();
  for (const Factor& r : results) {
    EXPECT_EQ(r.levels, strings_of(c, "levels"));
    EXPECT_EQ(r.codes, c["codes"].get<std::vector<int>>());
  }
}

}  // namespace
