// R's printing of text vectors and matrices, reimplemented from their observed behaviour (R 4.2).
#include "report/r_print.hpp"

#include <algorithm>
#include <cstddef>

#include "report/r_text.hpp"

namespace lmm::internal {

std::string r_cat_fill(const std::vector<std::vector<std::string>>& objects, int width, const std::string& sep) {
  const int sep_width = r_text_width(sep);
  std::string out;
  int used = 0;  // width of the current line, counting a separator after each element
  for (std::size_t k = 0; k < objects.size(); ++k) {
    if (k > 0) out += sep;  // separator between objects, written before any line break
    for (std::size_t i = 0; i < objects[k].size(); ++i) {
      const int w = r_text_width(objects[k][i]);
      if (i > 0) out += sep;
      if ((k > 0 || i > 0) && used + w + sep_width > width) {
        out += '\n';
        used = 0;
      }
      out += objects[k][i];
      used += w + sep_width;
    }
  }
  return out + "\n";
}

std::string r_print_named(const std::vector<std::string>& names, const std::vector<std::string>& cells, int width) {
  int w = 0;
  for (std::size_t i = 0; i < cells.size(); ++i) w = std::max({w, r_text_width(cells[i]), r_text_width(names[i])});
  const std::size_t per_line = static_cast<std::size_t>(std::max(1, width / (w + 1)));
  std::string out;
  for (std::size_t start = 0; start < cells.size(); start += per_line) {
    const std::size_t end = std::min(cells.size(), start + per_line);
    for (std::size_t k = start; k < end; ++k) out += r_pad(names[k], w, true) + " ";
    out += "\n";
    for (std::size_t k = start; k < end; ++k) out += r_pad(cells[k], w, true) + " ";
    out += "\n";
  }
  return out;
}

namespace {

int max_width(const std::vector<std::string>& texts) {
  int w = 0;
  for (const std::string& t : texts) w = std::max(w, r_text_width(t));
  return w;
}

std::vector<int> column_widths(const TextMatrix& m) {
  std::vector<int> widths;
  for (std::size_t j = 0; j < m.col_names.size(); ++j) {
    int w = r_text_width(m.col_names[j]);
    for (const auto& row : m.cells) w = std::max(w, r_text_width(row[j]));
    widths.push_back(w);
  }
  return widths;
}

// Columns [first, last) of the matrix: header line, then one line per row.
std::string matrix_block(const TextMatrix& m, const std::vector<int>& widths, int label_width, std::size_t first,
                         std::size_t last, bool right) {
  std::string out(static_cast<std::size_t>(label_width), ' ');
  for (std::size_t j = first; j < last; ++j) out.append(" ").append(r_pad(m.col_names[j], widths[j], right));
  for (std::size_t i = 0; i < m.cells.size(); ++i) {
    out.append("\n").append(r_pad(m.row_names[i], label_width, false));
    for (std::size_t j = first; j < last; ++j) out.append(" ").append(r_pad(m.cells[i][j], widths[j], right));
  }
  return out + "\n";
}

}  // namespace

std::string r_print_matrix(const TextMatrix& m, bool right, int width) {
  const std::vector<int> widths = column_widths(m);
  const int label_width = max_width(m.row_names);
  std::string out;
  std::size_t first = 0;
  while (first < widths.size()) {
    std::size_t last = first;
    int used = label_width;
    do {
      used += widths[last] + 1;
      ++last;
    } while (last < widths.size() && used + widths[last] + 1 < width);
    out += matrix_block(m, widths, label_width, first, last, right);
    first = last;
  }
  return out;
}

}  // namespace lmm::internal
