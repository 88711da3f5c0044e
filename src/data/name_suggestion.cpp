// Suggests a column for an unknown name: the two suffixed columns of a join's clash first, then
// the same name but for case, then the closest spelling (Damerau-Levenshtein distance, adjacent
// transpositions counting one).
#include "lmm/data_frame.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <vector>

#include "util/excerpt.hpp"

namespace lmm {
namespace {

// Names longer than this are not compared letter by letter (the distance costs their product).
constexpr std::size_t kMaxComparedLength = 100;

std::string lower(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::size_t allowed_distance(const std::string& name) {
  if (name.size() <= 2) return 0;
  return name.size() <= 5 ? 1 : 2;
}

// The optimal string alignment distance between a and b, or more than `limit` when it exceeds it.
std::size_t edit_distance(const std::string& a, const std::string& b, std::size_t limit) {
  const std::size_t n = a.size(), m = b.size();
  if ((n > m ? n - m : m - n) > limit) return limit + 1;
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[n][m];
}

// How far `name` (lower case) is from a column: the nearer of its R name and its header.
std::size_t distance_to(const std::string& name, const Column& column, std::size_t limit) {
  std::size_t best = limit + 1;
  for (const std::string* spelling : {&column.name, &column.header}) {
    if (spelling->empty()) continue;
    const std::string candidate = lower(*spelling);
    if (candidate == name) return 0;
    if (limit > 0 && name.size() <= kMaxComparedLength && candidate.size() <= kMaxComparedLength)
      best = std::min(best, edit_distance(name, candidate, limit));
  }
  return best;
}

}  // namespace

std::string did_you_mean(const DataFrame& data, const std::string& name) {
  // A column that both tables of a join have is in the joined data twice, suffixed as dplyr does.
  if (data.has(name + ".x") && data.has(name + ".y"))
    return " (both tables of the join have it: use " + internal::quote(name + ".x") + " from the data or " +
           internal::quote(name + ".y") + " from the joined file)";
  const std::string wanted = lower(name);
  const std::size_t limit = allowed_distance(name);
  const Column* best = nullptr;
  std::size_t best_distance = limit + 1;
  for (const Column& column : data.all_columns()) {
    const std::size_t d = distance_to(wanted, column, limit);
    if (d < best_distance) {
      best = &column;
      best_distance = d;
    }
  }
  return best == nullptr ? "" : " (did you mean " + internal::quote(best->name) + "?)";
}

}  // namespace lmm
