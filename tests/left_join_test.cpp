// left_join: dplyr's semantics for one key.
#include <gtest/gtest.h>

#include "lmm/data_frame.hpp"
#include "lmm/error.hpp"

namespace {

lmm::DataFrame parse(const std::string& text, const std::string& name = "test.csv") {
  return lmm::read_csv_text(text, name);
}

std::string join_error(const lmm::DataFrame& left, const lmm::DataFrame& right, const std::string& key) {
  try {
    lmm::left_join(left, right, key);
  } catch (const lmm::Error& e) {
    EXPECT_EQ(e.kind(), lmm::ErrorKind::kInput);
    return e.what();
  }
  return "(no error)";
}

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

// A group-level table has one row per key: a second row would repeat observations (dplyr
// 1.0 repeats them silently, 1.1 warns only of many-to-many joins), so it is an error naming the
// value, the file and the lines of both records (the header is line 1).
TEST(LeftJoinErrors, DuplicateKeyNamesTheValueTheFileAndBothLines) {
  const auto obs = parse("school,y\n1224,1\n1225,2\n", "obs.csv");
  const auto schools = parse("school,size\n1224,10\n1225,20\n1224,11\n", "school.csv");
  EXPECT_EQ(join_error(obs, schools, "school"),
            "data file 'school.csv': key 'school' value '1224' appears on lines 2 and 4; "
            "a group-level table needs one row per key");
}

// Lines as the reader counts them: a record spanning lines (a quoted line break) and a blank
// line move the later records' lines.
TEST(LeftJoinErrors, DuplicateKeyLinesCountMultiLineRecordsAndBlankLines) {
  const auto obs = parse("k,y\nb,1\n");
  const auto right = parse("k,note\na,\"two\nlines\"\n\nb,x\nc,y\nb,z\n", "groups.csv");
  EXPECT_EQ(right.line_of(0), 2u);
  EXPECT_EQ(right.line_of(1), 5u);
  EXPECT_EQ(right.line_of(3), 7u);
  EXPECT_EQ(join_error(obs, right, "k"),
            "data file 'groups.csv': key 'k' value 'b' appears on lines 5 and 7; a group-level table needs one row per key");
  const auto crlf = parse("k,z\r\na,1\r\nb,2\r\na,3\r\n", "crlf.csv");
  EXPECT_EQ(join_error(obs, crlf, "k"),
            "data file 'crlf.csv': key 'k' value 'a' appears on lines 2 and 4; a group-level table needs one row per key");
}

// Numeric keys compare by value, as R reads them and dplyr matches them: 1, 1.0 and 01 are one
// key (so one of each in a group table is a duplicate), and so are 0 and -0.
TEST(LeftJoin, NumericKeysMatchByValue) {
  const auto d = lmm::left_join(parse("k,x\n1,5\n01,6\n0,7\n2.50,8\n"), parse("k,z\n1.0,10\n-0,20\n2.5,30\n"), "k");
  EXPECT_DOUBLE_EQ(d.column("z").numbers[0], 10.0);
  EXPECT_DOUBLE_EQ(d.column("z").numbers[1], 10.0);
  EXPECT_DOUBLE_EQ(d.column("z").numbers[2], 20.0);
  EXPECT_DOUBLE_EQ(d.column("z").numbers[3], 30.0);
  EXPECT_EQ(join_error(parse("k,x\n1,5\n"), parse("k,z\n1,10\n1.0,11\n", "g.csv"), "k"),
            "data file 'g.csv': key 'k' value '1' appears on lines 2 and 3; a group-level table needs one row per key");
}

// Text keys compare as written: "01" and "1" are two schools.
TEST(LeftJoin, TextKeysMatchAsWritten) {
  const auto d = lmm::left_join(parse("k,x\n01,5\n1,6\nA,7\n"), parse("k,z\n1,10\nA,20\n01,30\n"), "k");
  EXPECT_DOUBLE_EQ(d.column("z").numbers[0], 30.0);
  EXPECT_DOUBLE_EQ(d.column("z").numbers[1], 10.0);
  EXPECT_DOUBLE_EQ(d.column("z").numbers[2], 20.0);
}

// dplyr's default na_matches = "na": a missing key matches a missing key (NaN matches NaN, not
// NA), as left_join(read.csv(...), read.csv(...), by = "id") gives in R.
TEST(LeftJoin, MissingKeysMatchMissingKeysAsDplyr) {
  const auto d = lmm::left_join(parse("id,y\n1,1\nNA,3\nNaN,5\n3,6\n"), parse("id,z\n1,10\nNA,30\nNaN,50\n"), "id");
  EXPECT_DOUBLE_EQ(d.column("z").numbers[0], 10.0);
  EXPECT_DOUBLE_EQ(d.column("z").numbers[1], 30.0);
  EXPECT_DOUBLE_EQ(d.column("z").numbers[2], 50.0);
  EXPECT_TRUE(d.column("z").is_missing(3));
  EXPECT_EQ(join_error(parse("id,y\n1,1\n"), parse("id,z\n1,1\n,2\nNA,3\n", "g.csv"), "id"),
            "data file 'g.csv': key 'id' value 'NA' appears on lines 3 and 4; a group-level table needs one row per key");
}

TEST(LeftJoinErrors, NoMatchingKeyNamesBothFiles) {
  EXPECT_EQ(join_error(parse("school,y\n1224,1\n1225,2\n", "obs.csv"), parse("school,size\n1,10\n2,20\n", "school.csv"),
                       "school"),
            "join by 'school': no key of 'obs.csv' (such as '1224') matches one of 'school.csv' (such as '1')");
  EXPECT_EQ(join_error(parse("k,y\nNA,1\nb,2\n", "obs.csv"), parse("k,z\nC,1\nB,2\n", "k.csv"), "k"),
            "join by 'k': no key of 'obs.csv' (such as 'b') matches one of 'k.csv' (such as 'C')");
}

TEST(LeftJoin, ChainedJoinsKeepTheDataFilesLines) {
  const auto obs = parse("pupil,class\np1,c1\np2,c2\n", "obs.csv");
  const auto classes = parse("class,school\nc1,s1\nc2,s2\n", "classes.csv");
  const auto schools = parse("school,size\ns1,10\ns2,20\n", "schools.csv");
  const auto d = lmm::left_join(lmm::left_join(obs, classes, "class"), schools, "school");
  EXPECT_DOUBLE_EQ(d.column("size").numbers[1], 20.0);
  EXPECT_EQ(d.source(), "obs.csv");
  EXPECT_EQ(d.line_of(1), 3u);
}

// The key may be named by its header as written; joined columns keep their headers, except the
// suffixed ones (R knows them only as v.x and v.y).
TEST(LeftJoin, KeyAndColumnsByHeader) {
  const auto d = lmm::left_join(parse("school id,v\n1,5\n"), parse("school id,school size,v\n1,10,7\n"), "school id");
  EXPECT_DOUBLE_EQ(d.column("school size").numbers[0], 10.0);
  EXPECT_DOUBLE_EQ(d.column("school.size").numbers[0], 10.0);
  EXPECT_DOUBLE_EQ(d.column("v.y").numbers[0], 7.0);
  EXPECT_FALSE(d.has("v"));
  EXPECT_TRUE(d.has("school id"));
}

// dplyr refuses too: "Can't join on `x$id` x `y$id` because of incompatible types".
TEST(LeftJoinErrors, TextAndNumericKeysNameBothFiles) {
  EXPECT_EQ(join_error(parse("school,y\n1224,1\n", "obs.csv"), parse("school,size\nS1,10\n", "school.csv"), "school"),
            "join key 'school' is numeric in 'obs.csv' and text in 'school.csv' (dplyr cannot join them either)");
}

}  // namespace

namespace {

// A column both tables have is v.x and v.y after the join, as dplyr names them; the unsuffixed
// name, which the user wrote before the join, says so instead of "no column named 'v'".
TEST(LeftJoinErrors, AClashingColumnNamedWithoutItsSuffixPointsToBothSuffixes) {
  const auto d = lmm::left_join(parse("g,v\na,1\nb,2\n", "obs.csv"), parse("g,v\na,3\nb,4\n", "groups.csv"), "g");
  try {
    d.column("v");
    ADD_FAILURE() << "no error";
  } catch (const lmm::Error& e) {
    EXPECT_EQ(std::string(e.what()), "no column named 'v' in the data (both tables of the join have it: use 'v.x' from "
                                     "the data or 'v.y' from the joined file)");
  }
}

}  // namespace
