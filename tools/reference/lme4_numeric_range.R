# lme4's answers when a constant is added to the response or to a predictor, and when the
# predictors' scales are far apart (issue 18, numerically sound crossproducts).
#
# Usage (from the repository root):
#   Rscript tools/reference/lme4_numeric_range.R
#
# Writes
#   tests/data/sim_range.csv               the base data (simulated here, fixed seed)
#   tests/golden/lme4_numeric_range.json   one case per (model, transformation, criterion)
#
# Each transformation is applied to the columns as read back from the CSV, in double
# arithmetic (x + c, x * s), which the C++ test repeats to the bit.

suppressPackageStartupMessages(library(lme4))
library(jsonlite)
source(file.path("tools", "reference", "common.R"))

## ---------------------------------------------------------------------------
## sim_range.csv: 40 groups of 3 to 12 rows, two numeric predictors (x fixed only, z also a
## random slope), response of unit-size noise around a linear predictor.
set.seed(20261202)
ng <- 40
sizes <- sample(3:12, ng, replace = TRUE)
g <- rep(sprintf("g%02d", seq_len(ng)), sizes)
n <- length(g)
x <- round(rnorm(n, 2, 1.5), 3)
z <- round(runif(n, -1, 1), 3)
gi <- match(g, unique(g))
b0 <- rnorm(ng, sd = 1.2); b1 <- rnorm(ng, sd = 0.7)
y <- round(3 + 0.8 * x - 1.1 * z + b0[gi] + b1[gi] * z + rnorm(n), 4)
write.csv(data.frame(y = y, x = x, z = z, g = g), file.path("tests", "data", "sim_range.csv"),
          row.names = FALSE)
d0 <- read.csv(file.path("tests", "data", "sim_range.csv"), stringsAsFactors = TRUE)

## ---------------------------------------------------------------------------
models <- list(
  intercept = "y ~ x + (1 | g)",
  slope = "y ~ x + z + (z | g)"
)
transforms <- list()
for (k in c(1e4, 1e6, 1e8, 1e12)) {
  transforms[[length(transforms) + 1]] <- list(id = sprintf("y_plus_%g", k), column = "y", shift = k, scale = 1)
  transforms[[length(transforms) + 1]] <- list(id = sprintf("x_plus_%g", k), column = "x", shift = k, scale = 1)
}
transforms <- c(list(list(id = "none", column = "x", shift = 0, scale = 1)), transforms,
                list(list(id = "x_times_1e-8", column = "x", shift = 0, scale = 1e-8),
                     list(id = "x_times_1e8", column = "x", shift = 0, scale = 1e8)))

fit_case <- function(formula, data, reml) {
  warns <- character(); msgs <- character()
  m <- withCallingHandlers(
    lmer(as.formula(formula), data = data, REML = reml),
    warning = function(w) { warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning") },
    message = function(mm) { msgs <<- c(msgs, sub("\n$", "", conditionMessage(mm))); invokeRestart("muffleMessage") })
  fe <- fixef(m)
  se <- sqrt(diag(as.matrix(vcov(m))))
  list(objective = if (reml) REMLcrit(m) else deviance(m), sigma = sigma(m),
       theta = I(as.numeric(getME(m, "theta"))), fixef = as.list(fe),
       fixef_se = as.list(setNames(se, names(fe))),
       messages = I(unique(c(as.character(unlist(m@optinfo$conv$lme4$messages)), msgs, warns))))
}

# The response on the right-hand side: R's model.matrix drops a term that is the response alone
# (with two warnings) and keeps interactions with it, named with the response first.
untransformed_only <- list(response_term = "y ~ y + (1 | g)", response_interaction = "y ~ z + x * y + (1 | g)")
models <- c(models, untransformed_only)

cases <- list()
for (mid in names(models)) for (t in transforms) for (reml in c(TRUE, FALSE)) {
  if (mid %in% names(untransformed_only) && t$id != "none") next
  d <- d0
  d[[t$column]] <- d[[t$column]] * t$scale + t$shift
  res <- fit_case(models[[mid]], d, reml)
  cases[[length(cases) + 1]] <- list(
    id = paste(mid, t$id, if (reml) "REML" else "ML", sep = "_"), formula = models[[mid]],
    column = t$column, shift = t$shift, scale = t$scale, reml = reml, result = res)
}
out <- toJSON(as_json_num(cases), auto_unbox = TRUE, pretty = TRUE, digits = NA, json_verbatim = TRUE)
writeLines(out, file.path("tests", "golden", "lme4_numeric_range.json"))
cat(sprintf("%d cases; lme4 %s, R %s\n", length(cases), packageVersion("lme4"), getRversion()))
