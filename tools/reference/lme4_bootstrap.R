# lme4's parametric bootstrap of M_base, summarized, for tests/bootstrap_test.cpp.
#
# Usage (from the repository root): Rscript tools/reference/lme4_bootstrap.R   (~3 minutes)
#
# Writes tests/golden/lme4_bootstrap.json: for each bootstrap statistic of lme4's
# confint(method = "boot") (.sig01, .sig02, .sig03, .sigma, fixed effects) the mean, standard
# deviation and 2.5% / 97.5% percentile limits (boot.ci type "perc") of nsim = 1000 bootMer
# replicates. R's random numbers cannot be reproduced in C++, so the test compares
# distributions within Monte Carlo error, not replicates.
suppressPackageStartupMessages(library(lme4))
library(jsonlite)

x <- read.csv("../shared/data/mathachieve.csv", stringsAsFactors = TRUE)
m <- lmer(mathach ~ ses + (ses | school), data = x)
nsim <- 1000
set.seed(20261121)
t0 <- proc.time()[["elapsed"]]
stat <- function(f) c(lme4:::Cv_to_Sv(f@theta, n = lengths(f@cnms), s = sigma(f)), fixef(f))
b <- bootMer(m, stat, nsim = nsim)
seconds <- proc.time()[["elapsed"]] - t0
names_ <- c(".sig01", ".sig02", ".sig03", ".sigma", names(fixef(m)))
ci <- confint(b, type = "perc")
out <- list(
  model = "mathach ~ ses + (ses | school)", nsim = nsim, seconds = seconds,
  failures = sum(!stats::complete.cases(b$t)),
  statistics = lapply(seq_along(names_), function(k) list(
    name = names_[k], mean = mean(b$t[, k]), sd = sd(b$t[, k]),
    lower = unname(ci[k, 1]), upper = unname(ci[k, 2]))),
  meta = list(R_version = R.version.string, lme4_version = as.character(packageVersion("lme4"))))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/golden/lme4_bootstrap.json")
cat("wrote tests/golden/lme4_bootstrap.json in", seconds, "s\n")
