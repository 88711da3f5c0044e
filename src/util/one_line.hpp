// The shape of every error message: one line of at most about 300 characters, whatever input it
// quotes. Sites quote user text with quote() (excerpt.hpp); this is the guarantee behind them.
#pragma once

#include <cstddef>
#include <string>

#include "util/excerpt.hpp"

namespace lmm::internal {

inline constexpr std::size_t kMaxMessageLength = 300;

// `message` with its control characters escaped and, when still longer than `limit`, its middle
// replaced by "...": the start (what went wrong) and the end (usually the remedy) stay.
inline std::string one_line(const std::string& message, std::size_t limit = kMaxMessageLength) {
  std::string line = escape_controls(message);
  const std::string cut = "...";
  if (line.size() <= limit || limit <= cut.size()) return line;
  std::size_t head = (limit - cut.size()) * 2 / 3;
  std::size_t tail_start = line.size() - (limit - cut.size() - head);
  while (!starts_character(line, head)) --head;
  while (!starts_character(line, tail_start)) ++tail_start;
  return line.substr(0, head) + cut + line.substr(tail_start);
}

}  // namespace lmm::internal
