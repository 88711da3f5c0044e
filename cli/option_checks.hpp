// The checks of the numeric options (--nsim, --seed, --threads, --level, --max-evaluations): each
// value is checked as written, before CLI11 converts it, so that a bad one is a usage error of one
// short line ("--nsim: must be a whole number from 1 to 2147483647 (got '0')") and no spelling
// converts to a value the user did not write (--seed -1 is not 2^64 - 1).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace lmm::cli {

// --threads above this is refused: each thread of a bootstrap holds a copy of the model.
inline constexpr std::int64_t kMaxThreads = 1024;

// A whole number, digits only, from `min` to `max`.
CLI::Validator whole_number(std::uint64_t min, std::uint64_t max);
// A finite decimal number >= 0 (--xtol-rel, --ftol-abs).
CLI::Validator non_negative_number();
// A decimal number strictly between 0 and 1 (--level).
CLI::Validator open_unit_interval();

// The line noting that --threads asks for more threads than the machine has cores (allowed: the
// threads then share the cores); empty when it does not.
std::string threads_note(int threads);

}  // namespace lmm::cli
