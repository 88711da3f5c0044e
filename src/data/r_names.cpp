// R's make.names() and make.unique(), as read.csv applies them to a header line.
#include "data/r_names.hpp"

#include <algorithm>
#include <clocale>
#include <cstdint>
#include <cwctype>
#include <locale.h>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

namespace lmm::internal {
namespace {

// One character of UTF-8 text: its code point, or -1 for an invalid sequence (one byte).
struct CodePoint {
  std::int32_t value;
  std::size_t bytes;
};

CodePoint decode(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return {c, 1};
  const std::size_t extra = c >= 0xF5 ? 0 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : 0;
  if (extra == 0 || i + extra >= s.size()) return {-1, 1};
  std::int32_t value = c & (0x3F >> extra);
  for (std::size_t k = 1; k <= extra; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return {-1, 1};
    value = (value << 6) | (b & 0x3F);
  }
  return {value, extra + 1};
}

// The C library's classification in a UTF-8 locale (what R's iswalpha/iswalnum see on Linux);
// without such a locale, every non-ASCII character counts as a letter.
class Classifier {
 public:
  Classifier() {
    for (const char* name : {"C.UTF-8", "C.utf8", "en_US.UTF-8", "en_US.utf8"})
      if ((locale_ = newlocale(LC_CTYPE_MASK, name, static_cast<locale_t>(0))) != static_cast<locale_t>(0)) break;
  }
  ~Classifier() {
    if (locale_ != static_cast<locale_t>(0)) freelocale(locale_);
  }
  Classifier(const Classifier&) = delete;
  Classifier& operator=(const Classifier&) = delete;

  bool alpha(std::int32_t c) const {
    if (c < 0x80) return c >= 0 && std::isalpha(c);
    return locale_ == static_cast<locale_t>(0) || iswalpha_l(static_cast<wint_t>(c), locale_);
  }
  bool alnum(std::int32_t c) const {
    if (c < 0x80) return c >= 0 && std::isalnum(c);
    return locale_ == static_cast<locale_t>(0) || iswalnum_l(static_cast<wint_t>(c), locale_);
  }

 private:
  locale_t locale_ = static_cast<locale_t>(0);
};

const Classifier& classifier() {
  static const Classifier instance;
  return instance;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// R's test before the prefix: a first character that is not a letter or '.', or '.' then a digit.
bool needs_prefix(std::string_view raw) {
  if (raw.empty()) return true;
  if (raw[0] == '.') return raw.size() > 1 && is_digit(raw[1]);
  return !classifier().alpha(decode(raw, 0).value);
}

}  // namespace

bool is_r_reserved_word(std::string_view name) {
  static const std::unordered_set<std::string_view> kWords = {
      "NULL",     "NA",       "TRUE",   "FALSE", "Inf",   "NaN",  "NA_integer_", "NA_real_", "NA_character_",
      "NA_complex_", "function", "while", "repeat", "for", "if", "in",  "else",        "next",     "break"};
  return kWords.count(name) > 0;
}

std::string make_r_name(std::string_view raw) {
  std::string prefixed = needs_prefix(raw) ? "X" : "";
  prefixed.append(raw);
  std::string name;
  name.reserve(prefixed.size());
  for (std::size_t i = 0; i < prefixed.size();) {
    const CodePoint c = decode(prefixed, i);
    const bool keep = c.value == '.' || c.value == '_' || (c.value >= 0 && classifier().alnum(c.value));
    if (keep) name.append(prefixed, i, c.bytes);
    else name.push_back('.');
    i += c.bytes;
  }
  if (is_r_reserved_word(name)) name.push_back('.');
  return name;
}

bool is_syntactic_r_name(std::string_view name) { return make_r_name(name) == name; }

// make.names(unique = TRUE): o <- order(names != made); made[o] <- make.unique(made[o]).
// make.unique: each duplicate after the first tries name.k for k = 1, 2, ... (counting on from
// the last k used for that name) until the name is not in use.
std::vector<std::string> make_r_names(const std::vector<std::string>& header) {
  const std::size_t n = header.size();
  std::vector<std::string> made(n);
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) made[i] = make_r_name(header[i]);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return (made[a] != header[a]) < (made[b] != header[b]); });
  std::unordered_set<std::string> in_use(made.begin(), made.end());
  std::unordered_map<std::string, std::size_t> next_suffix;
  std::unordered_set<std::string> seen;
  for (const std::size_t i : order) {
    if (seen.insert(made[i]).second) continue;
    std::size_t& k = next_suffix.try_emplace(made[i], 1).first->second;
    std::string candidate;
    do {
      candidate = made[i] + "." + std::to_string(k++);
    } while (in_use.count(candidate) > 0);
    in_use.insert(candidate);
    made[i] = std::move(candidate);
  }
  return made;
}

}  // namespace lmm::internal
