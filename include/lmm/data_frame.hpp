// lmm/data_frame.hpp: columns of observations, read from CSV and joined as R and dplyr do.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace lmm {

// One column: numbers (with a missing mask) or a factor (level codes into sorted levels).
struct Column {
  enum class Type { kNumeric, kFactor };

  std::string name;
  Type type = Type::kNumeric;
  std::vector<double> numbers;      // kNumeric: the values (unspecified where missing)
  std::vector<int> codes;           // kFactor: index into levels, -1 where missing
  std::vector<std::string> levels;  // kFactor: level labels in R's sort order
  std::vector<std::uint8_t> missing;  // 1 where the value is NA (both types)

  std::size_t size() const { return missing.size(); }
  bool is_factor() const { return type == Type::kFactor; }
  bool is_missing(std::size_t row) const { return missing[row] != 0; }
  // The value as text, as R's as.character would show it (used for join keys and labels).
  std::string label(std::size_t row) const;
};

class DataFrame {
 public:
  DataFrame() = default;

  std::size_t rows() const { return rows_; }
  std::size_t columns() const { return columns_.size(); }
  const std::vector<Column>& all_columns() const { return columns_; }

  bool has(const std::string& name) const { return index_of(name) >= 0; }
  // Throws lmm::Error naming the column when absent.
  const Column& column(const std::string& name) const;
  Column& column(const std::string& name);

  // Appends a column; throws when its length differs or its name is taken.
  void add(Column column);

  // Recodes a numeric column as a factor (levels sorted numerically, as R's factor() does);
  // a factor column is left as it is.
  void declare_factor(const std::string& name);

  // What read_csv noticed but R passes over in silence, one line each (a column read as text
  // because of a few fields that are not numbers); the CLI prints them as warnings. Not carried
  // through left_join.
  const std::vector<std::string>& warnings() const { return warnings_; }
  void add_warning(std::string message) { warnings_.push_back(std::move(message)); }

 private:
  int index_of(const std::string& name) const;

  std::vector<Column> columns_;
  std::vector<std::string> warnings_;
  std::size_t rows_ = 0;
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
// spoiled by a few fields gets a warning (see DataFrame::warnings).
DataFrame read_csv(const std::string& path, const CsvOptions& options = {});
DataFrame read_csv_text(const std::string& text, const std::string& source_name,
                        const CsvOptions& options = {});

// dplyr::left_join(left, right, by = key): every row of left, in order, once per matching row of
// right (or once with missing values when none matches); clashing column names get .x and .y.
DataFrame left_join(const DataFrame& left, const DataFrame& right, const std::string& key);

}  // namespace lmm
