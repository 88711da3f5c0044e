#include "option_checks.hpp"

#include <charconv>
#include <cmath>
#include <thread>

#include "util/excerpt.hpp"

namespace lmm::cli {
namespace {

using lmm::internal::quote;

// The value of a string of digits, when it has one below 2^64.
bool parse_whole(const std::string& text, std::uint64_t& value) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

CLI::Validator whole_number(std::uint64_t min, std::uint64_t max) {
  const std::string rule = "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max);
  return CLI::Validator(
      [min, max, rule](std::string& text) {
        std::uint64_t value = 0;
        if (parse_whole(text, value) && value >= min && value <= max) return std::string();
        return rule + " (got " + quote(text) + ")";
      },
      "", "whole number");
}

CLI::Validator non_negative_number() {
  return CLI::Validator(
      [](std::string& text) {
        double value = 0.0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error == std::errc() && end == text.data() + text.size() && std::isfinite(value) && value >= 0.0)
          return std::string();
        return "must be a finite number >= 0 (got " + quote(text) + ")";
      },
      "", "non-negative number");
}

CLI::Validator open_unit_interval() {
  return CLI::Validator(
      [](std::string& text) {
        double value = 0.0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error == std::errc() && end == text.data() + text.size() && value > 0.0 && value < 1.0) return std::string();
        return "must be a number strictly between 0 and 1 (got " + quote(text) + ")";
      },
      "", "open unit interval");
}

std::string threads_note(int threads) {
  const unsigned cores = std::thread::hardware_concurrency();
  if (cores == 0 || threads <= static_cast<int>(cores)) return "";
  return "--threads " + std::to_string(threads) + " is more than this machine's " + std::to_string(cores) +
         (cores == 1 ? " core" : " cores") + "; the threads share them";
}

}  // namespace lmm::cli
