#include "model/memory_estimate.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iterator>
#include <limits>

#include "formula/model_matrix.hpp"
#include "lmm/error.hpp"
#include "util/excerpt.hpp"

namespace lmm::internal {
namespace {

constexpr std::uint64_t kMaxBytes = std::numeric_limits<std::uint64_t>::max();

std::uint64_t saturating_product(std::uint64_t a, std::uint64_t b) { return a != 0 && b > kMaxBytes / a ? kMaxBytes : a * b; }
std::uint64_t saturating_sum(std::uint64_t a, std::uint64_t b) { return a > kMaxBytes - b ? kMaxBytes : a + b; }

// "100000 rows x 390624 columns (291 GiB)", or with copies "... columns, twice (37 GiB)".
std::string describe_size(const MatrixFootprint& m) {
  const std::string copies = m.copies == 1   ? ""
                             : m.copies == 2 ? ", twice"
                                             : ", " + std::to_string(m.copies) + " times";
  return std::to_string(m.rows) + " rows x " + std::to_string(m.columns) + " columns" + copies + " (" +
         format_bytes(m.bytes()) + ")";
}

}  // namespace

std::uint64_t MatrixFootprint::bytes() const {
  return saturating_product(saturating_product(saturating_product(rows, columns), sizeof(double)), copies);
}

std::uint64_t physical_memory() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return 0;
  return saturating_product(static_cast<std::uint64_t>(pages), static_cast<std::uint64_t>(page_size));
}

std::string format_bytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
  double value = static_cast<double>(bytes) / 1024.0;
  std::size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < std::size(kUnits)) value /= 1024.0, ++unit;
  char text[32];
  // One decimal below 10 ("1.5 GiB"), whole units above ("291 GiB"); 9.96 rounds to "10".
  if (value < 9.95) std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
  else std::snprintf(text, sizeof text, "%.0f %s", value, kUnits[unit]);
  return text;
}

MemoryBudget::MemoryBudget(std::uint64_t limit) : limit_(limit) {}

void MemoryBudget::check(const MatrixFootprint& matrix) const {
  if (limit_ == 0) return;
  const std::uint64_t bytes = matrix.bytes();
  const std::string limit = ", more than this machine's " + format_bytes(limit_) + " of memory";
  if (bytes > limit_)
    throw Error(ErrorKind::kModel, matrix.what + " would be " + describe_size(matrix) + limit);
  if (saturating_sum(bytes, reserved_) > limit_)
    throw Error(ErrorKind::kModel, matrix.what + " would be " + describe_size(matrix) +
                                       ", which with the model's other matrices (" + format_bytes(reserved_) +
                                       ") is more than this machine's " + format_bytes(limit_) + " of memory");
}

void MemoryBudget::reserve(const MatrixFootprint& matrix) {
  check(matrix);
  reserved_ = saturating_sum(reserved_, matrix.bytes());
}

MatrixFootprint fixed_effects_footprint(const FormulaSpec& spec, const ModelFrame& frame) {
  return {"the fixed-effects matrix", frame.nobs, model_matrix_columns(spec.fixed, frame.fixed), 1};
}

MatrixFootprint rank_check_footprint(const MatrixFootprint& fixed_effects) {
  return {"the crossproduct of the fixed-effects matrix", fixed_effects.columns, fixed_effects.columns, 4};
}

std::vector<MatrixFootprint> random_effects_footprints(const FormulaSpec& spec, const ModelFrame& frame) {
  std::vector<MatrixFootprint> out;
  for (std::size_t t = 0; t < spec.random.size(); ++t)
    out.push_back({"the random-effects matrix of " + quote(spec.random[t].text), frame.nobs,
                   model_matrix_columns(spec.random[t].effects, frame.effects[t]), 2});
  return out;
}

MatrixFootprint trailing_block_footprint(const std::vector<RandomEffectsTerm>& terms, std::uint64_t fixed_columns) {
  std::uint64_t order = saturating_sum(fixed_columns, 1);
  for (std::size_t t = nested_chain_length(terms); t < terms.size(); ++t)
    order = saturating_sum(order, static_cast<std::uint64_t>(terms[t].nranef()));
  return {"the dense block of the Cholesky factor (crossed random effects, fixed effects and response)", order, order,
          2};
}

MatrixFootprint crossproduct_copy_footprint(std::uint64_t nobs, std::uint64_t fixed_columns) {
  return {"the Cholesky factor's copy of the fixed effects and response", nobs, saturating_sum(fixed_columns, 1), 1};
}

void check_design_memory(const FormulaSpec& spec, const ModelFrame& frame, std::uint64_t limit) {
  MemoryBudget budget(limit);
  const MatrixFootprint fixed = fixed_effects_footprint(spec, frame);
  budget.reserve(fixed);
  budget.check(rank_check_footprint(fixed));
  for (const MatrixFootprint& z : random_effects_footprints(spec, frame)) budget.reserve(z);
}

void check_factor_memory(const std::vector<RandomEffectsTerm>& terms, std::uint64_t nobs, std::uint64_t fixed_columns,
                         std::uint64_t limit) {
  MemoryBudget budget(limit);
  budget.reserve({"the fixed-effects matrix", nobs, fixed_columns, 1});
  for (const RandomEffectsTerm& t : terms)
    budget.reserve({"the random-effects matrix of the term on " + quote(t.group), nobs, static_cast<std::uint64_t>(t.q()), 2});
  budget.reserve(crossproduct_copy_footprint(nobs, fixed_columns));
  budget.reserve(trailing_block_footprint(terms, fixed_columns));
}

}  // namespace lmm::internal
