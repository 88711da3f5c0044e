// A long piece of user input quoted in a one-line error message: short text whole, long text as
// a window around the point of interest, so a 100,000-character formula still gives a readable line.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>

namespace lmm::internal {

inline constexpr std::size_t kExcerptRadius = 40;

// `text` itself when it has at most 2 * radius + 1 characters; otherwise the characters within
// `radius` of `at`, with "..." where text was cut.
inline std::string excerpt(const std::string& text, std::size_t at = 0, std::size_t radius = kExcerptRadius) {
  if (text.size() <= 2 * radius + 1) return text;
  if (at > text.size()) at = text.size();
  const std::size_t begin = at > radius ? at - radius : 0;
  const std::size_t end = std::min(text.size(), begin + 2 * radius + 1);
  return (begin > 0 ? "..." : "") + text.substr(begin, end - begin) + (end < text.size() ? "..." : "");
}

}  // namespace lmm::internal
