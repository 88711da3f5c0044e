// The memory estimate of a design: counted from the terms before any matrix is built, and a model
// error naming the matrix and its size when it does not fit. Budgets are injected (a few KiB), so
// no test allocates anything large.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "formula/model_frame.hpp"
#include "formula/model_matrix.hpp"
#include "formula/term_expansion.hpp"
#include "lmm/data_frame.hpp"
#include "lmm/error.hpp"
#include "model/memory_estimate.hpp"
#include "model/random_effects_term.hpp"

namespace {

using namespace lmm::internal;

// 12 rows: three 3-level factors a, b, c, a numeric x; classes nested in schools, and a factor
// crossed with both.
const lmm::DataFrame& data() {
  static const lmm::DataFrame d = [] {
    std::string csv = "y,x,a,b,c,school,class,rater\n";
    for (int i = 0; i < 12; ++i)
      csv += std::to_string(i * 7 % 11) + "," + std::to_string(i % 5) + "," + "a" + std::to_string(i % 3) + ",b" +
             std::to_string(i / 3 % 3) + ",c" + std::to_string(i / 4 % 3) + ",s" + std::to_string(i / 6) + ",k" +
             std::to_string(i / 3) + ",r" + std::to_string(i % 4) + "\n";
    return lmm::read_csv_text(csv, "test.csv");
  }();
  return d;
}

struct Design {
  FormulaSpec spec;
  ModelFrame frame;
};

Design design(const std::string& formula) {
  Design d{analyze_formula(formula), {}};
  d.frame = build_model_frame(d.spec, data());
  return d;
}

std::string design_memory_error(const std::string& formula, std::uint64_t limit) {
  const Design d = design(formula);
  try {
    check_design_memory(d.spec, d.frame, limit);
  } catch (const lmm::Error& e) {
    EXPECT_EQ(e.kind(), lmm::ErrorKind::kModel);
    return e.what();
  }
  return "";
}

std::string factor_memory_error(const std::string& formula, std::uint64_t limit) {
  const Design d = design(formula);
  const std::vector<RandomEffectsTerm> terms = build_random_terms(d.spec, d.frame);
  try {
    check_factor_memory(terms, d.frame.nobs, model_matrix_columns(d.spec.fixed, d.frame.fixed), limit);
  } catch (const lmm::Error& e) {
    EXPECT_EQ(e.kind(), lmm::ErrorKind::kModel);
    return e.what();
  }
  return "";
}

TEST(MemoryEstimate, ColumnsAreCountedAsModelMatrixMakesThem) {
  for (const std::string formula :
       {"y ~ (a + b + c)^3 + (1 | school)", "y ~ 0 + a:b + (1 | school)", "y ~ a * x + (1 | school)",
        "y ~ x + a:x + (1 | school)", "y ~ 0 + x + (1 | school)", "y ~ 1 + (1 | school)", "y ~ a + b:c - 1 + (1 | school)"}) {
    const Design d = design(formula);
    EXPECT_EQ(model_matrix_columns(d.spec.fixed, d.frame.fixed),
              static_cast<std::uint64_t>(model_matrix(d.spec.fixed, d.frame.fixed, d.frame.nobs).matrix.cols()))
        << formula;
  }
  EXPECT_EQ(model_matrix_columns(design("y ~ (a + b + c)^3 + (1 | school)").spec.fixed,
                                 design("y ~ (a + b + c)^3 + (1 | school)").frame.fixed),
            27u);  // (1 + 2)^3: every product of the intercept and two contrasts per factor
}

TEST(MemoryEstimate, BytesAreShownInBinaryUnits) {
  EXPECT_EQ(format_bytes(0), "0 bytes");
  EXPECT_EQ(format_bytes(1), "1 byte");
  EXPECT_EQ(format_bytes(1023), "1023 bytes");
  EXPECT_EQ(format_bytes(1024), "1.0 KiB");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(10 * 1024), "10 KiB");
  EXPECT_EQ(format_bytes(std::uint64_t{100000} * 390624 * 8), "291 GiB");
  EXPECT_EQ(format_bytes(std::numeric_limits<std::uint64_t>::max()), "16 EiB");
}

TEST(MemoryEstimate, SizesSaturateInsteadOfOverflowing) {
  const MatrixFootprint huge{"a matrix", std::uint64_t{1} << 40, std::uint64_t{1} << 40, 2};
  EXPECT_EQ(huge.bytes(), std::numeric_limits<std::uint64_t>::max());
}

TEST(MemoryEstimate, ThePhysicalMemoryIsKnown) { EXPECT_GT(physical_memory(), std::uint64_t{1} << 20); }

TEST(MemoryEstimate, AFixedEffectsMatrixOverTheBudgetIsAModelErrorNamingItsSize) {
  // 12 rows x 27 columns x 8 bytes = 2592 bytes.
  EXPECT_EQ(design_memory_error("y ~ (a + b + c)^3 + (1 | school)", 1024),
            "the fixed-effects matrix would be 12 rows x 27 columns (2.5 KiB), more than this machine's 1.0 KiB "
            "of memory");
}

TEST(MemoryEstimate, TheRankCheckCrossproductCountsBesideTheMatrix) {
  // X fits (2.5 KiB), X'X does not: 27 x 27 x 8 bytes, 4 matrices at the check's peak.
  EXPECT_EQ(design_memory_error("y ~ (a + b + c)^3 + (1 | school)", 10000),
            "the crossproduct of the fixed-effects matrix would be 27 rows x 27 columns, 4 times (23 KiB), more "
            "than this machine's 9.8 KiB of memory");
}

TEST(MemoryEstimate, RandomEffectsMatricesCountWithTheOthers) {
  // X: 12 x 2 (192 bytes); X'X: 2 x 2, 4 times (128 bytes); Z of (a | school): 12 x 3, twice (576 bytes).
  EXPECT_EQ(design_memory_error("y ~ x + (a | school)", 700),
            "the random-effects matrix of '(a | school)' would be 12 rows x 3 columns, twice (576 bytes), which "
            "with the model's other matrices (192 bytes) is more than this machine's 700 bytes of memory");
  EXPECT_EQ(design_memory_error("y ~ x + (a | school)", 768), "");
}

TEST(MemoryEstimate, TheChainIsTheLeadingRunOfNestedTerms) {
  const Design nested = design("y ~ x + (1 | class) + (1 | school)");
  EXPECT_EQ(nested_chain_length(build_random_terms(nested.spec, nested.frame)), 2u);
  const Design crossed = design("y ~ x + (1 | class) + (1 | rater)");
  EXPECT_EQ(nested_chain_length(build_random_terms(crossed.spec, crossed.frame)), 1u);
  const Design both = design("y ~ x + (1 | class) + (1 | school) + (1 | rater)");
  // lme4's order: rater, class (4 levels each), school (2); rater does not nest in class.
  EXPECT_EQ(nested_chain_length(build_random_terms(both.spec, both.frame)), 1u);
}

TEST(MemoryEstimate, TheDenseBlockHoldsTheTermsAfterTheChainAndTheFixedEffects) {
  const Design nested = design("y ~ x + (1 | class) + (1 | school)");
  const MatrixFootprint chain_only = trailing_block_footprint(build_random_terms(nested.spec, nested.frame), 2);
  EXPECT_EQ(chain_only.rows, 3u);  // p + 1
  EXPECT_EQ(chain_only.copies, 2u);
  const Design crossed = design("y ~ x + (x | class) + (1 | rater)");
  // (x | class): 4 levels x 2, the chain; (1 | rater): 4 random effects in the dense block.
  EXPECT_EQ(trailing_block_footprint(build_random_terms(crossed.spec, crossed.frame), 2).rows, 7u);
}

TEST(MemoryEstimate, ADenseBlockOverTheBudgetIsAModelErrorNamingItsSize) {
  // X 12 x 2 (192 bytes), Z of class and rater 12 x 1 twice (192 bytes each), [X y] 12 x 3
  // (288 bytes): 864 bytes; the dense block, 7 x 7 twice, is 784 bytes.
  EXPECT_EQ(factor_memory_error("y ~ x + (1 | class) + (1 | rater)", 1500),
            "the dense block of the Cholesky factor (crossed random effects, fixed effects and response) would be "
            "7 rows x 7 columns, twice (784 bytes), which with the model's other matrices (864 bytes) is more than "
            "this machine's 1.5 KiB of memory");
  EXPECT_EQ(factor_memory_error("y ~ x + (1 | class) + (1 | rater)", 1648), "");
}

TEST(MemoryEstimate, NoLimitRefusesNothing) {
  EXPECT_EQ(design_memory_error("y ~ (a + b + c)^3 + (1 | school)", 0), "");
  EXPECT_EQ(factor_memory_error("y ~ (a + b + c)^3 + (1 | class) + (1 | rater)", 0), "");
}

}  // namespace
