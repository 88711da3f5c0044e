// The memory of a model's large matrices, estimated before they are allocated: a design that
// cannot fit in this machine's memory is a model error naming the matrix and its size, never an
// allocation failure half-way through (or the system killing the process).
//
// What is counted (doubles, 8 bytes each; n observations, p fixed-effects columns):
// - the fixed-effects matrix X, n x p, with p counted from the terms before X is built (every
//   column, before rank-deficient ones are dropped), and the rank check's crossproduct X'X,
//   p x p, 4 matrices at its peak (freed once the check is done);
// - each random-effects term's matrix, n x q, twice (the model's and the deviance's copy);
// - the blocked Cholesky factor's dense trailing block, m x m, twice (crossproducts and factor),
//   m = the random effects of the terms after the leading nested chain + p + 1, and its copy of
//   [X y], n x (p + 1).
// Smaller allocations (the data, the model frame, the chain's per-level blocks, workspace) are not
// counted: the estimate is a lower bound of what a fit needs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "formula/model_frame.hpp"
#include "formula/term_expansion.hpp"
#include "model/random_effects_term.hpp"

namespace lmm::internal {

// A matrix of doubles the model will allocate, `copies` times.
struct MatrixFootprint {
  std::string what;  // as a message names it, e.g. "the fixed-effects matrix"
  std::uint64_t rows = 0;
  std::uint64_t columns = 0;
  std::uint64_t copies = 1;

  std::uint64_t bytes() const;  // all copies (the largest std::uint64_t when more)
};

// This machine's physical memory in bytes (sysconf), 0 when it cannot be told.
std::uint64_t physical_memory();

// A byte count as a message shows it: "23 GiB", "1.5 MiB", "512 bytes".
std::string format_bytes(std::uint64_t bytes);

// The memory the model's matrices may take, and what they have taken so far. The limit is the
// machine's physical memory (all of it: lmm refuses only a design that cannot fit at all); tests
// pass a small one.
class MemoryBudget {
 public:
  explicit MemoryBudget(std::uint64_t limit);  // 0: no limit

  // Counts a matrix the model keeps. Throws lmm::Error (kModel) naming it, its size and the
  // limit when it does not fit beside the matrices counted before it.
  void reserve(const MatrixFootprint& matrix);
  // The same for a matrix that is freed again before the next one (a temporary): it must fit
  // beside the kept ones, but is not counted after.
  void check(const MatrixFootprint& matrix) const;
  std::uint64_t reserved() const { return reserved_; }

 private:
  std::uint64_t limit_;
  std::uint64_t reserved_ = 0;
};

// X, n x p, from the formula's fixed-effects terms and the model frame.
MatrixFootprint fixed_effects_footprint(const FormulaSpec& spec, const ModelFrame& frame);
// The rank check's X'X, p x p, 4 matrices at its peak.
MatrixFootprint rank_check_footprint(const MatrixFootprint& fixed_effects);
// Each random-effects term's n x q matrix, twice, in the formula's order.
std::vector<MatrixFootprint> random_effects_footprints(const FormulaSpec& spec, const ModelFrame& frame);

// The Cholesky factor's dense trailing block, m x m, twice, for the terms in lme4's order and p
// fixed-effects columns.
MatrixFootprint trailing_block_footprint(const std::vector<RandomEffectsTerm>& terms, std::uint64_t fixed_columns);
// The Cholesky factor's copy of [X y], n x (p + 1).
MatrixFootprint crossproduct_copy_footprint(std::uint64_t nobs, std::uint64_t fixed_columns);

// Before the model matrices are built: X, its rank check and the random-effects matrices must
// fit in `limit` bytes (0: no limit). Throws lmm::Error (kModel) naming the first that does not.
void check_design_memory(const FormulaSpec& spec, const ModelFrame& frame, std::uint64_t limit);
// Before the Cholesky factor is built: the matrices as built (X after rank-deficient columns
// were dropped) and the factor's.
void check_factor_memory(const std::vector<RandomEffectsTerm>& terms, std::uint64_t nobs, std::uint64_t fixed_columns,
                         std::uint64_t limit);

}  // namespace lmm::internal
