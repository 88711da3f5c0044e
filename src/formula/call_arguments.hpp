// The arguments of a function call in a formula, matched as R matches them.
#pragma once

#include <string>
#include <vector>

#include "formula/expression.hpp"

namespace lmm::internal {

// R's matching of a call's arguments to the function's formals: named ones by exact name, the
// others by position. One entry per formal, nullptr where absent. Throws lmm::Error (kFormula)
// naming the call and its position when an argument matches no formal, is given twice, or one of
// the first `required` formals is absent.
std::vector<const Expression*> match_arguments(const Expression& call, const std::vector<std::string>& formals,
                                               std::size_t required);

// The labels of a constant vector, as R's as.character gives them: c("a", "b"), c(2, 1), "a",
// 2, TRUE. Throws lmm::Error (kFormula) for anything else.
std::vector<std::string> constant_labels(const Expression& e);

// Throws lmm::Error (kFormula): "formula term 'f(x)' (position 9): <what>".
[[noreturn]] void fail_call(const Expression& call, const std::string& what);

}  // namespace lmm::internal
