// Column names as R reads them (make.names, make.unique) and as a formula or an option names
// them: by R name, or by the header as the file writes it (a backticked `log y`), with a
// suggestion for a name no column has.
#include <gtest/gtest.h>

#include "data/r_names.hpp"
#include "formula/model_frame.hpp"
#include "lmm/data_frame.hpp"
#include "lmm/error.hpp"
#include "lmm/linear_mixed_model.hpp"

namespace {

using lmm::internal::make_r_name;
using lmm::internal::make_r_names;
using Strings = std::vector<std::string>;

lmm::DataFrame parse(const std::string& text) { return lmm::read_csv_text(text, "test.csv"); }

Strings names_of(const lmm::DataFrame& d) {
  Strings out;
  for (const auto& c : d.all_columns()) out.push_back(c.name);
  return out;
}

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const lmm::Error& e) {
    return e.what();
  }
  return "(no error)";
}

// Rscript -e 'make.names(c("(x)","if","1a",".1","a b","é","","TRUE","NA","function","Inf","NaN",
//   "NA_integer_","..1","...","_a",".a","a.b","x1","else","FALSE","x-1"))'
TEST(MakeNames, AsR) {
  const Strings raw = {"(x)", "if", "1a", ".1", "a b", "é", "", "TRUE", "NA", "function", "Inf",
                       "NaN", "NA_integer_", "..1", "...", "_a", ".a", "a.b", "x1", "else", "FALSE", "x-1"};
  const Strings r = {"X.x.", "if.", "X1a", "X.1", "a.b", "é", "X", "TRUE.", "NA.", "function.", "Inf.",
                     "NaN.", "NA_integer_.", "..1", "...", "X_a", ".a", "a.b", "x1", "else.", "FALSE.", "x.1"};
  for (std::size_t i = 0; i < raw.size(); ++i) EXPECT_EQ(make_r_name(raw[i]), r[i]) << raw[i];
}

// R 4.2 in C.UTF-8 on Linux (the C library's classes): letters of any script, and digits of
// other scripts (alphabetic to glibc), are kept; symbols, a no-break space and superscripts
// become '.'. make.names(c("€","x€","µ","ß1","1日","\u00a0x","x\u00b2","\u0663","x\u0663","日本"))
TEST(MakeNames, NonAsciiAsRInAUtf8Locale) {
  if (make_r_name("€") == "€") GTEST_SKIP() << "no UTF-8 locale: every non-ASCII character counts as a letter";
  EXPECT_EQ(make_r_name("€"), "X.");
  EXPECT_EQ(make_r_name("x€"), "x.");
  EXPECT_EQ(make_r_name("µ"), "µ");
  EXPECT_EQ(make_r_name("ß1"), "ß1");
  EXPECT_EQ(make_r_name("1日"), "X1日");
  EXPECT_EQ(make_r_name("\u00a0x"), "X.x");
  EXPECT_EQ(make_r_name("x\u00b2"), "x.");
  EXPECT_EQ(make_r_name("\u0663"), "\u0663");
  EXPECT_EQ(make_r_name("x\u0663"), "x\u0663");
  EXPECT_EQ(make_r_name("日本"), "日本");
}

// names(read.csv(text = "a,a,a.1,b b,b.b,,,x\n1,2,3,4,5,6,7,8")) and two more headers.
TEST(MakeNames, UniqueAsReadCsv) {
  EXPECT_EQ(make_r_names({"a", "a", "a.1", "b b", "b.b", "", "", "x"}),
            (Strings{"a", "a.2", "a.1", "b.b.1", "b.b", "X", "X.1", "x"}));
  EXPECT_EQ(make_r_names({"X", "", "x", "x", "x.1"}), (Strings{"X", "X.1", "x", "x.2", "x.1"}));
  EXPECT_EQ(make_r_names({"log y", "log.y", "(x)", "if"}), (Strings{"log.y.1", "log.y", "X.x.", "if."}));
}

TEST(ReadCsvNames, DuplicateAndEmptyHeadersAreNamedAsReadCsvNamesThem) {
  const auto d = parse("a,a,,(x)\n1,2,3,4\n");
  EXPECT_EQ(names_of(d), (Strings{"a", "a.1", "X", "X.x."}));
  EXPECT_EQ(d.column("a.1").numbers[0], 2.0);
  EXPECT_EQ(d.all_columns()[3].header, "(x)");
}

// names(read.csv(text = "y, x,\tg ,\" q \"\n1,2,3,4")): read.table reads the header line with
// strip.white = TRUE, so unquoted names lose their spaces and tabs, quoted ones keep them.
TEST(ReadCsvNames, UnquotedHeaderNamesAreTrimmedAsReadTableTrimsThem) {
  const auto d = parse("y, x,\tg ,\" q \",\"a\"\"b \"\n1,2,3,4,5\n");
  EXPECT_EQ(names_of(d), (Strings{"y", "x", "g", "X.q.", "a.b."}));
  EXPECT_EQ(d.all_columns()[3].header, " q ");
  EXPECT_EQ(d.all_columns()[4].header, "a\"b ");
}

TEST(ColumnLookup, HeaderAsWrittenAndRNameAreTheSameColumn) {
  const auto d = parse("log y,a+b,if\n1,2,3\n");
  EXPECT_EQ(names_of(d), (Strings{"log.y", "a.b", "if."}));
  EXPECT_EQ(&d.column("log y"), &d.column("log.y"));
  EXPECT_EQ(&d.column("a+b"), &d.column("a.b"));
  EXPECT_EQ(&d.column("if"), &d.column("if."));
  EXPECT_EQ(d.r_name("log y"), "log.y");
}

// The R name wins: here `log.y` is the second column's header and R name, `log y` the first's header.
TEST(ColumnLookup, RNameFirstThenHeader) {
  const auto d = parse("log y,log.y\n1,2\n");
  EXPECT_EQ(d.column("log.y").numbers[0], 2.0);
  EXPECT_EQ(d.column("log y").numbers[0], 1.0);
  EXPECT_EQ(d.column("log.y.1").numbers[0], 1.0);
}

TEST(ColumnLookup, AHeaderOfSeveralColumnsIsAmbiguous) {
  const auto d = parse("a b,a b\n1,2\n");
  EXPECT_TRUE(d.has("a b"));
  EXPECT_EQ(error_of([&] { d.column("a b"); }),
            "several columns have the header 'a b' (read as 'a.b', 'a.b.1'); name one of them as R reads it");
}

TEST(ColumnLookup, UnknownNameSuggestsTheClosestColumn) {
  const auto d = parse("sex,Reaction,log y,id\n1,2,3,4\n");
  EXPECT_EQ(error_of([&] { d.column("Sex"); }), "no column named 'Sex' in the data (did you mean 'sex'?)");
  EXPECT_EQ(lmm::did_you_mean(d, "Raection"), " (did you mean 'Reaction'?)");  // a transposition
  EXPECT_EQ(lmm::did_you_mean(d, "reactions"), " (did you mean 'Reaction'?)");
  EXPECT_EQ(lmm::did_you_mean(d, "LOG Y"), " (did you mean 'log.y'?)");     // by its header
  EXPECT_EQ(lmm::did_you_mean(d, "sx"), "");                               // too short to guess
  EXPECT_EQ(lmm::did_you_mean(d, "ID"), " (did you mean 'id'?)");          // but case is no guess
  EXPECT_EQ(lmm::did_you_mean(d, "weight"), "");
  EXPECT_EQ(error_of([&] { d.column("weight"); }), "no column named 'weight' in the data");
}

// A formula names a column by its R name or, backticked, by its header as written.
TEST(FormulaNames, BacktickedHeaderAndRNameFitTheSameModel) {
  std::string csv = "log y,dose (mg),my group\n";
  for (int i = 0; i < 30; ++i)
    csv += std::to_string(1.0 + 0.1 * i + (i % 3) * 0.7 + (i % 5) * 0.2) + "," + std::to_string(i % 7) + ",g" +
           std::to_string(i % 6) + "\n";
  const auto d = parse(csv);
  const lmm::LinearMixedModel by_header("`log y` ~ `dose (mg)` + (1 | `my group`)", d);
  const lmm::LinearMixedModel by_r_name("log.y ~ dose..mg. + (1 | my.group)", d);
  const auto a = by_header.fit({});
  const auto b = by_r_name.fit({});
  EXPECT_DOUBLE_EQ(a.objective, b.objective);
  EXPECT_EQ(a.nobs, 30);
  // Coefficients are named as the formula writes the variables, as the term labels are.
  EXPECT_EQ(a.fixef_names, (Strings{"(Intercept)", "dose (mg)"}));
  EXPECT_EQ(b.fixef_names, (Strings{"(Intercept)", "dose..mg."}));
}

TEST(FormulaNames, UnknownColumnSuggestsTheClosest) {
  const auto d = parse("y,sex,g\n1,1,a\n2,2,b\n");
  EXPECT_EQ(error_of([&] { lmm::LinearMixedModel("y ~ Sex + (1 | g)", d); }),
            "formula term 'Sex': no column named 'Sex' in the data (did you mean 'sex'?)");
  EXPECT_EQ(error_of([&] { lmm::LinearMixedModel("y ~ `se x` + (1 | g)", d); }),
            "formula term 'se x': no column named 'se x' in the data (did you mean 'sex'?)");
}

}  // namespace
