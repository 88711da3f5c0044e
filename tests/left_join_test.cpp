// left_join: dplyr's semantics for one key.
#include <gtest/gtest.h>

#include "lmm/data_frame.hpp"
#include "lmm/error.hpp"

namespace {

lmm::DataFrame parse(const std::string& text) { return lmm::read_csv_text(text, "test.csv"); }

TEST(LeftJoin, KeepsLeftRowsInOrderAndAddsColumns) {
  const auto pupils = parse("pupil,school,ses\np1,s2,0.5\np2,s1,-1\np3,s9,0\n");
  const auto schools = parse("school,size,sector\ns1,100,Public\ns2,200,Catholic\n");
  const auto d = lmm::left_join(pupils, schools, "school");
  ASSERT_EQ(d.rows(), 3u);
  EXPECT_EQ(d.column("pupil").label(0), "p1");
  EXPECT_DOUBLE_EQ(d.column("size").numbers[0], 200.0);
  EXPECT_DOUBLE_EQ(d.column("size").numbers[1], 100.0);
  EXPECT_TRUE(d.column("size").is_missing(2));  // s9 has no match
  EXPECT_EQ(d.column("sector").label(1), "Public");
  EXPECT_TRUE(d.column("sector").is_missing(2));
}

TEST(LeftJoin, RepeatsRowsForSeveralMatches) {
  const auto left = parse("k,x\na,1\nb,2\n");
  const auto right = parse("k,y\na,10\na,11\n");
  const auto d = lmm::left_join(left, right, "k");
  ASSERT_EQ(d.rows(), 3u);
  EXPECT_DOUBLE_EQ(d.column("y").numbers[0], 10.0);
  EXPECT_DOUBLE_EQ(d.column("y").numbers[1], 11.0);
  EXPECT_TRUE(d.column("y").is_missing(2));
}

TEST(LeftJoin, ClashingNamesGetSuffixes) {
  const auto d = lmm::left_join(parse("k,v\na,1\n"), parse("k,v\na,2\n"), "k");
  EXPECT_TRUE(d.has("v.x"));
  EXPECT_TRUE(d.has("v.y"));
  EXPECT_DOUBLE_EQ(d.column("v.y").numbers[0], 2.0);
}

TEST(LeftJoin, NumericKeys) {
  const auto d = lmm::left_join(parse("k,x\n1,5\n2,6\n"), parse("k,z\n2,7\n"), "k");
  EXPECT_TRUE(d.column("z").is_missing(0));
  EXPECT_DOUBLE_EQ(d.column("z").numbers[1], 7.0);
}

TEST(LeftJoin, UnknownKeyIsAnError) {
  try {
    lmm::left_join(parse("k,x\n1,5\n"), parse("j,z\n2,7\n"), "k");
    FAIL() << "no error";
  } catch (const lmm::Error& e) {
    EXPECT_EQ(std::string(e.what()), "join key 'k' is not a column of the joined data");
  }
}

}  // namespace
