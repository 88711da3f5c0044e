// Placeholder until the R-format summary lands: prints the key numbers plainly.
#include <fmt/format.h>

#include "lmm/report.hpp"

namespace lmm {

std::string summary_text(const FitResult& fit, const SummaryOptions& options) {
  std::string out = fmt::format("Linear mixed model fit by {}\nFormula: {}\n   Data: {}\n\n{}: {:.2f}\n",
                                fit.reml ? "REML ['lmerMod']" : "maximum likelihood  ['lmerMod']", fit.formula,
                                options.data_name, fit.reml ? "REML criterion at convergence" : "deviance", fit.objective);
  for (const VarCorrRow& r : fit.varcorr)
    out += fmt::format("{} {} {} {:.6g} {:.6g}\n", r.group, r.var1.value_or(""), r.var2.value_or(""), r.vcov, r.sdcor);
  for (std::size_t i = 0; i < fit.fixef_names.size(); ++i)
    out += fmt::format("{} {:.7g} {:.4g}\n", fit.fixef_names[i], fit.fixef[static_cast<Eigen::Index>(i)],
                       fit.fixef_se[static_cast<Eigen::Index>(i)]);
  return out;
}

}  // namespace lmm
