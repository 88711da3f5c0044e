// How R orders the levels of a factor made from text or numbers.
#pragma once

#include <string>
#include <vector>

namespace lmm::internal {

// Orders text as R's sort() does in an English UTF-8 locale: letters compare case-insensitively
// first, and only on a tie does lower case come before upper case.
bool r_text_less(const std::string& a, const std::string& b);

// Formats a number as R's as.character() does for factor labels (up to 15 significant digits).
std::string r_number_label(double value);

// Builds sorted levels and codes from labels (missing rows keep code -1).
void factor_from_text(const std::vector<std::string>& text, const std::vector<unsigned char>& missing,
                      std::vector<int>& codes, std::vector<std::string>& levels);

}  // namespace lmm::internal
