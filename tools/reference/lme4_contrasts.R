# lme4's fits with each kind of contrasts (treatment with a chosen baseline, sum, helmert, SAS,
# poly for ordered factors, C(f, kind) in the formula), for tests/contrasts_test.cpp.
#
# Usage (from the repository root): Rscript tools/reference/lme4_contrasts.R
#
# Writes tests/data/{oats,Machines,ChickWeight}.csv (public data sets: MASS::oats, nlme::Machines,
# datasets::ChickWeight), then reads them back as lmm reads them (read.csv, stringsAsFactors =
# TRUE) and fits each case with lme4 1.1-31; lmerTest 3.1-3 gives the type III anova tables.
# Each case records the lmm CLI arguments that express the same model:
#   --levels COL=L1,...  -> factor(x, levels = c(L1, ...))
#   --ordered COL        -> ordered(x) (kept level order; contr.poly by R's default options)
#   --contrasts COL=KIND -> contrasts(d$COL) <- "contr.KIND" (an attribute of the data's column:
#                           it codes the factor in random-effects terms too, where lmer's
#                           contrasts = list(...) argument reaches the fixed effects only)
# Writes tests/golden/lme4_contrasts.json: the cases, and R's contr.* matrices for 2..8 levels.

suppressPackageStartupMessages({
  library(lme4)
  library(jsonlite)
})
source(file.path("tools", "reference", "common.R"))

write_data <- function(d, name) {
  path <- file.path("tests", "data", paste0(name, ".csv"))
  write.csv(d, path, row.names = FALSE)
  path
}
oats_file <- write_data(as.data.frame(MASS::oats), "oats")
machines_file <- write_data(data.frame(Worker = as.character(nlme::Machines$Worker),
                                       Machine = as.character(nlme::Machines$Machine),
                                       score = nlme::Machines$score), "Machines")
chick_file <- write_data(data.frame(weight = ChickWeight$weight, Time = ChickWeight$Time,
                                    Chick = as.character(ChickWeight$Chick),
                                    Diet = as.character(ChickWeight$Diet)), "ChickWeight")
newdata_file <- write_data(as.data.frame(MASS::oats)[c(1, 5, 22, 47, 60, 72), ], "newdata_oats")
chick_newdata_file <- write_data(read.csv(chick_file)[c(1, 100, 300, 500, 578), ], "newdata_ChickWeight")

## The CLI's codings applied to the data as read: --factor, --levels, --ordered (in that order).
coded_data <- function(file, factors = character(), levels = list(), ordered = character()) {
  d <- read.csv(file, stringsAsFactors = TRUE)
  for (f in factors) d[[f]] <- factor(d[[f]])
  for (f in names(levels)) d[[f]] <- factor(as.character(d[[f]]), levels = levels[[f]])
  for (f in ordered) d[[f]] <- factor(d[[f]], levels = levels(factor(d[[f]])), ordered = TRUE)
  d
}

cli_args <- function(file, factors, levels, ordered, contrasts) {
  args <- c("--data", file)
  for (f in factors) args <- c(args, "--factor", f)
  for (f in names(levels)) args <- c(args, "--levels", paste0(f, "=", paste(levels[[f]], collapse = ",")))
  for (f in ordered) args <- c(args, "--ordered", f)
  for (f in names(contrasts)) args <- c(args, "--contrasts", paste0(f, "=", contrasts[[f]]))
  args
}

fit_case <- function(id, formula, file, reml, factors = character(), levels = list(),
                     ordered = character(), contrasts = list(), type3 = FALSE, newdata = NULL) {
  d <- coded_data(file, factors, levels, ordered)
  for (f in names(contrasts)) contrasts(d[[f]]) <- paste0("contr.", contrasts[[f]])
  fit <- if (type3) lmerTest::lmer else lme4::lmer
  m <- withCallingHandlers(fit(as.formula(formula), data = d, REML = reml),
                           warning = function(w) stop(id, ": ", conditionMessage(w)))  # clean fits only
  beta <- fixef(m)
  out <- list(
    id = id, formula = formula, reml = reml,
    args = I(cli_args(file, factors, levels, ordered, contrasts)),
    fixef_names = I(names(beta)),
    fixef = I(unname(beta)),
    fixef_se = I(unname(sqrt(diag(as.matrix(vcov(m)))))),
    theta = I(unname(getME(m, "theta"))),
    sigma = sigma(m),
    objective = unname(m@devcomp$cmp[[if (reml) "REML" else "dev"]]),
    varcorr_names = I(unlist(lapply(VarCorr(m), function(v) colnames(v)))))
  if (type3) {
    a <- anova(m, type = 3)
    out$anova_type3 <- list(terms = I(rownames(a)), f = I(a[["F value"]]), numdf = I(a[["NumDF"]]),
                            dendf = I(a[["DenDF"]]))
  }
  if (!is.null(newdata)) {
    nd <- coded_data(newdata, factors, levels, ordered)  # lmm codes new data's columns alike
    out$predict <- list(newdata = newdata, fit = I(unname(predict(m, newdata = nd))))
  }
  out
}

V_order <- c("Victory", "Marvellous", "Golden.rain")
cases <- list(
  fit_case("oats_treatment_REML", "Y ~ V + N + (1 | B/V)", oats_file, TRUE),
  fit_case("oats_levels_ML", "Y ~ V + N + (1 | B/V)", oats_file, FALSE,
           levels = list(V = V_order, N = c("0.6cwt", "0.0cwt", "0.2cwt", "0.4cwt", "0.8cwt")),
           newdata = newdata_file),
  fit_case("oats_sum_poly_REML", "Y ~ V * N + (1 | B)", oats_file, TRUE, ordered = "N",
           contrasts = list(V = "sum"), type3 = TRUE, newdata = newdata_file),
  fit_case("oats_sum_poly_ML", "Y ~ V * N + (1 | B)", oats_file, FALSE, ordered = "N",
           contrasts = list(V = "sum")),
  fit_case("oats_treatment_type3_REML", "Y ~ V * N + (1 | B)", oats_file, TRUE, type3 = TRUE),
  fit_case("oats_helmert_SAS_REML", "Y ~ V + N + (1 | B/V)", oats_file, TRUE,
           contrasts = list(V = "helmert", N = "SAS"), type3 = TRUE),
  fit_case("oats_ordered_treatment_ML", "Y ~ N + (1 | B)", oats_file, FALSE, ordered = "N",
           contrasts = list(N = "treatment")),
  fit_case("oats_C_sum_REML", "Y ~ C(V, sum) + C(N, poly) + (1 | B)", oats_file, TRUE, newdata = newdata_file),
  fit_case("oats_C_helmert_ML", "Y ~ C(V, contr.helmert) + C(N, SAS) + (1 | B)", oats_file, FALSE),
  fit_case("machines_sum_slopes_REML", "score ~ Machine + (1 + Machine | Worker)", machines_file, TRUE,
           contrasts = list(Machine = "sum")),
  fit_case("machines_helmert_ML", "score ~ Machine + (1 | Worker) + (1 | Worker:Machine)", machines_file, FALSE,
           contrasts = list(Machine = "helmert")),
  fit_case("machines_poly_levels_REML", "score ~ Machine + (1 | Worker/Machine)", machines_file, TRUE,
           levels = list(Machine = c("C", "A", "B", "D")), ordered = "Machine"),
  fit_case("chick_helmert_slope_REML", "weight ~ Time + Time:Diet + (Time | Chick)", chick_file, TRUE,
           factors = "Diet", contrasts = list(Diet = "helmert"), type3 = TRUE),
  fit_case("chick_sum_margin_ML", "weight ~ Time:Diet + (1 | Chick)", chick_file, FALSE,
           factors = "Diet", contrasts = list(Diet = "sum")),
  fit_case("chick_C_sum_levels_REML", "weight ~ C(Diet, sum) + Time + (1 | Chick)", chick_file, TRUE,
           levels = list(Diet = c("4", "3", "2", "1")), newdata = chick_newdata_file),
  fit_case("chick_time_poly_ML", "weight ~ Diet + Time + (1 | Chick)", chick_file, FALSE,
           factors = c("Time", "Diet"), ordered = "Time", contrasts = list(Diet = "SAS"))
)

kinds <- c("treatment", "sum", "helmert", "SAS", "poly")
matrices <- list()
for (kind in kinds) {
  for (k in 2:8) {
    m <- get(paste0("contr.", kind))(k)
    matrices[[length(matrices) + 1]] <- list(kind = kind, levels = k, values = I(as.vector(m)))
  }
}
out <- list(r_version = R.version.string, lme4_version = as.character(packageVersion("lme4")),
            lmerTest_version = as.character(packageVersion("lmerTest")), cases = cases,
            contrast_matrices = matrices)
writeLines(toJSON(as_json_num(out), digits = NA, auto_unbox = TRUE, null = "null", json_verbatim = TRUE,
                  pretty = TRUE), file.path("tests", "golden", "lme4_contrasts.json"))
