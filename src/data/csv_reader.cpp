// RFC 4180 reader that decides column types as R's read.csv does.
#include <charconv>
#include <cmath>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <unordered_set>

#include "data/level_order.hpp"
#include "lmm/data_frame.hpp"
#include "lmm/error.hpp"

namespace lmm {
namespace {

[[noreturn]] void fail(const std::string& source, const std::string& what) {
  throw Error(ErrorKind::kInput, "data file '" + source + "': " + what);
}

// Returns the byte offset of the first invalid UTF-8 sequence, or npos.
std::size_t find_invalid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
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

// The text split into records of fields, all fields in one array (one allocation, not one per
// record); quoted fields with doubled quotes are unescaped into `arena`. Each record remembers
// the line it starts on.
struct Records {
  std::vector<std::string_view> fields;  // record after record
  std::vector<std::size_t> starts{0};    // record r's fields are [starts[r], starts[r + 1])
  std::vector<std::size_t> lines;
  std::deque<std::string> arena;

  std::size_t size() const { return lines.size(); }
  std::size_t width(std::size_t r) const { return starts[r + 1] - starts[r]; }
  std::string_view field(std::size_t r, std::size_t c) const { return fields[starts[r] + c]; }
};

Records split_records(std::string_view text, char delimiter, const std::string& source) {
  Records out;
  std::size_t i = 0, line = 1;
  const std::size_t n = text.size();
  out.fields.reserve(n / 8 + 1);
  while (i < n) {
    const std::size_t record_begin = out.fields.size();
    bool first_quoted = false;
    const std::size_t record_line = line;
    while (true) {
      if (i < n && text[i] == '"') {
        const std::size_t start_line = line;
        std::size_t j = i + 1;
        bool escaped = false;
        while (true) {
          if (j >= n) fail(source, "line " + std::to_string(start_line) + ": unterminated quoted field");
          if (text[j] == '"') {
            if (j + 1 < n && text[j + 1] == '"') { escaped = true; j += 2; continue; }
            break;
          }
          line += text[j] == '\n';
          ++j;
        }
        std::string_view body = text.substr(i + 1, j - i - 1);
        if (escaped) {
          std::string unescaped;
          for (std::size_t k = 0; k < body.size(); ++k) {
            unescaped += body[k];
            if (body[k] == '"') ++k;
          }
          out.arena.push_back(std::move(unescaped));
          body = out.arena.back();
        }
        if (out.fields.size() == record_begin) first_quoted = true;
        out.fields.push_back(body);
        i = j + 1;
        while (i < n && text[i] != delimiter && text[i] != '\n' && text[i] != '\r') {
          if (text[i] != ' ' && text[i] != '\t')
            fail(source, "line " + std::to_string(line) + ": text after a closing quote");
          ++i;
        }
      } else {
        std::size_t j = i;
        while (j < n && text[j] != delimiter && text[j] != '\n' && text[j] != '\r') ++j;
        out.fields.push_back(text.substr(i, j - i));
        i = j;
      }
      if (i < n && text[i] == delimiter) { ++i; continue; }
      break;
    }
    if (i < n && text[i] == '\r') ++i;
    if (i < n && text[i] == '\n') { ++i; ++line; }
    const bool blank = out.fields.size() == record_begin + 1 && out.fields.back().empty() && !first_quoted;
    if (blank) {
      out.fields.pop_back();
    } else {
      out.starts.push_back(out.fields.size());
      out.lines.push_back(record_line);
    }
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Parses a number as R's type.convert accepts it; false when the field is not a number.
bool parse_number(std::string_view field, double& value) {
  std::string_view s = trim(field);
  if (s.empty()) return false;
  if (s == "Inf" || s == "+Inf" || s == "inf") { value = INFINITY; return true; }
  if (s == "-Inf" || s == "-inf") { value = -INFINITY; return true; }
  if (s == "NaN") { value = NAN; return true; }
  if (s.front() == '+') s.remove_prefix(1);
  if (s.empty() || s.front() == '+') return false;
  // from_chars accepts "inf"/"nan" spellings R does not; numbers must start with a digit, '.', '-'.
  const char c0 = s.front() == '-' && s.size() > 1 ? s[1] : s.front();
  if (!(std::isdigit(static_cast<unsigned char>(c0)) || c0 == '.')) return false;
  const auto result = std::from_chars(s.data(), s.data() + s.size(), value);
  return result.ec == std::errc() && result.ptr == s.data() + s.size();
}

// R's make.names: invalid characters become '.', a leading digit or '_' gets an 'X' prefix.
std::string r_column_name(std::string_view raw) {
  std::string name(raw);
  for (char& c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (!(std::isalnum(u) || c == '.' || c == '_' || u >= 0x80)) c = '.';
  }
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])) || name[0] == '_' ||
      (name[0] == '.' && name.size() > 1 && std::isdigit(static_cast<unsigned char>(name[1]))))
    name = "X" + name;
  return name;
}

Column make_column(const std::string& name, const Records& records, std::size_t col,
                   const CsvOptions& options) {
  const std::size_t rows = records.size() - 1;
  Column column;
  column.name = name;
  column.missing.assign(rows, 0);
  column.numbers.assign(rows, 0.0);
  bool numeric = true;
  for (std::size_t r = 0; r < rows; ++r) {
    const std::string_view field = records.field(r + 1, col);
    bool is_na = field.empty();
    for (const auto& na : options.na_strings) is_na = is_na || field == na;
    if (is_na) { column.missing[r] = 1; continue; }
    if (numeric && !parse_number(field, column.numbers[r])) numeric = false;
  }
  if (numeric) return column;
  column.type = Column::Type::kFactor;
  column.numbers.clear();
  std::vector<std::string> text(rows);
  for (std::size_t r = 0; r < rows; ++r)
    if (!column.missing[r]) text[r] = std::string(records.field(r + 1, col));
  internal::factor_from_text(text, column.missing, column.codes, column.levels);
  return column;
}

}  // namespace

DataFrame read_csv_text(const std::string& content, const std::string& source, const CsvOptions& options) {
  std::string_view text(content);
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (const auto nul = text.find('\0'); nul != std::string_view::npos)
    fail(source, "binary content (NUL byte) at line " + std::to_string(line_of(text, nul)));
  if (const auto bad = find_invalid_utf8(text); bad != std::string_view::npos)
    fail(source, "invalid UTF-8 at line " + std::to_string(line_of(text, bad)));
  Records records = split_records(text, options.delimiter, source);
  if (records.size() == 0) fail(source, "the file is empty");
  if (records.size() == 1) fail(source, "a header but no data rows");
  const std::size_t width = records.width(0);
  for (std::size_t r = 1; r < records.size(); ++r) {
    if (records.width(r) != width)
      fail(source, "line " + std::to_string(records.lines[r]) + ": expected " + std::to_string(width) +
                       " fields, found " + std::to_string(records.width(r)));
  }
  DataFrame frame;
  std::unordered_set<std::string> seen;
  for (std::size_t c = 0; c < width; ++c) {
    const std::string_view header = records.field(0, c);
    if (header.empty()) fail(source, "column " + std::to_string(c + 1) + " has an empty name");
    const std::string name = r_column_name(header);
    if (!seen.insert(name).second) fail(source, "duplicate column name '" + name + "'");
    frame.add(make_column(name, records, c, options));
  }
  return frame;
}

DataFrame read_csv(const std::string& path, const CsvOptions& options) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw Error(ErrorKind::kInput, "cannot read data file '" + path + "': it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::kInput, "cannot open data file '" + path + "'");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw Error(ErrorKind::kInput, "cannot read data file '" + path + "'");
  return read_csv_text(buffer.str(), path, options);
}

}  // namespace lmm
