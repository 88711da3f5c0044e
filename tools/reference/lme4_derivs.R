# lme4's convergence diagnostics as references for tests/convergence_test.cpp.
#
# Usage (from the repository root):
#   Rscript tools/reference/lme4_derivs.R
#
# Writes
#   tests/golden/lme4_derivs.json   one JSON array of cases
#
# For each case: theta at lme4's optimum, m@optinfo$derivs (deriv12(): central differences of
# the REML criterion or deviance in theta, step 1e-4, at the optimizer's answer), the largest
# scaled gradient checkConv() compares with check.conv.grad's tol (0.002), and the messages
# checkConv() leaves in m@optinfo$conv$lme4$messages. Data are read as lme4_goldens.R reads them
# (tools/reference/common.R); `derived` columns are products of a column and a constant, made
# after reading.

suppressPackageStartupMessages(library(lme4))
library(jsonlite)
source(file.path("tools", "reference", "common.R"))

golden_dir <- file.path("tests", "golden")
SH <- "../shared/data"
jn_school <- list(list(file = file.path(SH, "mathachieveschool.csv"), by = "school"))
MA <- file.path(SH, "mathachieve.csv")
CL <- file.path(SH, "classroom.csv")
SL <- file.path(SH, "sleepstudy.csv")

cases <- list(
  list(id = "sleepstudy_REML", data = SL, factors = "Subject",
       formula = "Reaction ~ Days + (Days | Subject)", reml = TRUE),
  list(id = "sleepstudy_ML", data = SL, factors = "Subject",
       formula = "Reaction ~ Days + (Days | Subject)", reml = FALSE),
  list(id = "M_base_REML", data = MA, join = jn_school, factors = "himinty",
       formula = "mathach ~ ses + (ses | school)", reml = TRUE),
  list(id = "M_base_ML", data = MA, join = jn_school, factors = "himinty",
       formula = "mathach ~ ses + (ses | school)", reml = FALSE),
  list(id = "M17_REML", data = CL, factors = c("classid", "schoolid", "classid2"),
       formula = "mathscore ~ ses + (ses | schoolid) + (1 | classid)", reml = TRUE),
  list(id = "Penicillin_REML", data = file.path(SH, "Penicillin.csv"),
       formula = "diameter ~ 1 + (1 | plate) + (1 | sample)", reml = TRUE),
  # Stopped by the evaluation limit: nloptwrap's code 5 and checkConv's gradient warning.
  list(id = "sleepstudy_maxeval10", data = SL, factors = "Subject",
       formula = "Reaction ~ Days + (Days | Subject)", reml = TRUE, max_evaluations = 10L),
  # A badly scaled predictor: the gradient warning and both "nearly unidentifiable" warnings.
  list(id = "sleepstudy_days1000", data = SL, factors = "Subject",
       derived = list(list(name = "DaysK", from = "Days", times = 1000)),
       formula = "Reaction ~ DaysK + (DaysK | Subject)", reml = TRUE)
)

max_scaled_gradient <- function(d) {
  sc <- tryCatch(solve(chol(d$Hessian), d$gradient), error = function(e) NULL)
  if (is.null(sc) || anyNA(sc)) return(NA_real_)
  max(pmin(abs(sc), abs(d$gradient)))
}

out <- list()
for (cs in cases) {
  d <- read_data(cs$data, if (is.null(cs$join)) list() else cs$join,
                 if (is.null(cs$factors)) character() else cs$factors)
  for (dv in cs$derived) d[[dv$name]] <- d[[dv$from]] * dv$times
  ctrl <- if (is.null(cs$max_evaluations)) lmerControl()
          else lmerControl(optCtrl = list(maxeval = cs$max_evaluations))
  m <- suppressWarnings(suppressMessages(
    lmer(as.formula(cs$formula), data = d, REML = cs$reml, control = ctrl)))
  dv <- m@optinfo$derivs
  conv <- m@optinfo$conv
  res <- list(
    theta = I(as.numeric(getME(m, "theta"))),
    objective = if (cs$reml) REMLcrit(m) else deviance(m),
    gradient = I(as.numeric(dv$gradient)),
    hessian = lapply(seq_len(nrow(dv$Hessian)), function(i) I(as.numeric(dv$Hessian[i, ]))),
    max_scaled_gradient = max_scaled_gradient(dv),
    optimizer_code = as.integer(conv$opt),
    singular = isSingular(m),
    messages = I(as.character(unlist(conv$lme4$messages)))
  )
  cat(sprintf("%-22s obj=%.6f maxgrad=%g code=%d %s\n", cs$id, res$objective,
              res$max_scaled_gradient, res$optimizer_code, paste(res$messages, collapse = " | ")))
  cs$result <- res
  cs$join <- lapply(cs$join, function(j) list(file = j$file, by = j$by))
  cs$factors <- I(if (is.null(cs$factors)) character() else cs$factors)
  out[[length(out) + 1]] <- cs
}

writeLines(toJSON(as_json_num(out), digits = NA, auto_unbox = TRUE, null = "null",
                  na = "null", json_verbatim = TRUE, pretty = TRUE),
           file.path(golden_dir, "lme4_derivs.json"))
