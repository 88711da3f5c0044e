// Fuzzes the formula language: the bytes are a formula, parsed and expanded into fixed and
// random terms (R's terms() and lme4's findbars/expandDoubleVerts), then evaluated on a small
// fixed data set into the model frame, the design matrices and the profiled objective at lme4's
// start. lmm::Error is the library's verdict on a bad formula; anything else (another exception,
// a crash, a sanitizer report, a broken invariant) is a bug.
//
// Columns of the data, for seeds and the dictionary: y x z w (numeric, w with NAs), h (numeric,
// few values), a b g s (text factors).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "formula/expression.hpp"
#include "formula/model_frame.hpp"
#include "formula/term_expansion.hpp"
#include "fuzz_check.hpp"
#include "lmm/data_frame.hpp"
#include "lmm/error.hpp"
#include "lmm/linear_mixed_model.hpp"
#include "model/model_state.hpp"

namespace {

const lmm::DataFrame& data() {
  static const lmm::DataFrame frame = lmm::read_csv_text(
      "y,x,z,w,h,a,b,g,s\n"
      "1.2,0.5,-1,3,1,a1,b1,g1,s1\n"
      "2.3,1.5,2,NA,2,a2,b1,g1,s1\n"
      "0.7,2.5,0.5,1,3,a3,b2,g2,s1\n"
      "3.1,3.5,4,2,1,a1,b2,g2,s2\n"
      "2.2,4.5,-2,5,2,a2,b1,g3,s2\n"
      "1.9,5.5,1,NA,3,a3,b1,g3,s2\n"
      "4.0,6.5,3,4,1,a1,b2,g4,s3\n"
      "2.8,7.5,0,2,2,a2,b2,g4,s3\n"
      "3.3,8.5,-3,6,3,a3,b1,g1,s3\n"
      "1.1,9.5,2,1,1,a1,b2,g2,s4\n"
      "2.6,10.5,5,3,2,a2,b1,g3,s4\n"
      "3.7,11.5,-1,2,3,a3,b2,g4,s4\n",
      "fuzz_formula.csv");
  return frame;
}

// The design the formula asks for, as an upper bound on the cells of its matrices: a term with
// several factors has the product of their levels as columns. Formulas asking for more than the
// fuzzer's memory limit (R could not allocate those either) are not run past the model frame.
double design_cells(const lmm::internal::FormulaSpec& spec, const lmm::internal::ModelFrame& frame) {
  auto columns = [](const lmm::internal::TermList& terms, const std::vector<lmm::internal::Variable>& vars) {
    double total = 1.0;
    for (const auto& term : terms.terms) {
      double product = 1.0;
      for (int v : term) {
        const lmm::internal::Variable& var = vars[static_cast<std::size_t>(v)];
        if (var.is_factor) product *= static_cast<double>(var.levels.size());
      }
      total += product;
    }
    return total;
  };
  double cells = columns(spec.fixed, frame.fixed) * static_cast<double>(frame.nobs);
  for (std::size_t t = 0; t < spec.random.size(); ++t)
    cells += columns(spec.random[t].effects, frame.effects[t]) * static_cast<double>(frame.nobs);
  return cells;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string formula(reinterpret_cast<const char*>(bytes), size);
  std::string text;
  try {
    const lmm::internal::Expression tree = lmm::internal::parse_formula(formula);
    LMM_FUZZ_CHECK(tree.is_binary("~") && tree.args.size() == 2);
    text = lmm::internal::deparse(tree);
  } catch (const lmm::Error&) {
    return 0;
  }
  // deparse() writes what parses back to the same text (backquoted names aside: R would
  // re-quote them, lmm shows them bare).
  if (formula.find('`') == std::string::npos) {
    try {
      LMM_FUZZ_CHECK(lmm::internal::deparse(lmm::internal::parse_formula(text)) == text);
    } catch (const lmm::Error& e) {
      std::fprintf(stderr, "deparse() gave '%s', which does not parse: %s\n", text.c_str(), e.what());
      std::abort();
    }
  }
  try {
    const lmm::internal::FormulaSpec spec = lmm::internal::analyze_formula(formula);
    LMM_FUZZ_CHECK(!spec.random.empty());
    for (const auto& r : spec.random) {
      LMM_FUZZ_CHECK(!r.group.empty());
      LMM_FUZZ_CHECK(!r.effects.terms.empty() || r.effects.intercept);
    }
    const lmm::internal::ModelFrame frame = lmm::internal::build_model_frame(spec, data());
    LMM_FUZZ_CHECK(frame.nobs + frame.dropped == data().rows());
    if (design_cells(spec, frame) > 1e6) return 0;
    const lmm::LinearMixedModel model(formula, data());
    LMM_FUZZ_CHECK(model.nobs() == frame.nobs);
    const auto& start = model.state().start;
    const double objective = model.objective(start, true);
    LMM_FUZZ_CHECK(!std::isnan(objective));
  } catch (const lmm::Error&) {
  }
  return 0;
}
