#include <algorithm>
#include <cmath>
#include <iterator>

#include "data/level_order.hpp"
#include "lmm/data_frame.hpp"
#include "lmm/error.hpp"
#include "util/excerpt.hpp"

namespace lmm {

std::string Column::label(std::size_t row) const {
  if (is_missing(row)) return "NA";
  return is_factor() ? levels[codes[row]] : internal::r_number_label(numbers[row]);
}

int DataFrame::index_of(const std::string& r_name) const {
  for (std::size_t i = 0; i < columns_.size(); ++i)
    if (columns_[i].name == r_name) return static_cast<int>(i);
  return kAbsent;
}

// The R name first; else the header as written, which make.unique may have given several columns.
int DataFrame::find(const std::string& name) const {
  if (const int i = index_of(name); i != kAbsent) return i;
  int found = kAbsent;
  for (std::size_t i = 0; i < columns_.size(); ++i)
    if (!columns_[i].header.empty() && columns_[i].header == name)
      found = found == kAbsent ? static_cast<int>(i) : kAmbiguous;
  return found;
}

const Column& DataFrame::column(const std::string& name) const {
  const int i = find(name);
  if (i == kAbsent)
    throw Error(ErrorKind::kInput,
                "no column named " + internal::quote(name) + " in the data" + did_you_mean(*this, name));
  if (i == kAmbiguous) {
    std::string names;
    for (const Column& c : columns_)
      if (c.header == name) names += (names.empty() ? "" : ", ") + internal::quote(c.name);
    throw Error(ErrorKind::kInput, "several columns have the header " + internal::quote(name) + " (read as " +
                                       names + "); name one of them as R reads it");
  }
  return columns_[static_cast<std::size_t>(i)];
}

Column& DataFrame::column(const std::string& name) {
  return const_cast<Column&>(static_cast<const DataFrame&>(*this).column(name));
}

std::size_t DataFrame::line_of(std::size_t row) const {
  const auto after = std::upper_bound(line_runs_.begin(), line_runs_.end(), row,
                                      [](std::size_t r, const LineRun& run) { return r < run.first_row; });
  if (after == line_runs_.begin()) return 0;
  const LineRun& run = *std::prev(after);
  return run.first_line + (row - run.first_row);
}

void DataFrame::set_origin(std::string source, std::vector<LineRun> runs) {
  source_ = std::move(source);
  line_runs_ = std::move(runs);
}

void DataFrame::add(Column column) {
  if (index_of(column.name) != kAbsent) throw Error(ErrorKind::kInput, "duplicate column name " + internal::quote(column.name));
  if (!columns_.empty() && column.size() != rows_)
    throw Error(ErrorKind::kInput, "column " + internal::quote(column.name) + " has " + std::to_string(column.size()) +
                                       " rows, the data has " + std::to_string(rows_));
  rows_ = column.size();
  columns_.push_back(std::move(column));
}

namespace {

// The distinct values of a numeric column in R's factor() order (NaN last) and each row's index
// among them (-1 where missing), without sorting n values where it need not: whole numbers within
// a range of at most a few times n (identifiers, codes) are counted in a table instead.
void distinct_values(const Column& c, std::vector<double>& distinct, std::vector<int>& index) {
  const std::size_t n = c.size();
  index.assign(n, -1);
  double lo = 0.0, hi = 0.0;
  bool whole = true, any = false;
  for (std::size_t i = 0; i < n && whole; ++i) {
    if (c.is_missing(i)) continue;
    const double v = c.numbers[i];
    whole = std::isfinite(v) && v == std::trunc(v) && std::abs(v) < 0x1p52;
    lo = any ? std::min(lo, v) : v;
    hi = any ? std::max(hi, v) : v;
    any = true;
  }
  if (whole && hi - lo < 4.0 * static_cast<double>(n) + 65536.0) {
    std::vector<int> slot(static_cast<std::size_t>(hi - lo) + 1, -1);
    for (std::size_t i = 0; i < n; ++i)
      if (!c.is_missing(i)) slot[static_cast<std::size_t>(c.numbers[i] - lo)] = 0;
    for (std::size_t k = 0; k < slot.size(); ++k)
      if (slot[k] == 0) {
        slot[k] = static_cast<int>(distinct.size());
        distinct.push_back(lo + static_cast<double>(k));
      }
    for (std::size_t i = 0; i < n; ++i)
      if (!c.is_missing(i)) index[i] = slot[static_cast<std::size_t>(c.numbers[i] - lo)];
    return;
  }
  const auto less = [](double a, double b) { return std::isnan(b) ? !std::isnan(a) : a < b; };
  for (std::size_t i = 0; i < n; ++i)
    if (!c.is_missing(i)) distinct.push_back(c.numbers[i]);
  std::sort(distinct.begin(), distinct.end(), less);
  distinct.erase(std::unique(distinct.begin(), distinct.end(), [&](double a, double b) { return !less(a, b); }),
                 distinct.end());
  for (std::size_t i = 0; i < n; ++i)
    if (!c.is_missing(i))
      index[i] = static_cast<int>(std::lower_bound(distinct.begin(), distinct.end(), c.numbers[i], less) -
                                  distinct.begin());
}

}  // namespace

void DataFrame::declare_factor(const std::string& name) {
  Column& c = column(name);
  if (c.is_factor()) return;
  // R's factor(): NaN is a level, sorted last; numbers that print alike share a level.
  std::vector<double> distinct;
  std::vector<int> index;
  distinct_values(c, distinct, index);
  c.levels.clear();
  std::vector<int> level_of(distinct.size());
  for (std::size_t k = 0; k < distinct.size(); ++k) {
    std::string label = internal::r_number_label(distinct[k]);
    if (c.levels.empty() || c.levels.back() != label) c.levels.push_back(std::move(label));
    level_of[k] = static_cast<int>(c.levels.size()) - 1;
  }
  c.codes.assign(c.size(), -1);
  for (std::size_t i = 0; i < c.size(); ++i)
    if (index[i] >= 0) c.codes[i] = level_of[static_cast<std::size_t>(index[i])];
  c.numbers.clear();
  c.type = Column::Type::kFactor;
}

}  // namespace lmm
