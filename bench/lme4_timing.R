# lme4_timing.R: times lme4's lmer() (or confint()) on one benchmark case.
#
# Usage (from the repository root, as bench/run.sh calls it):
#   Rscript bench/lme4_timing.R --formula FORMULA --data FILE [--join FILE --by COL]...
#           [--factor A,B] [--ml] [--runs K] [--budget SECONDS] [--confint]
#
# Reads the data as tools/reference/common.R's read_data() does (read.csv with
# stringsAsFactors = TRUE, left joins, factor() on --factor columns), then times only the
# lmer() call with system.time(), up to K times, stopping early once the runs so far took more
# than the budget (at least one run). With --confint, the lmer() fit is done once and the timed
# call is confint(m) (profile intervals for all parameters, lme4's default). Prints key=value
# lines: n, runs, lme4_s (median elapsed seconds), objective (REMLcrit, or the deviance with
# --ml, to 17 digits), messages (count of messages and warnings), message (the first one's
# text, when there is one), and with --confint one
# `ci NAME LOWER UPPER` line per interval.

suppressPackageStartupMessages(library(lme4))
source(file.path("tools", "reference", "common.R"))

args <- commandArgs(trailingOnly = TRUE)
opt <- list(formula = NULL, data = NULL, join = character(), by = character(), factor = character(),
            ml = FALSE, runs = 5L, budget = 60, confint = FALSE)
i <- 1L
while (i <= length(args)) {
  a <- args[i]
  value <- function() {
    if (i + 1L > length(args)) stop("missing value after ", a)
    args[i + 1L]
  }
  switch(a,
    "--formula" = { opt$formula <- value(); i <- i + 1L },
    "--data" = { opt$data <- value(); i <- i + 1L },
    "--join" = { opt$join <- c(opt$join, value()); i <- i + 1L },
    "--by" = { opt$by <- c(opt$by, value()); i <- i + 1L },
    "--factor" = { opt$factor <- strsplit(value(), ",", fixed = TRUE)[[1]]; i <- i + 1L },
    "--ml" = { opt$ml <- TRUE },
    "--runs" = { opt$runs <- as.integer(value()); i <- i + 1L },
    "--budget" = { opt$budget <- as.numeric(value()); i <- i + 1L },
    "--confint" = { opt$confint <- TRUE },
    stop("unknown argument ", a))
  i <- i + 1L
}
if (is.null(opt$formula) || is.null(opt$data)) stop("--formula and --data are required")
if (length(opt$join) != length(opt$by)) stop("each --join needs one --by")

joins <- Map(function(f, b) list(file = f, by = b), opt$join, opt$by)
d <- read_data(opt$data, unname(joins), opt$factor)
formula <- as.formula(opt$formula)

n_messages <- 0L
texts <- character()
note <- function(cnd) {
  n_messages <<- n_messages + 1L
  texts <<- union(texts, trimws(gsub("[[:space:]]+", " ", conditionMessage(cnd))))
}
quietly <- function(expr) withCallingHandlers(expr,
  warning = function(w) { note(w); invokeRestart("muffleWarning") },
  message = function(m) { note(m); invokeRestart("muffleMessage") })
fit <- function() quietly(lmer(formula, data = d, REML = !opt$ml))

times <- numeric()
started <- proc.time()[["elapsed"]]
if (opt$confint) {
  m <- fit()
  repeat {
    el <- system.time(ci <- quietly(confint(m)))[["elapsed"]]
    times <- c(times, el)
    if (length(times) >= opt$runs || proc.time()[["elapsed"]] - started > opt$budget) break
  }
} else {
  repeat {
    el <- system.time(m <- fit())[["elapsed"]]
    times <- c(times, el)
    if (length(times) >= opt$runs || proc.time()[["elapsed"]] - started > opt$budget) break
  }
}

cat(sprintf("n=%d\nruns=%d\nlme4_s=%.6f\n", nobs(m), length(times), median(times)))
cat(sprintf("objective=%.17g\n", if (opt$ml) deviance(m) else REMLcrit(m)))
cat(sprintf("messages=%d\n", n_messages))
if (length(texts) > 0) cat(sprintf("message=%s\n", texts[1]))
if (opt$confint)
  for (k in seq_len(nrow(ci)))
    cat(sprintf("ci %s %.10g %.10g\n", rownames(ci)[k], ci[k, 1], ci[k, 2]))
