// Column names as R makes them: make.names() (read.csv's check.names = TRUE) and make.unique().
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lmm::internal {

// R's make.names() of one name in a UTF-8 locale: an 'X' before a name that does not start with
// a letter or '.', or starts with '.' and a digit (the empty name becomes "X"); every character
// that is not a letter, a digit, '.' or '_' becomes '.' (letters and digits as the C library's
// UTF-8 locale classifies them, as R on Linux does); a reserved word (if, TRUE, NA, Inf, ...)
// gets a '.' appended.
std::string make_r_name(std::string_view raw);

// read.csv's names: make.names(header, unique = TRUE). Names make.names leaves alone keep their
// spelling first; each later duplicate gets R's make.unique suffix .1, .2, ... (one not in use).
std::vector<std::string> make_r_names(const std::vector<std::string>& header);

// True when R writes the name without backticks: make.names() leaves it as it is.
bool is_syntactic_r_name(std::string_view name);

// R's reserved words (gram.y's keywords: if, else, function, TRUE, NULL, NA, Inf, in, ...), which
// make.names() ends with a '.' and deparse() writes in backticks.
bool is_r_reserved_word(std::string_view name);

}  // namespace lmm::internal
