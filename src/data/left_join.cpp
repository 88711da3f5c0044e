// dplyr::left_join semantics for one key column of a group-level table: one row per key.
#include <cmath>
#include <cstring>
#include <string>
#include <unordered_map>

#include "data/level_order.hpp"
#include "lmm/data_frame.hpp"
#include "lmm/error.hpp"
#include "util/excerpt.hpp"

namespace lmm {
namespace {

constexpr std::size_t kValueRadius = 20;

// Takes the given rows of a column (row -1 gives a missing value); factor levels are kept whole.
Column take_rows(const Column& source, const std::vector<long>& rows, const std::string& name,
                 const std::string& header) {
  Column out;
  out.name = name;
  out.header = header;
  out.type = source.type;
  out.levels = source.levels;
  out.ordered = source.ordered;
  out.contrasts = source.contrasts;
  out.text_because = source.text_because;
  out.missing.resize(rows.size());
  if (source.is_factor()) out.codes.resize(rows.size()); else out.numbers.resize(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const long r = rows[i];
    const bool miss = r < 0 || source.is_missing(static_cast<std::size_t>(r));
    out.missing[i] = miss;
    if (source.is_factor()) out.codes[i] = miss ? -1 : source.codes[static_cast<std::size_t>(r)];
    else out.numbers[i] = miss ? 0.0 : source.numbers[static_cast<std::size_t>(r)];
  }
  return out;
}

// "data file 'school.csv'" (or "the joined data" for a frame not read from a file).
std::string file_of(const DataFrame& frame, const char* otherwise) {
  return frame.source().empty() ? otherwise : "data file " + internal::quote_path(frame.source());
}

std::string quoted_file(const DataFrame& frame, const char* otherwise) {
  return frame.source().empty() ? otherwise : internal::quote_path(frame.source());
}

const char* kind_of(const Column& key) { return key.is_factor() ? "text" : "numeric"; }

// "lines 3 and 17" as the file numbers them, or "rows 2 and 16" when its lines are not known.
std::string lines_of(const DataFrame& frame, std::size_t a, std::size_t b) {
  const std::size_t la = frame.line_of(a), lb = frame.line_of(b);
  if (la == 0 || lb == 0) return "rows " + std::to_string(a + 1) + " and " + std::to_string(b + 1);
  return "lines " + std::to_string(la) + " and " + std::to_string(lb);
}

// The key as dplyr compares it: numbers by value (1, 1.0 and 01 alike; -0 is 0; NaN matches NaN),
// text by its characters, and a missing key matches a missing key (na_matches = "na").
std::string match_key(const Column& key, std::size_t row) {
  if (key.is_missing(row)) return std::string(1, '\0');  // no label or number has this form
  if (key.is_factor()) return "t" + key.levels[static_cast<std::size_t>(key.codes[row])];
  const double v = key.numbers[row];
  if (std::isnan(v)) return "nNaN";
  const double value = v == 0.0 ? 0.0 : v;
  std::string bytes(sizeof value, '\0');
  std::memcpy(bytes.data(), &value, sizeof value);
  return "n" + bytes;
}

// Each key of the joined table to its one row; a key on two rows is an error naming both lines.
std::unordered_map<std::string, long> rows_by_key(const DataFrame& right, const Column& key) {
  std::unordered_map<std::string, long> rows;
  for (std::size_t r = 0; r < right.rows(); ++r) {
    const auto [it, inserted] = rows.emplace(match_key(key, r), static_cast<long>(r));
    if (!inserted)
      throw Error(ErrorKind::kInput, file_of(right, "the joined data") + ": key " + internal::quote(key.name) +
                                         " value " + internal::quote(key.label(r), 0, kValueRadius) +
                                         " appears on " + lines_of(right, static_cast<std::size_t>(it->second), r) +
                                         "; a group-level table needs one row per key");
  }
  return rows;
}

// A join that matches nothing would leave every joined value missing: say so, with a key of each.
[[noreturn]] void fail_no_match(const DataFrame& left, const Column& lkey, const DataFrame& right,
                                const Column& rkey) {
  const auto example = [](const Column& key) {
    if (key.size() == 0) return std::string("no rows");
    std::size_t row = 0;
    while (row + 1 < key.size() && key.is_missing(row)) ++row;
    return internal::quote(key.label(row), 0, kValueRadius);
  };  // "such as no rows" reads oddly, but only the library can join a table without rows
  throw Error(ErrorKind::kInput, "join by " + internal::quote(lkey.name) + ": no key of " +
                                     quoted_file(left, "the data") + " (such as " + example(lkey) +
                                     ") matches one of " + quoted_file(right, "the joined data") + " (such as " +
                                     example(rkey) + ")");
}

}  // namespace

DataFrame left_join(const DataFrame& left, const DataFrame& right, const std::string& key) {
  if (!left.has(key))
    throw Error(ErrorKind::kInput, "join key " + internal::quote(key) + " is not a column of the left data" +
                                       did_you_mean(left, key));
  if (!right.has(key))
    throw Error(ErrorKind::kInput, "join key " + internal::quote(key) + " is not a column of the joined data" +
                                       did_you_mean(right, key));
  const Column& lkey = left.column(key);
  const Column& rkey = right.column(key);
  if (lkey.is_factor() != rkey.is_factor())
    throw Error(ErrorKind::kInput, "join key " + internal::quote(key) + " is " + kind_of(lkey) + " in " +
                                       quoted_file(left, "the data") + " and " + kind_of(rkey) + " in " +
                                       quoted_file(right, "the joined data") + " (dplyr cannot join them either)");

  const std::unordered_map<std::string, long> right_rows = rows_by_key(right, rkey);
  std::vector<long> left_index(left.rows()), right_index(left.rows(), -1);
  bool matched = false;
  for (std::size_t i = 0; i < left.rows(); ++i) {
    left_index[i] = static_cast<long>(i);
    if (const auto it = right_rows.find(match_key(lkey, i)); it != right_rows.end()) {
      right_index[i] = it->second;
      matched = true;
    }
  }
  if (!matched && left.rows() > 0) fail_no_match(left, lkey, right, rkey);

  // Names clash by their R names (the keys excepted); a suffixed column keeps no header, as R
  // knows it only as v.x or v.y.
  const auto named = [](const DataFrame& frame, const std::string& name, const Column* except) {
    for (const Column& c : frame.all_columns())
      if (&c != except && c.name == name) return true;
    return false;
  };
  DataFrame out;
  for (const Column& c : left.all_columns()) {
    const bool clash = &c != &lkey && named(right, c.name, &rkey);
    out.add(take_rows(c, left_index, clash ? c.name + ".x" : c.name, clash ? "" : c.header));
  }
  for (const Column& c : right.all_columns()) {
    if (&c == &rkey) continue;
    const bool clash = named(left, c.name, nullptr);
    out.add(take_rows(c, right_index, clash ? c.name + ".y" : c.name, clash ? "" : c.header));
  }
  out.set_origin(left.source(), left.line_runs());
  return out;
}

}  // namespace lmm
