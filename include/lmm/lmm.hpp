// lmm: linear mixed-effects models in lme4's formula language. The whole public API.
#pragma once

#include "lmm/anova.hpp"
#include "lmm/bootstrap.hpp"
#include "lmm/confint.hpp"
#include "lmm/data_frame.hpp"
#include "lmm/error.hpp"
#include "lmm/fit_options.hpp"
#include "lmm/fit_result.hpp"
#include "lmm/linear_mixed_model.hpp"
#include "lmm/model_options.hpp"
#include "lmm/prediction.hpp"
#include "lmm/query_report.hpp"
#include "lmm/random_effects.hpp"
#include "lmm/report.hpp"
#include "lmm/satterthwaite.hpp"
