// RFC 4180 reader that decides column types as R's read.csv does.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <string_view>
#include <unordered_set>

#include "data/level_order.hpp"
#include "data/r_names.hpp"
#include "data/numbers_in_text.hpp"
#include "data/r_number.hpp"
#include "lmm/data_frame.hpp"
#include "lmm/error.hpp"
#include "util/excerpt.hpp"
#include "util/parallel.hpp"

namespace lmm {
namespace {

[[noreturn]] void fail(const std::string& source, const std::string& what) {
  throw Error(ErrorKind::kInput, "data file " + internal::quote_path(source) + ": " + what);
}

// Returns the byte offset of the first invalid UTF-8 sequence, or npos. Runs of ASCII, the
// common case, are skipped eight bytes at a time.
std::size_t find_invalid_utf8(std::string_view text) {
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  std::size_t i = 0;
  while (i < text.size()) {
    std::uint64_t word = 0;
    for (; i + 8 <= text.size(); i += 8) {
      std::memcpy(&word, text.data() + i, 8);
      if (word & kHighBits) break;
    }
    if (i >= text.size()) break;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) { ++i; continue; }
    int extra = (c >= 0xC2 && c <= 0xDF) ? 1 : (c >= 0xE0 && c <= 0xEF) ? 2 : (c >= 0xF0 && c <= 0xF4) ? 3 : -1;
    if (extra < 0 || i + extra >= text.size() + (extra == 0)) return i;
    for (int k = 1; k <= extra; ++k) {
      if (i + k >= text.size() || (static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return i;
    }
    i += extra + 1;
  }
  return std::string_view::npos;
}

std::size_t line_of(std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

// Where a split stopped: the offset after its last record, and the line there.
// The field's spaces and tabs around it.
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The value of a field with quotes, from byte i of text, into `out`: its unquoted text and the
// contents of its quoted sections, one after another (a doubled quote inside a section is a
// quote), as R's scan() reads a field; with strip_white, without the spaces and tabs around it
// outside the quotes. Leaves i at the byte after the field and line on the line it ends on.
std::string_view unquote_field(std::string_view text, std::size_t& i, std::size_t& line, char delimiter,
                               const std::string& source, std::string& out, bool strip_white) {
  const char* s = text.data();
  const std::size_t n = text.size();
  out.clear();
  std::size_t quoted_from = std::string::npos, quoted_to = 0;  // the bytes of out within quotes
  while (i < n && s[i] != delimiter && s[i] != '\n' && s[i] != '\r') {
    if (s[i] != '"') {
      out += s[i++];
      continue;
    }
    const std::size_t start_line = line;
    quoted_from = std::min(quoted_from, out.size());
    for (++i;; ++i) {
      if (i >= n) fail(source, "line " + std::to_string(start_line) + ": unterminated quoted field");
      if (s[i] == '"') {
        if (i + 1 < n && s[i + 1] == '"') {
          out += s[i++];
          continue;
        }
        break;
      }
      line += s[i] == '\n';
      out += s[i];
    }
    ++i;
    quoted_to = out.size();
  }
  if (!strip_white) return out;
  std::size_t begin = 0, end = out.size();
  while (begin < quoted_from && (out[begin] == ' ' || out[begin] == '\t')) ++begin;
  while (end > quoted_to && (out[end - 1] == ' ' || out[end - 1] == '\t')) --end;
  return std::string_view(out).substr(begin, end - begin);
}

struct SplitEnd {
  std::size_t offset;
  std::size_t line;
};

// Splits text into records of fields as R's scan() reads them (RFC 4180 and more: a lone CR also
// ends a record, blank lines are skipped, and a field is any run of unquoted text and quoted
// sections, `x"y"z` being xyz and ` "2"` being " 2"), text's first line being first_line. Calls
// field(index, value) for each field, its quoted sections unquoted and their doubled quotes
// undoubled (the view lives until the next call), and record(fields, line) after each record,
// with the line it starts on; the split stops early when record() returns false. With
// strip_white (read.table's header), the spaces and tabs around a field outside its quotes are
// dropped. Throws on an unterminated quote.
template <typename OnField, typename OnRecord>
SplitEnd split_records(std::string_view text, std::size_t first_line, char delimiter, const std::string& source,
                       OnField&& field, OnRecord&& record, bool strip_white = false) {
  std::array<bool, 256> ends_field{};  // the bytes that end an unquoted field
  for (const char c : {delimiter, '\n', '\r', '"'}) ends_field[static_cast<unsigned char>(c)] = true;
  const char* s = text.data();
  const std::size_t n = text.size();
  std::string unescaped;
  std::size_t i = 0, line = first_line;
  while (i < n) {
    const std::size_t record_line = line;
    std::size_t fields = 0;
    while (true) {
      std::size_t j = i;
      while (j < n && !ends_field[static_cast<unsigned char>(s[j])]) ++j;
      const bool quoted = j < n && s[j] == '"';
      std::string_view value = text.substr(i, j - i);
      if (quoted) {
        value = unquote_field(text, i, line, delimiter, source, unescaped, strip_white);
      } else {
        if (strip_white) value = trim(value);
        i = j;
      }
      const bool more = i < n && s[i] == delimiter;
      if (fields == 0 && !more && !quoted && value.empty()) break;  // a blank line
      field(fields++, value);
      if (!more) break;
      ++i;
    }
    if (i < n && s[i] == '\r') ++i;
    if (i < n && s[i] == '\n') { ++i; ++line; }
    if (fields > 0 && !record(fields, record_line)) break;
  }
  return {i, line};
}

// The common spellings, -?D+ and -?D+.D+ with at most 19 digits, as from_chars would read them,
// without its general machinery: with the digits as an integer m <= 2^53 and k of them after the point
// (k <= 22), m and 10^k are exact doubles and m / 10^k is one correctly rounded division, which
// is the correctly rounded value of the text. False (value untouched) for anything else.
bool parse_plain_decimal(std::string_view s, double& value) {
  static constexpr double kPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                            1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                            1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const bool negative = s.front() == '-';
  std::size_t i = negative ? 1 : 0;
  std::uint64_t m = 0;
  int digits = 0, after_point = 0;
  bool point = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      if (++digits > 19) return false;
      m = m * 10 + static_cast<std::uint64_t>(c - '0');
      after_point += point ? 1 : 0;
    } else if (c == '.' && !point && digits > 0) {
      point = true;
    } else {
      return false;
    }
  }
  if (digits == 0 || (point && after_point == 0) || m > (std::uint64_t{1} << 53) || after_point > 22) return false;
  const double magnitude = static_cast<double>(m) / kPowersOfTen[after_point];
  value = negative ? -magnitude : magnitude;
  return true;
}

// A field as R's type.convert reads it for a numeric column: the plain decimals that nearly every
// numeric field is, else R's whole grammar (white space, signs, exponents, NaN, Inf, hexadecimal).
internal::FieldReading read_number(std::string_view field, double& value) {
  if (!field.empty() && parse_plain_decimal(field, value)) return internal::FieldReading::kNumber;
  return internal::read_r_number(field, value);
}

// A field that is missing in any column: empty, or one of the NA strings. (A blank field is
// missing in a numeric column only, as in R.)
bool is_na(std::string_view value, const CsvOptions& options) {
  if (value.empty()) return true;
  for (const auto& na : options.na_strings)
    if (value == na) return true;
  return false;
}

// The first pass's columns: numbers (0 where missing) and the missing mask, one entry per row.
struct ColumnValues {
  std::vector<double> numbers;
  std::vector<std::uint8_t> missing;
};

// A stretch of the data records that one thread reads in the first pass, into rows
// [first_row, first_row + max_rows) of the columns. Its lines are counted from first_line: the
// first stretch's from the line after the header, the others' from 1, the merge adding the lines
// before them (they have no quotes, so no quoting error needs its true line while they are read).
struct Stretch {
  std::string_view text;
  std::size_t first_line = 1;
  std::size_t first_row = 0, max_rows = 0;
  std::size_t rows = 0;         // the records read
  std::vector<char> numeric;    // per column: every field in the stretch is a number
  std::size_t bad_line = 0;     // the first record whose width is not the header's (0: none)
  std::size_t bad_width = 0;
  std::size_t end_line = 1;
};

// How many records text can hold at most: one per line end (LF, or CR not before LF), and one
// more if asked for a last record without a line end. Counting the bytes is much faster than
// splitting: the stretches' rows can be placed before they are read.
std::size_t record_bound(std::string_view text, bool unterminated_last) {
  std::size_t ends = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  if (text.find('\r') != std::string_view::npos)
    for (std::size_t i = 0; i < text.size(); ++i)
      ends += text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n');
  return ends + (unterminated_last ? 1 : 0);
}

void read_stretch(Stretch& stretch, std::vector<ColumnValues>& columns, const std::string& source,
                  const CsvOptions& options) {
  const std::size_t width = columns.size();
  stretch.numeric.assign(width, 1);
  std::size_t row = stretch.first_row;
  const std::size_t end_row = stretch.first_row + stretch.max_rows;
  stretch.end_line = split_records(
      stretch.text, stretch.first_line, options.delimiter, source,
      [&](std::size_t c, std::string_view value) {
        if (stretch.bad_line > 0 || c >= width) return;
        if (row >= end_row) fail(source, "more records than line ends (a bug in the reader)");
        bool missing = is_na(value, options);
        double number = 0.0;
        if (!missing && stretch.numeric[c]) {
          const internal::FieldReading reading = read_number(value, number);
          if (reading == internal::FieldReading::kText) stretch.numeric[c] = 0;
          missing = reading == internal::FieldReading::kBlank;
        }
        columns[c].missing[row] = missing;
        columns[c].numbers[row] = number;
      },
      [&](std::size_t fields, std::size_t line) {
        if (stretch.bad_line == 0 && fields != width) {
          stretch.bad_line = line;
          stretch.bad_width = fields;
        }
        ++row;
        return true;
      }).line;
  stretch.rows = row - stretch.first_row;
}

// The data records cut into one stretch per thread at line ends, when the text is large and has
// no quotes (a quoted field may hold a line end, so only then is every LF a record's end).
std::vector<Stretch> plan_stretches(std::string_view data, std::size_t first_line) {
  constexpr std::size_t kParallelBytes = std::size_t{1} << 20;
  const int pieces = data.size() >= kParallelBytes && data.find('"') == std::string_view::npos
                         ? internal::worker_count(internal::linalg_threads(), 64)
                         : 1;
  std::vector<Stretch> out;
  std::size_t begin = 0, rows = 0;
  for (int k = 1; k <= pieces && begin < data.size(); ++k) {
    std::size_t end = data.size();
    if (k < pieces) {
      const std::size_t cut = data.find('\n', std::max(begin, data.size() / static_cast<std::size_t>(pieces) * k));
      if (cut != std::string_view::npos) end = cut + 1;
    }
    Stretch s;
    s.text = data.substr(begin, end - begin);
    s.first_line = k == 1 ? first_line : 1;
    s.first_row = rows;
    s.max_rows = record_bound(s.text, end == data.size());
    rows += s.max_rows;
    out.push_back(std::move(s));
    begin = end;
  }
  return out;
}

// The text of the columns that are not numeric, for their factors: a second split of the text,
// which only files with text columns need. Their missing mask is made again, for a blank field
// is a value in a text column (missing fields stay empty).
std::vector<std::vector<std::string>> column_text(std::string_view data, std::size_t first_line,
                                                  const std::string& source, const CsvOptions& options,
                                                  const std::vector<char>& numeric,
                                                  std::vector<ColumnValues>& columns) {
  std::vector<std::vector<std::string>> out(columns.size());
  std::size_t row = 0;
  split_records(
      data, first_line, options.delimiter, source,
      [&](std::size_t c, std::string_view value) {
        if (numeric[c]) return;
        const bool missing = is_na(value, options);
        columns[c].missing[row] = missing;
        out[c].emplace_back(missing ? std::string_view() : value);
      },
      [&](std::size_t, std::size_t) {
        ++row;
        return true;
      });
  return out;
}

// The line each record starts on, as runs of consecutive lines: one run when every record is
// one line (no blank line, no line break in a quoted field, no lone CR, counted without a second
// split), otherwise a run after each record that does not start on the line after the last.
std::vector<LineRun> record_line_runs(std::string_view data, std::size_t first_line, std::size_t rows,
                                      const std::string& source, const CsvOptions& options) {
  std::string_view body = data;
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.remove_suffix(1);
  bool lone_cr = false;
  for (std::size_t at = body.find('\r'); at != std::string_view::npos && !lone_cr; at = body.find('\r', at + 1))
    lone_cr = body[at + 1] != '\n';  // body does not end with a CR
  if (!lone_cr && rows == static_cast<std::size_t>(std::count(body.begin(), body.end(), '\n')) + 1)
    return {{0, first_line}};
  std::vector<LineRun> runs;
  std::size_t row = 0, last_line = 0;
  split_records(
      data, first_line, options.delimiter, source, [](std::size_t, std::string_view) {},
      [&](std::size_t, std::size_t line) {
        if (row == 0 || line != last_line + 1) runs.push_back({row, line});
        last_line = line;
        ++row;
        return true;
      });
  return runs;
}

// The line that data record `row` (from 0) starts on: a third split, up to that record.
std::size_t line_of_row(std::string_view data, std::size_t first_line, const std::string& source,
                        const CsvOptions& options, std::size_t row) {
  std::size_t records = 0, line = first_line;
  split_records(
      data, first_line, options.delimiter, source, [](std::size_t, std::string_view) {},
      [&](std::size_t, std::size_t record_line) {
        line = record_line;
        return records++ < row;
      });
  return line;
}

}  // namespace

// The header first; then the data records, split and parsed as numbers straight into their
// columns, so the fields are never stored (large files without quotes in stretches, one per
// thread, each into its own rows); a column with a field that is not a number is read again as
// text. The errors keep their precedence: the text's encoding, its quoting, an empty file, the
// first record of the wrong width, then the header's names.
DataFrame read_csv_text(const std::string& content, const std::string& source, const CsvOptions& options) {
  std::string_view text(content);
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (const auto nul = text.find('\0'); nul != std::string_view::npos)
    fail(source, "binary content (NUL byte) at line " + std::to_string(line_of(text, nul)));
  if (const auto bad = find_invalid_utf8(text); bad != std::string_view::npos)
    fail(source, "invalid UTF-8 at line " + std::to_string(line_of(text, bad)));
  std::vector<std::string> header;
  // The header as read.table reads it: scan's strip.white = TRUE, so unquoted spaces around a name go.
  const SplitEnd header_end = split_records(
      text, 1, options.delimiter, source,
      [&](std::size_t, std::string_view value) { header.emplace_back(value); },
      [](std::size_t, std::size_t) { return false; }, /*strip_white=*/true);
  const std::string_view data = text.substr(header_end.offset);
  std::vector<Stretch> stretches = plan_stretches(data, header_end.line);
  std::vector<ColumnValues> columns(header.size());
  const std::size_t max_rows = stretches.empty() ? 0 : stretches.back().first_row + stretches.back().max_rows;
  for (ColumnValues& column : columns) {
    column.numbers.resize(max_rows);
    column.missing.resize(max_rows);
  }
  const auto count = static_cast<int>(stretches.size());
  internal::parallel_for(count, internal::worker_count(internal::linalg_threads(), count),
                         [&](int k, int) { read_stretch(stretches[static_cast<std::size_t>(k)], columns, source, options); });
  // The stretches' rows, moved together where a stretch had fewer records than line ends; their
  // lines, counted on from the header's.
  std::size_t rows = 0, line = header_end.line;
  std::size_t bad_line = 0, bad_width = 0;
  std::vector<char> numeric(header.size(), 1);
  for (const Stretch& s : stretches) {
    if (s.first_row != rows)
      for (ColumnValues& column : columns) {
        std::copy_n(column.numbers.begin() + static_cast<std::ptrdiff_t>(s.first_row), s.rows,
                    column.numbers.begin() + static_cast<std::ptrdiff_t>(rows));
        std::copy_n(column.missing.begin() + static_cast<std::ptrdiff_t>(s.first_row), s.rows,
                    column.missing.begin() + static_cast<std::ptrdiff_t>(rows));
      }
    rows += s.rows;
    if (bad_line == 0 && s.bad_line > 0) bad_line = line + (s.bad_line - s.first_line), bad_width = s.bad_width;
    line += s.end_line - s.first_line;
    for (std::size_t c = 0; c < numeric.size(); ++c) numeric[c] = numeric[c] && s.numeric[c];
  }
  if (header.empty()) fail(source, "the file is empty");
  if (rows == 0) fail(source, "a header but no data rows");
  if (bad_line > 0)
    fail(source, "line " + std::to_string(bad_line) + ": expected " + std::to_string(header.size()) +
                     " fields, found " + std::to_string(bad_width));
  const std::vector<std::string> names = internal::make_r_names(header);
  for (ColumnValues& column : columns) {
    column.numbers.resize(rows);
    column.missing.resize(rows);
  }
  std::vector<std::vector<std::string>> text_of;
  if (std::find(numeric.begin(), numeric.end(), 0) != numeric.end())
    text_of = column_text(data, header_end.line, source, options, numeric, columns);
  DataFrame frame;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    Column column;
    column.name = names[c];
    column.header = header[c];
    column.missing = std::move(columns[c].missing);
    if (numeric[c]) {
      column.numbers = std::move(columns[c].numbers);
    } else {
      column.type = Column::Type::kFactor;
      internal::factor_from_text(text_of[c], column.missing, column.codes, column.levels);
      const internal::NumbersInText count = internal::count_numbers(column);
      column.text_because = internal::text_because(count, column, [&](std::size_t row) {
        return line_of_row(data, header_end.line, source, options, row);
      });
      const std::string warning = internal::mostly_numbers_warning(source, column, count);
      if (!warning.empty()) frame.add_warning(warning);
    }
    frame.add(std::move(column));
  }
  frame.set_origin(source, record_line_runs(data, header_end.line, rows, source, options));
  return frame;
}

// The file's bytes in one buffer, sized from the file (and grown for a file that lies about its
// size, such as a pipe).
DataFrame read_csv(const std::string& path, const CsvOptions& options) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw Error(ErrorKind::kInput, "cannot read data file " + internal::quote_path(path) + ": it is a directory");
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) throw Error(ErrorKind::kInput, "cannot open data file " + internal::quote_path(path));
  const auto size = std::filesystem::file_size(path, ec);
  std::string content(ec ? std::size_t{1} << 16 : static_cast<std::size_t>(size) + 1, '\0');
  std::size_t used = 0;
  while (true) {
    used += std::fread(content.data() + used, 1, content.size() - used, file.get());
    if (used < content.size()) break;
    content.resize(content.size() * 2);
  }
  if (std::ferror(file.get())) throw Error(ErrorKind::kInput, "cannot read data file " + internal::quote_path(path));
  content.resize(used);
  return read_csv_text(content, path, options);
}

}  // namespace lmm
