// A long piece of user input quoted in a one-line error message: short text whole, long text as
// a window around the point of interest, so a 100,000-character formula still gives a readable line.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>

namespace lmm::internal {

inline constexpr std::size_t kExcerptRadius = 40;

// Whether byte `at` of `text` starts a character (is not a UTF-8 continuation byte).
inline bool starts_character(const std::string& text, std::size_t at) {
  return at >= text.size() || (static_cast<unsigned char>(text[at]) & 0xC0) != 0x80;
}

// `text` itself when it has at most 2 * radius + 1 characters; otherwise the characters within
// `radius` of `at`, with "..." where text was cut. Cuts fall between UTF-8 characters.
inline std::string excerpt(const std::string& text, std::size_t at = 0, std::size_t radius = kExcerptRadius) {
  if (text.size() <= 2 * radius + 1) return text;
  if (at > text.size()) at = text.size();
  std::size_t begin = at > radius ? at - radius : 0;
  std::size_t end = std::min(text.size(), begin + 2 * radius + 1);
  while (!starts_character(text, begin)) ++begin;
  while (!starts_character(text, end)) --end;
  return (begin > 0 ? "..." : "") + text.substr(begin, end - begin) + (end < text.size() ? "..." : "");
}

// Control characters (a line break in a quoted CSV field, a tab) written as escapes, so that the
// text stays on the message's one line: \n, \r, \t, or \xHH.
inline std::string escape_controls(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto u = static_cast<unsigned char>(ch);
    if (u >= 0x20 && u != 0x7F) {
      out += ch;
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\r') {
      out += "\\r";
    } else if (ch == '\t') {
      out += "\\t";
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += {'\\', 'x', kHex[u >> 4], kHex[u & 0xF]};
    }
  }
  return out;
}

// A name, level, value or file name from the user, as an error message quotes it: in single
// quotes, control characters escaped, and an excerpt of its start when it is long. Every message
// that embeds user text quotes it with this, so that no input makes a message longer than a line.
inline std::string quote(const std::string& text) { return "'" + excerpt(escape_controls(text)) + "'"; }

// The same, as an excerpt of `radius` characters either side of byte `at` of `text` (a position
// in a formula; a shorter window for a value in a message that quotes several).
inline std::string quote(const std::string& text, std::size_t at, std::size_t radius = kExcerptRadius) {
  const std::size_t escaped_at = escape_controls(text.substr(0, std::min(at, text.size()))).size();
  return "'" + excerpt(escape_controls(text), escaped_at, radius) + "'";
}

// A file name as a message quotes it: its end when it is long, where a path keeps the file's own
// name ("'...ments/2024/site_tables/school.csv'").
inline std::string quote_path(const std::string& path) {
  const std::string escaped = escape_controls(path);
  return "'" + excerpt(escaped, escaped.size() > kExcerptRadius ? escaped.size() - kExcerptRadius : 0) + "'";
}

}  // namespace lmm::internal
