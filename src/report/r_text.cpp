// R's text layout rules, reimplemented from their documented and observed behaviour (R 4.2).
#include "report/r_text.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>

namespace lmm::internal {

int r_text_width(const std::string& s) {
  int n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string r_pad(const std::string& s, int width, bool right_justify) {
  const int fill = width - r_text_width(s);
  if (fill <= 0) return s;
  return right_justify ? std::string(static_cast<std::size_t>(fill), ' ') + s
                       : s + std::string(static_cast<std::size_t>(fill), ' ');
}

namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool is_lower_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }
bool is_lower(char c) { return std::islower(static_cast<unsigned char>(c)) != 0; }

// Abbreviation state: the text and how many inner spaces it still holds (they count as word
// boundaries and are removed only at the end).
struct Abbreviation {
  std::string s;
  int spaces = 0;
  int minlength = 0;

  bool short_enough() const { return static_cast<int>(s.size()) - spaces <= minlength; }
  bool word_start(std::size_t i) const { return is_space(s[i - 1]); }
  bool word_end(std::size_t i) const { return !is_space(s[i - 1]) && (i + 1 >= s.size() || is_space(s[i + 1])); }

  // One right-to-left sweep over positions 1..end, deleting characters `drop` selects; true
  // once short enough.
  template <class Drop>
  bool sweep(Drop drop) {
    if (s.size() < 2) return short_enough();  // the first character always stays
    for (std::size_t i = s.size() - 1; i > 0; --i) {
      if (i < s.size() && drop(i)) s.erase(i, 1);
      if (short_enough()) return true;
    }
    return false;
  }

  // Trailing spaces are cut; inner ones are counted.
  bool count_spaces() {
    bool trailing = true;
    for (std::size_t i = s.size() - 1; i > 0; --i) {
      if (is_space(s[i])) {
        if (trailing) s.resize(i);
        else ++spaces;
      } else {
        trailing = false;
      }
      if (short_enough()) return true;
    }
    return false;
  }

  void shorten() {
    if (s.size() < 2 || count_spaces()) return;
    if (sweep([&](std::size_t i) { return is_lower_vowel(s[i]) && word_end(i); })) return;
    if (sweep([&](std::size_t i) { return is_lower_vowel(s[i]) && !word_start(i); })) return;
    if (sweep([&](std::size_t i) { return is_lower(s[i]) && word_end(i); })) return;
    if (sweep([&](std::size_t i) { return is_lower(s[i]) && !word_start(i); })) return;
    sweep([&](std::size_t i) { return !word_start(i) && !is_space(s[i]); });
  }

  void drop_inner_spaces() {
    if (static_cast<int>(s.size()) <= minlength) return;
    for (std::size_t i = s.size() - 1; i > 0; --i)
      if (is_space(s[i])) s.erase(i, 1);
  }
};

// One name abbreviated on its own (R's internal stripchars()).
std::string abbreviate_one(const std::string& name, int minlength) {
  if (static_cast<int>(name.size()) <= minlength) return name;
  Abbreviation a{name, 0, minlength};
  a.shorten();
  a.drop_inner_spaces();
  return a.s;
}

std::string trim_spaces(const std::string& s) {
  const std::size_t first = s.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(' ') - first + 1);
}

// Which elements of x equal an earlier one (R's duplicated()).
std::vector<bool> duplicated(const std::vector<std::string>& x) {
  std::vector<bool> out(x.size(), false);
  for (std::size_t i = 0; i < x.size(); ++i)
    out[i] = std::find(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(i), x[i]) != x.begin() + static_cast<std::ptrdiff_t>(i);
  return out;
}

// abbreviate() of distinct names: re-abbreviates every name involved in a clash with a larger
// minlength until all differ.
std::vector<std::string> abbreviate_distinct(const std::vector<std::string>& names, int minlength) {
  std::vector<std::string> x(names.size());
  std::vector<bool> redo(names.size(), true);
  while (true) {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (redo[i]) x[i] = abbreviate_one(names[i], minlength);
    const std::vector<bool> dup = duplicated(x);
    if (std::none_of(dup.begin(), dup.end(), [](bool b) { return b; })) return x;
    ++minlength;
    for (std::size_t i = 0; i < x.size(); ++i) {
      redo[i] = false;
      for (std::size_t j = 0; j < x.size(); ++j) redo[i] = redo[i] || (dup[j] && x[j] == x[i]);
    }
  }
}

}  // namespace

std::vector<std::string> r_abbreviate(const std::vector<std::string>& names, int minlength) {
  if (minlength <= 0) return std::vector<std::string>(names.size());
  std::vector<std::string> distinct, trimmed;
  for (const std::string& name : names) {
    trimmed.push_back(trim_spaces(name));
    if (std::find(distinct.begin(), distinct.end(), trimmed.back()) == distinct.end()) distinct.push_back(trimmed.back());
  }
  const std::vector<std::string> short_names = abbreviate_distinct(distinct, minlength);
  std::vector<std::string> out;
  for (const std::string& name : trimmed)
    out.push_back(short_names[static_cast<std::size_t>(std::find(distinct.begin(), distinct.end(), name) - distinct.begin())]);
  return out;
}

std::vector<std::string> r_strwrap(const std::string& text, int width, int exdent) {
  std::vector<std::string> words, lines;
  std::string word;
  for (char c : text + " ") {
    if (c == ' ' || c == '\t' || c == '\n') {
      if (!word.empty()) words.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  std::string line;  // without its indent
  auto flush = [&] {
    lines.push_back(std::string(lines.empty() ? 0 : static_cast<std::size_t>(exdent), ' ') + line);
    line.clear();
  };
  for (const std::string& w : words) {
    const int room = lines.empty() ? width : width - exdent;  // a line stays shorter than room
    if (!line.empty() && r_text_width(line) + 1 + r_text_width(w) + 1 > room) flush();
    line += (line.empty() ? "" : " ") + w;
  }
  if (!line.empty()) flush();
  return lines;
}

}  // namespace lmm::internal
