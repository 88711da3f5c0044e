// The formula's offset() terms: known values added to the linear predictor, taken out of the
// fixed-effects terms as R's terms() keeps them apart (attr(, "offset")).
#pragma once

#include <vector>

#include "formula/term_expansion.hpp"

namespace lmm::internal {

// Removes the offset() variables and their terms from the fixed effects and returns their
// arguments, in the order written. Throws lmm::Error (kFormula) for an offset in an interaction
// or with other than one argument.
std::vector<Expression> take_offsets(TermList& list);

// Throws lmm::Error (kFormula) for an offset() among a random-effects term's variables.
void refuse_offsets_in_random_terms(const std::vector<RandomTermSpec>& random);

}  // namespace lmm::internal
