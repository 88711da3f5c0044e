// How R orders the levels of a factor made from text or numbers.
#pragma once

#include <string>
#include <vector>

namespace lmm::internal {

// Formats a number as R's as.character() does for factor labels (up to 15 significant digits).
std::string r_number_label(double value);

// Builds levels and codes from labels as R's factor() does (missing rows keep code -1): the distinct
// labels in ICU's collation order (data/text_collation.hpp), labels that collate equal in order of
// first appearance (order() is stable).
void factor_from_text(const std::vector<std::string>& text, const std::vector<unsigned char>& missing,
                      std::vector<int>& codes, std::vector<std::string>& levels);

}  // namespace lmm::internal
