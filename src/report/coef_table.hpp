// The pieces of R's printCoefmat() that tables of tests share: p-values as format.pval()
// writes them, significance stars (symnum) and their legend.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace lmm::internal {

// format.pval(pv, digits, eps = .Machine$double.eps) for the present values; absent ones
// (R's NA) are written as `na`.
std::vector<std::string> r_format_pval(const std::vector<std::optional<double>>& p, int digits,
                                       const std::string& na = "NA");

// symnum() stars for p-values: "***" < 0.001 <= "**" < 0.01 <= "*" < 0.05 <= "." < 0.1 <= " ";
// absent values give "". The strings are padded on the right to a common width, as format()
// pads them.
std::vector<std::string> significance_stars(const std::vector<std::optional<double>>& p);

// True when printCoefmat() shows stars: some p-value is below 0.1.
bool any_significant(const std::vector<std::optional<double>>& p);

// "---\nSignif. codes:  0 ‘***’ 0.001 ‘**’ 0.01 ‘*’ 0.05 ‘.’ 0.1 ‘ ’ 1\n"
std::string significance_legend();

// format(x, digits) of a column with absent values: the present ones formatted together (R's
// common layout, as wide as "NA" at least when some are absent), absent ones written as `na`.
std::vector<std::string> r_format_column(const std::vector<std::optional<double>>& x, int digits,
                                         const std::string& na = "");

// printCoefmat()'s zap.ind columns (print.anova's columns other than the test statistic and
// p-value): the present values zapsmall(x, digits)'d and formatted together (absent ones
// written as `na`); an entry that is 0 but not shown as 0, or the reverse, is formatted again
// with digits - 1.
std::vector<std::string> r_zapped_column(const std::vector<std::optional<double>>& x, int digits,
                                         const std::string& na = "");

}  // namespace lmm::internal
