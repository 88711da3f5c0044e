// The order of text in R's sort(): ICU's collator, which Debian's R (built with ICU) uses.
#pragma once

#include <string>
#include <string_view>

namespace lmm::internal {

// ICU's sort key of UTF-8 text under the "en_US" collator with its default attributes (tertiary
// strength), as R's sort() and factor() use it in an English or C.UTF-8 locale: a sorts before b
// in R exactly when collation_key(a) < collation_key(b) as byte strings, and equal keys mean R
// sees the two texts as equal (e.g. "e" + U+0301 and U+00E9). A byte that is not valid UTF-8
// counts as U+FFFD. The order does not depend on the process's locale (setlocale() elsewhere).
// Each thread uses its own collator, so this may be called from any thread.
std::string collation_key(std::string_view utf8);

}  // namespace lmm::internal
