// R's rules for laying out text: how wide a string is on screen, padding, abbreviate() and
// strwrap().
#pragma once

#include <string>
#include <vector>

namespace lmm::internal {

// Characters shown on screen (UTF-8 code points), which is what R pads to.
int r_text_width(const std::string& s);

// `s` padded with spaces to `width` on the left (right-justified) or on the right.
std::string r_pad(const std::string& s, int width, bool right_justify);

// R's abbreviate(names, minlength) with use.classes = TRUE, method "left.kept": drops, from the
// end, first lower-case vowels that end a word, then lower-case vowels not starting a word,
// then lower-case letters likewise, then any character but a word's first, until `minlength`
// characters remain; names still duplicated afterwards are abbreviated again with minlength
// one larger.
std::vector<std::string> r_abbreviate(const std::vector<std::string>& names, int minlength);

// strwrap(text, width, exdent = exdent) of one paragraph: words (split at blanks) are put on a
// line while the line stays shorter than `width` (counting the indent), continuation lines being
// indented by `exdent` spaces.
std::vector<std::string> r_strwrap(const std::string& text, int width, int exdent = 0);

}  // namespace lmm::internal
