// R's console output of already formatted text: cat(fill = TRUE), and print() of named vectors
// and character matrices, wrapped at the console width as print.default does.
#pragma once

#include <string>
#include <vector>

namespace lmm::internal {

// cat(..., fill = width, sep = sep): each object's elements are written separated by `sep`,
// and a line is broken before an element that would pass `width` (the separator in front of it
// stays on the old line); the text ends with a newline.
std::string r_cat_fill(const std::vector<std::vector<std::string>>& objects, int width,
                       const std::string& sep = " ");

// print() of a named vector whose elements are already formatted: names and elements
// right-justified to a common width, each followed by a space, as many per line as fit in
// `width`.
std::string r_print_named(const std::vector<std::string>& names, const std::vector<std::string>& cells,
                          int width);

// A character matrix with dimnames, row by row.
struct TextMatrix {
  std::vector<std::string> row_names;
  std::vector<std::string> col_names;
  std::vector<std::vector<std::string>> cells;  // [row][column]
};

// print(m, quote = FALSE, right = right): row names left-justified, each column as wide as its
// widest entry or label and preceded by a space, entries and labels left- or right-justified;
// columns that do not fit in `width` continue in further blocks below.
std::string r_print_matrix(const TextMatrix& m, bool right, int width);

}  // namespace lmm::internal
