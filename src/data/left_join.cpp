// dplyr::left_join semantics for one key column.
#include <algorithm>
#include <unordered_map>

#include "data/level_order.hpp"
#include "lmm/data_frame.hpp"
#include "lmm/error.hpp"

namespace lmm {
namespace {

// Takes the given rows of a column (row -1 gives a missing value); factor levels are kept whole
// and re-sorted only if the two sources of a key column differ.
Column take_rows(const Column& source, const std::vector<long>& rows, const std::string& name) {
  Column out;
  out.name = name;
  out.type = source.type;
  out.levels = source.levels;
  out.missing.resize(rows.size());
  if (source.is_factor()) out.codes.resize(rows.size()); else out.numbers.resize(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const long r = rows[i];
    const bool miss = r < 0 || source.is_missing(r);
    out.missing[i] = miss;
    if (source.is_factor()) out.codes[i] = miss ? -1 : source.codes[r];
    else out.numbers[i] = miss ? 0.0 : source.numbers[r];
  }
  return out;
}

}  // namespace

DataFrame left_join(const DataFrame& left, const DataFrame& right, const std::string& key) {
  if (!left.has(key)) throw Error(ErrorKind::kInput, "join key '" + key + "' is not a column of the left data");
  if (!right.has(key)) throw Error(ErrorKind::kInput, "join key '" + key + "' is not a column of the joined data");
  const Column& lkey = left.column(key);
  const Column& rkey = right.column(key);
  if (lkey.is_factor() != rkey.is_factor())
    throw Error(ErrorKind::kInput, "join key '" + key + "' is text in one table and numeric in the other");

  std::unordered_multimap<std::string, long> right_rows;
  for (std::size_t r = 0; r < right.rows(); ++r)
    if (!rkey.is_missing(r)) right_rows.emplace(rkey.label(r), static_cast<long>(r));

  std::vector<long> left_index, right_index;
  for (std::size_t i = 0; i < left.rows(); ++i) {
    std::vector<long> matches;
    if (!lkey.is_missing(i)) {
      auto [first, last] = right_rows.equal_range(lkey.label(i));
      for (auto it = first; it != last; ++it) matches.push_back(it->second);
      std::sort(matches.begin(), matches.end());
    }
    if (matches.empty()) matches.push_back(-1);
    for (long m : matches) {
      left_index.push_back(static_cast<long>(i));
      right_index.push_back(m);
    }
  }

  DataFrame out;
  for (const Column& c : left.all_columns()) {
    const bool clash = c.name != key && right.has(c.name);
    out.add(take_rows(c, left_index, clash ? c.name + ".x" : c.name));
  }
  for (const Column& c : right.all_columns()) {
    if (c.name == key) continue;
    const bool clash = left.has(c.name);
    out.add(take_rows(c, right_index, clash ? c.name + ".y" : c.name));
  }
  return out;
}

}  // namespace lmm
