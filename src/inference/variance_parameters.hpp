// The random-effects parameters on lme4's "sdcor" scale: for each term its standard
// deviations and correlations, in the layout of theta (column by column through the lower
// triangle: the diagonal gives standard deviations, the rest correlations), then sigma. These
// are the parameters lme4 names .sig01, .sig02, ..., .sigma (Cv_to_Sv and Sv_to_Cv in lme4).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/random_effects_term.hpp"

namespace lmm::internal {

class VarianceParameters {
 public:
  explicit VarianceParameters(const std::vector<RandomEffectsTerm>& terms);

  std::size_t size() const { return ntheta_ + 1; }  // the sdcor values and sigma
  std::size_t ntheta() const { return ntheta_; }

  // .sig01, ..., .sigma
  std::vector<std::string> names() const;
  // Bounds on the sdcor scale: standard deviations and sigma in [0, inf), correlations in
  // [-1, 1].
  const std::vector<double>& lower() const { return lower_; }
  const std::vector<double>& upper() const { return upper_; }
  bool is_correlation(std::size_t i) const { return upper_[i] == 1.0; }

  // theta and sigma to (sd, cor..., sigma).
  std::vector<double> from_theta(const std::vector<double>& theta, double sigma) const;
  // (sd, cor..., sigma) to theta; empty when the correlations do not form a positive
  // semi-definite matrix or sigma is not positive.
  std::optional<std::vector<double>> to_theta(const std::vector<double>& sdcor) const;

 private:
  std::vector<int> q_;  // columns per term
  std::size_t ntheta_ = 0;
  std::vector<double> lower_, upper_;
};

}  // namespace lmm::internal
