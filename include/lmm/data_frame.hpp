// lmm/data_frame.hpp: columns of observations, read from CSV and joined as R and dplyr do.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lmm {

// How a factor is coded in a model matrix, as R's contr.* functions code it. kDefault is R's
// options(contrasts = c("contr.treatment", "contr.poly")): treatment contrasts for an unordered
// factor, orthonormal polynomial ones for an ordered factor.
enum class Contrasts { kDefault, kTreatment, kSum, kHelmert, kPoly, kSAS };

// "treatment" or "contr.treatment", "sum", "helmert", "poly", "SAS" (as R's C() accepts them);
// nothing for another name.
std::optional<Contrasts> contrasts_from_name(const std::string& name);
// "contr.treatment", "contr.sum", ...; "default" for kDefault.
std::string contrasts_name(Contrasts contrasts);

// One column: numbers (with a missing mask) or a factor (level codes into sorted levels).
struct Column {
  enum class Type { kNumeric, kFactor };

  std::string name;    // as R names it (read.csv's make.names), e.g. log.y
  std::string header;  // as the file's header line writes it, e.g. "log y" ("" if not from a file)
  Type type = Type::kNumeric;
  std::vector<double> numbers;      // kNumeric: the values (unspecified where missing)
  std::vector<int> codes;           // kFactor: index into levels, -1 where missing
  std::vector<std::string> levels;  // kFactor: level labels in R's sort order (or as set_levels gave them)
  bool ordered = false;                           // kFactor: an ordered factor (R's ordered())
  Contrasts contrasts = Contrasts::kDefault;      // kFactor: its coding in a model matrix
  std::vector<std::uint8_t> missing;  // 1 where the value is NA (both types)
  // A text column of a file whose fields are mostly numbers: why it is text, as "1 field that is
  // not a number, '1d5' on line 5" ("" for other columns), for a message that needs a number.
  std::string text_because;

  std::size_t size() const { return missing.size(); }
  bool is_factor() const { return type == Type::kFactor; }
  bool is_missing(std::size_t row) const { return missing[row] != 0; }
  // The value as text, as R's as.character would show it (used for join keys and labels).
  std::string label(std::size_t row) const;
};

// Rows from first_row on start on consecutive lines from first_line (up to the next run).
struct LineRun {
  std::size_t first_row = 0;
  std::size_t first_line = 0;
};

class DataFrame {
 public:
  DataFrame() = default;

  std::size_t rows() const { return rows_; }
  std::size_t columns() const { return columns_.size(); }
  const std::vector<Column>& all_columns() const { return columns_; }

  // A column is named by its R name or, when no column has that R name, by its header as the
  // file writes it (a formula's `log y` and log.y are the same column).
  bool has(const std::string& name) const { return find(name) != kAbsent; }
  // Throws lmm::Error naming the column when absent (suggesting the closest name) or when
  // several columns have it as their header.
  const Column& column(const std::string& name) const;
  Column& column(const std::string& name);
  // The R name of the column `name` names (as column() finds it).
  const std::string& r_name(const std::string& name) const { return column(name).name; }

  // The file the rows were read from ("" if none) and the line each row's record starts on, as
  // the reader's messages count lines (0 when not known).
  const std::string& source() const { return source_; }
  std::size_t line_of(std::size_t row) const;
  const std::vector<LineRun>& line_runs() const { return line_runs_; }
  void set_origin(std::string source, std::vector<LineRun> runs);

  // Appends a column; throws when its length differs or its name is taken.
  void add(Column column);

  // Recodes a numeric column as a factor (levels sorted numerically, as R's factor() does);
  // a factor column is left as it is.
  void declare_factor(const std::string& name);

  // R's factor(x, levels = levels): the column (a numeric one becomes a factor, its values
  // labelled as R prints them) takes these levels in this order, the first the baseline of
  // treatment contrasts. Listed levels absent from the data are kept (a model drops them, as
  // lme4's model frame does). Throws lmm::Error (kInput) naming the column and the level when a
  // level is listed twice or an observed value is not listed.
  void set_levels(const std::string& name, const std::vector<std::string>& levels);
  // R's ordered(x): the column (a numeric one becomes a factor) is an ordered factor, coded by
  // polynomial contrasts unless set_contrasts says otherwise.
  void declare_ordered(const std::string& name);
  // R's contrasts(x) <- contr.<kind>. Throws lmm::Error (kInput) when the column is numeric.
  void set_contrasts(const std::string& name, Contrasts contrasts);

  // What read_csv noticed but R passes over in silence, one line each (a column read as text
  // because of a few fields that are not numbers); the CLI prints them as warnings. Not carried
  // through left_join.
  const std::vector<std::string>& warnings() const { return warnings_; }
  void add_warning(std::string message) { warnings_.push_back(std::move(message)); }

 private:
  static constexpr int kAbsent = -1;
  static constexpr int kAmbiguous = -2;
  int index_of(const std::string& r_name) const;
  int find(const std::string& name) const;

  std::vector<Column> columns_;
  std::vector<std::string> warnings_;
  std::size_t rows_ = 0;
  std::string source_;
  std::vector<LineRun> line_runs_;
};

struct CsvOptions {
  char delimiter = ',';
  // Fields equal to one of these (after unquoting) are missing; empty fields are always missing.
  std::vector<std::string> na_strings = {"NA"};
};

// Reads an RFC 4180 file (UTF-8, optional byte-order mark, LF or CRLF). A column whose every
// non-missing field is a number as R's read.csv reads one (quoted numbers, white space around
// them, NaN, Inf, 1e400, hexadecimal 0x10, ...; a blank field is missing) is numeric; any other
// column is a factor with levels sorted as R sorts text. A factor that is very likely numbers
// spoiled by a few fields gets a warning (see DataFrame::warnings). Columns are named as
// read.csv names them (make.names(unique = TRUE)) and keep their header as written.
DataFrame read_csv(const std::string& path, const CsvOptions& options = {});
DataFrame read_csv_text(const std::string& text, const std::string& source_name,
                        const CsvOptions& options = {});

// " (did you mean 'sex'?)" for a name no column has: the column whose R name or header is the
// same but for case, or else the closest within a small edit distance (1 for names of up to 5
// characters, 2 for longer ones, none for names of 1 or 2); "" when no column is that close.
std::string did_you_mean(const DataFrame& data, const std::string& name);

// dplyr::left_join(left, right, by = key) of a group-level table: every row of left, in order,
// with the columns of the row of right whose key equals its key (numbers by value; a missing key
// matches a missing key, dplyr's na_matches = "na"), or missing values when none does; clashing
// column names get .x and .y. Throws lmm::Error (kInput) when a key value appears in two rows of
// right (naming the value, the file and both lines), or when no row of left finds a match.
DataFrame left_join(const DataFrame& left, const DataFrame& right, const std::string& key);

}  // namespace lmm
