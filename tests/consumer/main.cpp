// A program outside lmm's build, as a user writes one: fits an lme4 golden case through the
// public API and checks it against lme4's numbers, which consumer_test.cmake reads from
// tests/golden/lme4_fits.json and passes on the command line:
//   lmm_consumer --formula F --data FILE [--join FILE BY]... [--factor COL]... --reml 0|1
//                --nobs N --objective X [--fixef NAME VALUE SE]...
// Exit 0 when every check passes, 1 on a mismatch, 2 on bad arguments or an lmm error.
#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <lmm/lmm.hpp>

namespace {

struct Fixef {
  std::string name;
  double value;
  double se;
};

double number(const char* text) {
  char* end = nullptr;
  const double x = std::strtod(text, &end);
  if (end == text || *end != '\0') throw std::invalid_argument(std::string("not a number: ") + text);
  return x;
}

std::string text(double x) {
  std::ostringstream out;
  out << std::setprecision(15) << x;
  return out.str();
}

int failures = 0;

void check(bool ok, const std::string& what) {
  std::cout << (ok ? "ok   " : "FAIL ") << what << "\n";
  if (!ok) ++failures;
}

}  // namespace

int main(int argc, char** argv) {
  std::string formula, data_file;
  std::vector<std::pair<std::string, std::string>> joins;
  std::vector<std::string> factors;
  bool reml = true;
  int nobs = -1;
  double objective = std::nan("");
  std::vector<Fixef> fixef;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto next = [&]() -> const char* {
        if (++i >= argc) throw std::invalid_argument(a + " needs a value");
        return argv[i];
      };
      if (a == "--formula") formula = next();
      else if (a == "--data") data_file = next();
      else if (a == "--join") { std::string f = next(); joins.emplace_back(f, next()); }
      else if (a == "--factor") factors.emplace_back(next());
      else if (a == "--reml") reml = std::string(next()) != "0";
      else if (a == "--nobs") nobs = static_cast<int>(number(next()));
      else if (a == "--objective") objective = number(next());
      else if (a == "--fixef") { std::string n = next(); double v = number(next()); fixef.push_back({n, v, number(next())}); }
      else throw std::invalid_argument("unknown argument " + a);
    }
    if (formula.empty() || data_file.empty() || nobs < 0 || std::isnan(objective) || fixef.empty())
      throw std::invalid_argument("--formula, --data, --nobs, --objective and --fixef are required");
  } catch (const std::exception& e) {
    std::cerr << "lmm_consumer: " << e.what() << "\n";
    return 2;
  }

  try {
    lmm::DataFrame data = lmm::read_csv(data_file);
    for (const auto& [file, by] : joins) data = lmm::left_join(data, lmm::read_csv(file), by);
    for (const auto& f : factors) data.declare_factor(f);
    lmm::FitOptions options;
    options.reml = reml;
    const lmm::LinearMixedModel model(formula, data);
    {
      // A FitResult made by the library and destroyed here: its Eigen vectors were allocated
      // by the library's code and are freed by the consumer's.
      const lmm::FitResult fit = model.fit(options);
      std::cout << formula << (reml ? " (REML)" : " (ML)") << ": objective " << text(fit.objective) << "\n";

      check(fit.nobs == nobs, "nobs " + std::to_string(fit.nobs) + " == " + std::to_string(nobs));
      // Objective: within 1e-6 relative of lme4's (tests/lme4_golden_test.cpp's tolerance).
      check(std::fabs(fit.objective - objective) <= 1e-6 * std::fabs(objective),
            "objective within 1e-6 relative of lme4's " + text(objective));
      // Fixed effects: names and order exactly, each within 1% of its standard error (ditto).
      check(fit.fixef_names.size() == fixef.size() && fit.fixef.size() == static_cast<Eigen::Index>(fixef.size()),
            "number of fixed effects " + std::to_string(fit.fixef_names.size()));
      for (std::size_t k = 0; k < fixef.size() && k < fit.fixef_names.size(); ++k) {
        const double ours = fit.fixef[static_cast<Eigen::Index>(k)];
        check(fit.fixef_names[k] == fixef[k].name && std::fabs(ours - fixef[k].value) <= 0.01 * fixef[k].se,
              "fixef " + fit.fixef_names[k] + " " + text(ours) + " within 1% of its SE of lme4's " +
                  fixef[k].name + " " + text(fixef[k].value));
      }

      // A vector allocated here and read by the library: the same response, through
      // with_response(); its objective at the fitted theta is the fit's (1e-9 relative: y is
      // fitted + residuals, a few ulps from the data's).
      const Eigen::VectorXd y = fit.fitted + fit.residuals;
      const double again = model.with_response(y).objective(fit.theta, reml);
      check(std::fabs(again - fit.objective) <= 1e-9 * std::fabs(fit.objective),
            "objective of with_response(y) at the fitted theta " + text(again));
    }
  } catch (const std::exception& e) {
    std::cerr << "lmm_consumer: " << e.what() << "\n";
    return 2;
  }
  std::cout << (failures == 0 ? "all checks passed\n" : std::to_string(failures) + " check(s) failed\n");
  return failures == 0 ? 0 : 1;
}
