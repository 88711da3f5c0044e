# lme4's optimizer controls: fits with lmerControl(optimizer = "Nelder_Mead") by REML and ML, one
# stopped by its evaluation limit, and a model where lme4's default BOBYQA (nloptwrap) stops
# short of the optimum: a 3 x 3 covariance of intercept, time and time^2 with time unscaled
# (0..20), whose parameters differ by two orders of magnitude.
#
# Usage (from the repository root): Rscript tools/reference/lme4_optimizer.R
# Writes tests/data/sim_quadratic_time.csv (simulated, seed 1) and tests/golden/lme4_optimizer.json:
# for each case its data, formula, criterion, optimizer and maxfun, and lme4's theta, fixed
# effects, sigma, objective, evaluations, convergence code and messages. The quadratic-time case
# adds `reference`: the best of two tighter refits (minqa's bobyqa from lme4's optimum with
# rhobeg 1e-2 and rhoend 1e-10; nloptwrap with xtol_rel 1e-12, ftol_abs 1e-14, xtol_abs 1e-12).

suppressPackageStartupMessages(library(lme4))
library(jsonlite)
source(file.path("tools", "reference", "common.R"))

SH <- "../shared/data"
TD <- file.path("tests", "data")
quadratic_file <- file.path(TD, "sim_quadratic_time.csv")

## 20 subjects observed at time 0..20; correlated random intercepts, slopes and curvatures.
local({
  set.seed(1)
  ns <- 20
  d <- expand.grid(time = 0:20, subject = 1:ns)
  R <- matrix(c(1, -0.5, 0.3, -0.5, 1, -0.7, 0.3, -0.7, 1), 3)
  sds <- c(5, 0.9, 0.03)
  b <- MASS::mvrnorm(ns, c(0, 0, 0), diag(sds) %*% R %*% diag(sds))
  d$y <- round(50 + 2 * d$time - 0.05 * d$time^2 + b[d$subject, 1] + b[d$subject, 2] * d$time +
               b[d$subject, 3] * d$time^2 + rnorm(nrow(d), sd = 2), 4)
  write.csv(d[, c("subject", "time", "y")], quadratic_file, row.names = FALSE)
})

QUAD <- "y ~ time + I(time^2) + (time + I(time^2) | subject)"
cases <- list(
  list(id = "sleepstudy", data = file.path(SH, "sleepstudy.csv"), formula = "Reaction ~ Days + (Days | Subject)",
       factors = "Subject"),
  list(id = "Dyestuff", data = file.path(SH, "Dyestuff.csv"), formula = "Yield ~ 1 + (1 | Batch)"),
  list(id = "Penicillin", data = file.path(SH, "Penicillin.csv"), formula = "diameter ~ 1 + (1 | plate) + (1 | sample)"),
  list(id = "Pastes", data = file.path(SH, "Pastes.csv"), formula = "strength ~ 1 + (1 | batch/cask)"),
  list(id = "sim_vector", data = file.path(TD, "sim_vector.csv"), formula = "y ~ x1 + x2 + (1 + x1 + x2 | g)"),
  list(id = "quadratic_time", data = quadratic_file, formula = QUAD, factors = "subject")
)

summarise <- function(m) {
  oi <- m@optinfo
  list(theta = I(as.numeric(getME(m, "theta"))), fixef = as.list(fixef(m)), sigma = sigma(m),
       objective = as.numeric(if (isREML(m)) REMLcrit(m) else deviance(m)),
       evaluations = oi$feval, conv = oi$conv$opt, message = oi$message,
       messages = I(as.character(c(unlist(oi$warnings), unlist(oi$conv$lme4$messages)))))
}

fit_case <- function(cs, reml, optimizer, maxfun = NULL) {
  d <- read_data(cs$data, factors = if (is.null(cs$factors)) character() else cs$factors)
  ctrl <- if (optimizer == "nelder-mead") {
    lmerControl(optimizer = "Nelder_Mead", optCtrl = if (is.null(maxfun)) list() else list(maxfun = maxfun))
  } else lmerControl()
  m <- suppressWarnings(lmer(as.formula(cs$formula), data = d, REML = reml, control = ctrl))
  r <- summarise(m)
  cat(sprintf("%-16s %-5s %-11s %s obj %.10g evals %d\n", cs$id, if (reml) "REML" else "ML", optimizer,
              if (is.null(maxfun)) "" else maxfun, r$objective, r$evaluations))
  out <- list(id = paste0(cs$id, if (reml) "_REML" else "_ML", if (optimizer == "nelder-mead") "_NM" else "_BOBYQA",
                          if (is.null(maxfun)) "" else paste0("_max", maxfun)),
              data = cs$data, factors = I(if (is.null(cs$factors)) character() else cs$factors),
              formula = cs$formula, reml = reml, optimizer = optimizer,
              max_evaluations = if (is.null(maxfun)) NULL else maxfun, result = r)
  if (cs$id == "quadratic_time" && optimizer == "bobyqa") {
    a <- suppressWarnings(update(m, start = getME(m, "theta"),
                                 control = lmerControl(optimizer = "bobyqa", optCtrl = list(rhobeg = 1e-2, rhoend = 1e-10))))
    b <- suppressWarnings(update(m, control = lmerControl(optCtrl = list(xtol_rel = 1e-12, ftol_abs = 1e-14, xtol_abs = 1e-12))))
    best <- if (summarise(a)$objective <= summarise(b)$objective) a else b
    out$reference <- summarise(best)
    cat(sprintf("  reference objective %.10g (lme4's default stops %.4g above it)\n", out$reference$objective,
                r$objective - out$reference$objective))
  }
  out
}

out <- list()
for (cs in cases) for (reml in c(TRUE, FALSE)) out[[length(out) + 1]] <- fit_case(cs, reml, "nelder-mead")
out[[length(out) + 1]] <- fit_case(cases[[1]], TRUE, "nelder-mead", maxfun = 20)
for (reml in c(TRUE, FALSE)) out[[length(out) + 1]] <- fit_case(cases[[6]], reml, "bobyqa")

writeLines(toJSON(as_json_num(out), digits = NA, auto_unbox = TRUE, null = "null", json_verbatim = TRUE,
                  pretty = TRUE),
           file.path("tests", "golden", "lme4_optimizer.json"))
