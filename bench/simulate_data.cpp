// simulate_data: writes the benchmark's simulated data sets as CSV files.
//
//   simulate_data --out DIR [--list] [NAME...]     (no NAME: all data sets)
//
// Every data set has its own fixed seed and draws from std::mt19937_64, whose output the C++
// standard fixes; uniforms, normals and discrete draws are computed here rather than by
// <random>'s distributions (whose algorithms differ between standard libraries), so a file is
// the same on every platform. Numbers are written with a fixed number of decimals, so R's
// read.csv and lmm's read_csv read identical doubles. Each file is written to DIR/NAME.csv.tmp
// and renamed when complete, so an interrupted run never leaves a truncated NAME.csv behind.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <random>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

namespace {

// ---- random numbers -----------------------------------------------------------------------

class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}

  // Uniform on [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

  // Uniform integer in [0, n), by rejection (no modulo bias).
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    std::uint64_t x;
    do x = engine_();
    while (x >= limit);
    return x % n;
  }

  // Standard normal, Marsaglia's polar method.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }

  template <class T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
  }

 private:
  std::mt19937_64 engine_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

// Draws level k (0-based) with probability proportional to (rank(k) + offset)^-exponent, a
// Zipf-Mandelbrot law, with ranks assigned to levels in random order (so a level's label says
// nothing about its popularity).
class ZipfLevels {
 public:
  ZipfLevels(int levels, double exponent, double offset, Random& rng) : level_of_rank_(levels), cumulative_(levels) {
    for (int k = 0; k < levels; ++k) level_of_rank_[k] = k;
    rng.shuffle(level_of_rank_);
    double total = 0.0;
    for (int r = 0; r < levels; ++r) cumulative_[r] = total += std::pow(r + 1 + offset, -exponent);
  }

  int draw(Random& rng) const {
    const double u = rng.uniform() * cumulative_.back();
    const auto r = std::upper_bound(cumulative_.begin(), cumulative_.end(), u) - cumulative_.begin();
    return level_of_rank_[std::min<std::size_t>(r, cumulative_.size() - 1)];
  }

 private:
  std::vector<int> level_of_rank_;
  std::vector<double> cumulative_;
};

// ---- CSV output ---------------------------------------------------------------------------

class CsvWriter {
 public:
  CsvWriter(const std::filesystem::path& path, const std::string& header) : path_(path), tmp_(path) {
    tmp_ += ".tmp";
    file_ = std::fopen(tmp_.c_str(), "wb");
    if (!file_) throw std::runtime_error("cannot write " + tmp_.string());
    buffer_ = header + "\n";
  }
  ~CsvWriter() {
    if (file_) std::fclose(file_);
  }
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  CsvWriter& integer(long long v) {
    separate();
    char text[24];
    buffer_.append(text, std::to_chars(text, text + sizeof text, v).ptr);
    return *this;
  }
  CsvWriter& number(double v, int decimals) {
    separate();
    char text[64];
    buffer_.append(text, std::to_chars(text, text + sizeof text, v, std::chars_format::fixed, decimals).ptr);
    return *this;
  }
  void end_row() {
    buffer_ += '\n';
    first_ = true;
    if (buffer_.size() > (1u << 22)) flush();
  }
  // Flushes, closes and renames the file into place.
  void finish() {
    flush();
    if (std::fclose(file_) != 0) throw std::runtime_error("cannot write " + tmp_.string());
    file_ = nullptr;
    std::filesystem::rename(tmp_, path_);
  }

 private:
  void separate() {
    if (!first_) buffer_ += ',';
    first_ = false;
  }
  void flush() {
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size())
      throw std::runtime_error("cannot write " + tmp_.string());
    buffer_.clear();
  }

  std::filesystem::path path_, tmp_;
  std::FILE* file_ = nullptr;
  std::string buffer_;
  bool first_ = true;
};

// Level counts of a grouping factor, for the summary line printed after each data set.
std::string count_summary(const std::vector<int>& codes, int levels) {
  std::vector<int> counts(levels, 0);
  for (int c : codes) ++counts[c];
  std::sort(counts.begin(), counts.end());
  return std::to_string(levels) + " levels, count min " + std::to_string(counts.front()) + " median " +
         std::to_string(counts[counts.size() / 2]) + " max " + std::to_string(counts.back());
}

// ---- data sets ----------------------------------------------------------------------------

// MovieLens-like ratings: each user rates an item at most once. Ratings per user: a minimum,
// then the remaining rows one at a time to users drawn from a Zipf-Mandelbrot law, never more
// than max_share of the items (MovieLens-1M's most active user rated 62% of the movies). Items:
// item j is first given to user j mod users (so every item is rated), then each user's other
// items are drawn from a Zipf-Mandelbrot law without replacement. Rows are then shuffled.
struct RatingsDesign {
  long long n;
  int users, items;
  int min_per_user;
  double max_share;
  double user_offset, item_offset;  // (rank + offset)^-1 laws
};

void ratings_codes(const RatingsDesign& d, Random& rng, std::vector<int>& user, std::vector<int>& item) {
  const int cap = static_cast<int>(d.max_share * d.items);
  const int preassigned = (d.items + d.users - 1) / d.users;
  if (static_cast<long long>(d.min_per_user) * d.users > d.n || static_cast<long long>(cap) * d.users < d.n ||
      preassigned > d.min_per_user || d.min_per_user > cap)
    throw std::logic_error("inconsistent ratings design");
  const ZipfLevels users(d.users, 1.0, d.user_offset, rng);
  const ZipfLevels items(d.items, 1.0, d.item_offset, rng);
  std::vector<int> count(d.users, d.min_per_user);
  for (long long r = static_cast<long long>(d.min_per_user) * d.users; r < d.n;) {
    const int u = users.draw(rng);
    if (count[u] < cap) ++count[u], ++r;
  }
  std::vector<std::pair<int, int>> rows;
  rows.reserve(d.n);
  std::vector<int> rated_by(d.items, -1);  // the last user given the item
  for (int u = 0; u < d.users; ++u) {
    int have = 0;
    for (int j = u; j < d.items; j += d.users, ++have) rated_by[j] = u, rows.emplace_back(u, j);
    while (have < count[u]) {
      const int j = items.draw(rng);
      if (rated_by[j] != u) rated_by[j] = u, rows.emplace_back(u, j), ++have;
    }
  }
  rng.shuffle(rows);
  user.resize(d.n);
  item.resize(d.n);
  for (long long i = 0; i < d.n; ++i) std::tie(user[i], item[i]) = rows[i];
}

// Ratings user,item,y with y an integer 1..5 from round(3.58 + u_user + v_item + e),
// u ~ N(0, 0.45^2), v ~ N(0, 0.55^2), e ~ N(0, 0.9^2).
std::string write_ratings(const std::filesystem::path& path, const RatingsDesign& d, std::uint64_t seed) {
  Random rng(seed);
  std::vector<int> user, item;
  ratings_codes(d, rng, user, item);
  std::vector<double> u(d.users), v(d.items);
  for (double& x : u) x = 0.45 * rng.normal();
  for (double& x : v) x = 0.55 * rng.normal();
  CsvWriter out(path, "user,item,y");
  for (long long i = 0; i < d.n; ++i) {
    const double y = std::clamp(std::round(3.58 + u[user[i]] + v[item[i]] + 0.9 * rng.normal()), 1.0, 5.0);
    out.integer(user[i] + 1).integer(item[i] + 1).integer(static_cast<long long>(y));
    out.end_row();
  }
  out.finish();
  return "user: " + count_summary(user, d.users) + "; item: " + count_summary(item, d.items);
}

// Two crossed grouping factors with uniform counts: the first levels1 rows give every level of
// g1 a row, the first levels2 rows every level of g2, the rest are drawn uniformly; rows are
// then shuffled.
struct CrossedDesign {
  long long n;
  int levels1, levels2;
};

void crossed_codes(const CrossedDesign& d, Random& rng, std::vector<int>& g1, std::vector<int>& g2) {
  if (d.levels1 > d.n || d.levels2 > d.n) throw std::logic_error("design has too few rows");
  g1.resize(d.n);
  g2.resize(d.n);
  for (long long i = 0; i < d.n; ++i) {
    g1[i] = i < d.levels1 ? static_cast<int>(i) : static_cast<int>(rng.below(d.levels1));
    g2[i] = i < d.levels2 ? static_cast<int>(i) : static_cast<int>(rng.below(d.levels2));
  }
  std::vector<std::pair<int, int>> rows(d.n);
  for (long long i = 0; i < d.n; ++i) rows[i] = {g1[i], g2[i]};
  rng.shuffle(rows);
  for (long long i = 0; i < d.n; ++i) std::tie(g1[i], g2[i]) = rows[i];
}

// Crossed g1,g2,y with y = 10 + a_g1 + b_g2 + e, a ~ N(0, 1), b ~ N(0, 0.5^2), e ~ N(0, 2^2).
std::string write_crossed(const std::filesystem::path& path, const CrossedDesign& d, std::uint64_t seed) {
  Random rng(seed);
  std::vector<int> g1, g2;
  crossed_codes(d, rng, g1, g2);
  std::vector<double> a(d.levels1), b(d.levels2);
  for (double& x : a) x = rng.normal();
  for (double& x : b) x = 0.5 * rng.normal();
  CsvWriter out(path, "g1,g2,y");
  for (long long i = 0; i < d.n; ++i) {
    out.integer(g1[i] + 1).integer(g2[i] + 1).number(10.0 + a[g1[i]] + b[g2[i]] + 2.0 * rng.normal(), 4);
    out.end_row();
  }
  out.finish();
  return "g1: " + count_summary(g1, d.levels1) + "; g2: " + count_summary(g2, d.levels2);
}

// Pupils in classes in schools: school,class,x,y with class ids unique across schools and
// y = 50 + 2 x + (a_s + c_s x) + d_class + e: (a, c) with SDs 2 and 0.5 and correlation 0.3,
// d ~ N(0, 1), e ~ N(0, 3^2), x ~ N(0, 1).
std::string write_nested(const std::filesystem::path& path, int schools, int classes, int pupils,
                         std::uint64_t seed) {
  Random rng(seed);
  CsvWriter out(path, "school,class,x,y");
  const double rho = 0.3;
  for (int s = 0; s < schools; ++s) {
    const double z1 = rng.normal(), z2 = rng.normal();
    const double a = 2.0 * z1, c = 0.5 * (rho * z1 + std::sqrt(1 - rho * rho) * z2);
    for (int k = 0; k < classes; ++k) {
      const double d = rng.normal();
      for (int p = 0; p < pupils; ++p) {
        const double x = std::round(rng.normal() * 1e4) / 1e4;
        out.integer(s + 1).integer(static_cast<long long>(s) * classes + k + 1).number(x, 4);
        out.number(50.0 + 2.0 * x + a + c * x + d + 3.0 * rng.normal(), 4);
        out.end_row();
      }
    }
  }
  out.finish();
  return std::to_string(schools) + " schools x " + std::to_string(classes) + " classes x " +
         std::to_string(pupils) + " pupils";
}

// kb07-like: every subject sees every item once, in one of 8 conditions of the within factors
// a, b, c (+-0.5) rotated as a Latin square (condition (subject + item) mod 8), so each factor
// varies within subjects and within items; `drop` random rows are removed (kb07: 56 x 32 - 3 =
// 1789 rows). y = 2180 + 70a + 330b + 80c + 20ab + 10ac + 15bc + 5abc + subject and item effects
// on (1, a, b, c) with SDs (300, 60, 80, 50) and (360, 50, 250, 40), correlations 0.2, residual
// SD 670.
std::string write_kb07(const std::filesystem::path& path, int subjects, int items, int drop, std::uint64_t seed) {
  Random rng(seed);
  const double rho = 0.2;
  // Cholesky factor of the 4 x 4 equicorrelation matrix, computed once.
  double chol[4][4] = {};
  double corr[4][4];
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) corr[i][j] = i == j ? 1.0 : rho;
  for (int j = 0; j < 4; ++j) {
    double s = corr[j][j];
    for (int k = 0; k < j; ++k) s -= chol[j][k] * chol[j][k];
    chol[j][j] = std::sqrt(s);
    for (int i = j + 1; i < 4; ++i) {
      double t = corr[i][j];
      for (int k = 0; k < j; ++k) t -= chol[i][k] * chol[j][k];
      chol[i][j] = t / chol[j][j];
    }
  }
  auto effects = [&](int levels, const double (&sd)[4]) {
    std::vector<std::array<double, 4>> out(levels);
    for (auto& e : out) {
      double z[4];
      for (double& x : z) x = rng.normal();
      for (int i = 0; i < 4; ++i) {
        double s = 0;
        for (int k = 0; k <= i; ++k) s += chol[i][k] * z[k];
        e[i] = sd[i] * s;
      }
    }
    return out;
  };
  const auto subj = effects(subjects, {300, 60, 80, 50});
  const auto item = effects(items, {360, 50, 250, 40});
  std::vector<std::uint8_t> dropped(static_cast<std::size_t>(subjects) * items, 0);
  for (int k = 0; k < drop;) {
    const auto r = rng.below(dropped.size());
    if (!dropped[r]) dropped[r] = 1, ++k;
  }
  CsvWriter out(path, "subj,item,a,b,c,y");
  int rows = 0;
  for (int s = 0; s < subjects; ++s) {
    for (int i = 0; i < items; ++i) {
      const double e = 670.0 * rng.normal();
      if (dropped[static_cast<std::size_t>(s) * items + i]) continue;
      const int cond = (s + i) % 8;
      const double a = (cond & 1) ? 0.5 : -0.5, b = (cond & 2) ? 0.5 : -0.5, c = (cond & 4) ? 0.5 : -0.5;
      const double y = 2180 + 70 * a + 330 * b + 80 * c + 20 * a * b + 10 * a * c + 15 * b * c + 5 * a * b * c +
                       subj[s][0] + subj[s][1] * a + subj[s][2] * b + subj[s][3] * c + item[i][0] + item[i][1] * a +
                       item[i][2] * b + item[i][3] * c + e;
      out.integer(s + 1).integer(i + 1).number(a, 1).number(b, 1).number(c, 1).number(y, 2);
      out.end_row();
      ++rows;
    }
  }
  out.finish();
  return std::to_string(rows) + " rows, " + std::to_string(subjects) + " subjects x " + std::to_string(items) + " items";
}

// Subjects with a few rows each, crossed with items: subj,item,x,y with every subject in
// `rows` rows, each with an item drawn uniformly, x ~ N(0, 1) and y = 10 + 2 x + (a_s + c_s x)
// + b_item + e: (a, c) with SDs 1 and 0.5 and correlation 0.3, b ~ N(0, 0.7^2), e ~ N(0, 1.5^2).
// The subjects' (1 + x | subj) term leads the chain and meets only a few of the items' rows in
// the dense block: its levels take the level-by-level downdate of vector-valued terms.
std::string write_crossed_slopes(const std::filesystem::path& path, int subjects, int rows, int items,
                                 std::uint64_t seed) {
  Random rng(seed);
  std::vector<double> b(items);
  for (double& v : b) v = 0.7 * rng.normal();
  const double rho = 0.3;
  CsvWriter out(path, "subj,item,x,y");
  for (int s = 0; s < subjects; ++s) {
    const double z1 = rng.normal(), z2 = rng.normal();
    const double a = z1, c = 0.5 * (rho * z1 + std::sqrt(1 - rho * rho) * z2);
    for (int r = 0; r < rows; ++r) {
      const auto item = static_cast<int>(rng.below(items));
      const double x = std::round(rng.normal() * 1e4) / 1e4;
      out.integer(s + 1).integer(item + 1).number(x, 4);
      out.number(10.0 + 2.0 * x + a + c * x + b[static_cast<std::size_t>(item)] + 1.5 * rng.normal(), 4);
      out.end_row();
    }
  }
  out.finish();
  return std::to_string(subjects) + " subjects x " + std::to_string(rows) + " rows, " + std::to_string(items) +
         " items";
}

struct DataSet {
  std::string name;
  std::string description;
  std::function<std::string(const std::filesystem::path&)> write;
};

std::vector<DataSet> data_sets() {
  // Zipf-Mandelbrot offsets chosen so the busiest users and the most rated items have a few
  // thousand ratings, as in MovieLens-1M (where every user has at least 20).
  const RatingsDesign movielens{1000209, 6040, 3706, 20, 0.62, 50.0, 30.0};
  const RatingsDesign large{10000000, 200000, 5000, 10, 0.62, 50.0, 30.0};
  std::vector<DataSet> sets = {
      {"movielens", "MovieLens-1M-like ratings, 6040 users x 3706 items, Zipf-like counts",
       [=](const auto& p) { return write_ratings(p, movielens, 1001); }},
      {"crossed_10m", "10M ratings, 200k users x 5k items, Zipf-like counts",
       [=](const auto& p) { return write_ratings(p, large, 1002); }},
      {"nested_1m", "1000 schools x 20 classes x 50 pupils",
       [](const auto& p) { return write_nested(p, 1000, 20, 50, 1003); }},
      {"kb07_like", "kb07-like crossed subjects x items, within factors a, b, c",
       [](const auto& p) { return write_kb07(p, 56, 32, 3, 1004); }},
      {"crossed_slopes", "20k subjects of 6 rows x 200 items, a random slope for subjects",
       [](const auto& p) { return write_crossed_slopes(p, 20000, 6, 200, 1005); }},
  };
  // Scaling series: (1|g1) + (1|g2), uniform counts. n varies at 1000 x 200 levels (3M is past
  // saturation: every pair of levels is present); levels of g1 vary at n = 1M (the 1k point is
  // crossed_n1m_l1k).
  const std::vector<std::tuple<std::string, long long, int>> series = {
      {"crossed_n10k_l1k", 10000, 1000},       {"crossed_n100k_l1k", 100000, 1000},
      {"crossed_n1m_l1k", 1000000, 1000},      {"crossed_n1m_l10k", 1000000, 10000},
      {"crossed_n1m_l100k", 1000000, 100000},  {"crossed_n3m_l1k", 3000000, 1000},
  };
  std::uint64_t seed = 2001;
  for (const auto& [name, n, levels] : series) {
    const CrossedDesign d{n, levels, 200};
    sets.push_back({name, "crossed g1 x g2, uniform counts", [=](const auto& p) { return write_crossed(p, d, seed); }});
    ++seed;
  }
  return sets;
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path out_dir;
  std::vector<std::string> wanted;
  bool list = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--out" && i + 1 < argc) {
      out_dir = argv[++i];
    } else if (arg == "--list") {
      list = true;
    } else if (!arg.empty() && arg[0] == '-') {
      std::cerr << "usage: simulate_data --out DIR [--list] [NAME...]\n";
      return 2;
    } else {
      wanted.push_back(arg);
    }
  }
  const std::vector<DataSet> sets = data_sets();
  if (list) {
    for (const DataSet& s : sets) std::cout << s.name << "\t" << s.description << "\n";
    return 0;
  }
  if (out_dir.empty()) {
    std::cerr << "usage: simulate_data --out DIR [--list] [NAME...]\n";
    return 2;
  }
  for (const std::string& w : wanted) {
    if (std::none_of(sets.begin(), sets.end(), [&](const DataSet& s) { return s.name == w; })) {
      std::cerr << "simulate_data: unknown data set '" << w << "' (see --list)\n";
      return 2;
    }
  }
  try {
    std::filesystem::create_directories(out_dir);
    for (const DataSet& s : sets) {
      if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), s.name) == wanted.end()) continue;
      const std::string summary = s.write(out_dir / (s.name + ".csv"));
      std::cout << s.name << ".csv: " << summary << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "simulate_data: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
