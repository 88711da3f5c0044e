// lmm/model_options.hpp: what enters a model beside its formula (inputs only), as lmer's
// `weights =` and `offset =` arguments.
#pragma once

#include <string>

namespace lmm {

struct ModelOptions {
  // A numeric column of prior weights: observation i's residual variance is sigma^2 / w_i. Each
  // weight must be positive. Its missing values drop rows, as the formula's variables' do.
  std::string weights;
  // A numeric column added to the linear predictor with coefficient 1, beside the formula's
  // offset() terms (their sum is the model's offset).
  std::string offset;
};

}  // namespace lmm
