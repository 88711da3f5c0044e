# Produce the lme4 reference ("golden") results used by the C++ tests.
#
# Usage (from the repository root, after tools/reference/simulate_data.R):
#   Rscript tools/reference/lme4_goldens.R
#
# Writes
#   tests/golden/lme4_fits.json      one JSON array of cases
#   tests/golden/lme4_meta.json      R / lme4 versions and collation locale
#   tests/golden/*_summary.txt, M_pracad_print.txt   printed lme4 output
#
# Data handling, mirrored by the C++ side:
#   * every CSV is read with read.csv(file, stringsAsFactors = TRUE)
#     (defaults otherwise: quoted numbers become numeric, text -> factor,
#     "NA" and empty numeric fields -> NA);
#   * joins are left joins on a key that is unique in the right-hand table,
#     keeping the row order (and factor levels) of the left table; this is
#     what merge(x, y, by = key, all.x = TRUE, sort = FALSE) gives after
#     restoring x's row order;
#   * columns listed in `factors` are then converted with factor();
#   * rows with NA in any model variable are dropped by lmer's default
#     na.action = na.omit.
# Only lme4 is attached (not lmerTest), so lmer() is lme4::lmer().

suppressPackageStartupMessages(library(lme4))
library(jsonlite)
source(file.path("tools", "reference", "common.R"))

t_start <- proc.time()[["elapsed"]]
golden_dir <- file.path("tests", "golden")
dir.create(golden_dir, showWarnings = FALSE, recursive = TRUE)
SH <- "../shared/data"

## ---------------------------------------------------------------------------

## ---------------------------------------------------------------------------
## data loading


## ---------------------------------------------------------------------------
## fitting with capture of messages / warnings

fit_lmer <- function(formula, data_name, reml, env) {
  msgs <- character(); warns <- character()
  cl <- bquote(lmer(.(as.formula(formula)), data = .(as.name(data_name)),
                    REML = .(reml)))
  m <- withCallingHandlers(
    eval(cl, env),
    warning = function(w) {
      warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning")
    },
    message = function(mm) {
      msgs <<- c(msgs, sub("\n$", "", conditionMessage(mm)))
      invokeRestart("muffleMessage")
    })
  list(model = m, messages = msgs, warnings = warns)
}

## ranef as {group: {term: [values], levels: [labels]}}
ranef_json <- function(m) {
  re <- ranef(m, condVar = FALSE)
  out <- list()
  for (g in names(re)) {
    df <- re[[g]]
    grp <- list()
    for (term in names(df)) grp[[term]] <- I(as.numeric(df[[term]]))
    grp[["levels"]] <- I(rownames(df))
    out[[g]] <- grp
  }
  out
}

result_of <- function(fit, reml, nrow_data, with_ranef) {
  m <- fit$model
  conv <- m@optinfo$conv
  lme4msgs <- as.character(unlist(conv$lme4$messages))
  messages <- unique(c(lme4msgs, fit$messages, fit$warnings))
  converged <- isTRUE(conv$opt == 0) && length(fit$warnings) == 0 &&
    length(m@optinfo$warnings) == 0 && is.null(conv$lme4$code)
  vc <- as.data.frame(VarCorr(m))
  vcl <- lapply(seq_len(nrow(vc)), function(i) list(
    grp = as.character(vc$grp[i]),
    var1 = as.character(vc$var1[i]),   # NA -> JSON null
    var2 = as.character(vc$var2[i]),
    vcov = vc$vcov[i], sdcor = vc$sdcor[i]))
  fe <- fixef(m)
  se <- sqrt(diag(as.matrix(vcov(m))))
  names(se) <- names(fe)
  res <- list(
    nobs = as.integer(nobs(m)),
    ngroups = as.list(ngrps(m)),
    objective = if (reml) REMLcrit(m) else deviance(m),
    loglik = as.numeric(logLik(m)),
    aic = AIC(m),
    bic = BIC(m),
    sigma = sigma(m),
    fixef = as.list(fe),
    fixef_se = as.list(se),
    theta = I(as.numeric(getME(m, "theta"))),
    varcorr = vcl,
    singular = isSingular(m),
    converged = converged,
    messages = I(messages),
    nobs_dropped = as.integer(nrow_data - nobs(m))
  )
  if (with_ranef) res$ranef <- ranef_json(m)
  res
}

## ---------------------------------------------------------------------------
## case table

jn_school <- list(list(file = file.path(SH, "mathachieveschool.csv"), by = "school"))

cases <- list()
add <- function(id, data, formula, factors = character(), join = list(),
                remls = c(TRUE, FALSE), ranef = FALSE, data_name = NULL) {
  for (r in remls) {
    cases[[length(cases) + 1]] <<- list(
      id = paste0(id, if (r) "_REML" else "_ML"), data = data, join = join,
      factors = factors, formula = formula, reml = r, ranef = ranef,
      data_name = data_name)
  }
}

MA <- file.path(SH, "mathachieve.csv")
add("M_base", MA, "mathach ~ ses + (ses | school)", "himinty", jn_school, data_name = "mathach_df2")
add("M_pracad", MA, "mathach ~ pracad + (pracad | school)", "himinty", jn_school, data_name = "mathach_df2")
add("M_glp", MA, "mathach ~ pracad + (1 | school)", "himinty", jn_school, data_name = "mathach_df2")
add("M_glp2", MA, "mathach ~ ses + himinty + ses:himinty + (ses | school)", "himinty", jn_school, data_name = "mathach_df2")
add("M_combined", MA, "mathach ~ ses + pracad + himinty + ses:himinty + (ses | school)", "himinty", jn_school, data_name = "mathach_df2")

CL <- file.path(SH, "classroom.csv"); CLf <- c("classid", "schoolid", "classid2")
add("M14", CL, "mathscore ~ ses + (ses | schoolid)", CLf, data_name = "classroom_df")
add("M15", CL, "mathscore ~ ses + (ses | schoolid) + (ses | classid)", CLf, data_name = "classroom_df")
add("M16", CL, "mathscore ~ ses + (ses | schoolid) + (ses || classid)", CLf, data_name = "classroom_df")
add("M17", CL, "mathscore ~ ses + (ses | schoolid) + (1 | classid)", CLf, ranef = TRUE, data_name = "classroom_df")
add("M18", CL, "mathscore ~ ses + (1 | schoolid/classid2)", CLf, data_name = "classroom_df")
add("M19", CL, "mathscore ~ ses + (1 | schoolid) + (1 | schoolid:classid2)", CLf, data_name = "classroom_df")
add("M20", CL, "mathscore ~ ses + (1 | schoolid) + (1 | classid)", CLf, data_name = "classroom_df")

SL <- file.path(SH, "sleepstudy.csv")
add("sleepstudy_corr", SL, "Reaction ~ Days + (Days | Subject)", "Subject", ranef = TRUE, data_name = "sleepstudy")
add("sleepstudy_uncorr", SL, "Reaction ~ Days + (Days || Subject)", "Subject", ranef = TRUE, data_name = "sleepstudy")
add("sleepstudy_split", SL, "Reaction ~ Days + (1 | Subject) + (0 + Days | Subject)", "Subject", ranef = TRUE, data_name = "sleepstudy")
add("Dyestuff", file.path(SH, "Dyestuff.csv"), "Yield ~ 1 + (1 | Batch)", ranef = TRUE)
add("Dyestuff2", file.path(SH, "Dyestuff2.csv"), "Yield ~ 1 + (1 | Batch)", ranef = TRUE)
add("Penicillin", file.path(SH, "Penicillin.csv"), "diameter ~ 1 + (1 | plate) + (1 | sample)", ranef = TRUE)
add("Pastes", file.path(SH, "Pastes.csv"), "strength ~ 1 + (1 | batch/cask)", ranef = TRUE)
add("cake", file.path(SH, "cake.csv"), "angle ~ recipe * temp + (1 | recipe:replicate)", "replicate")

TD <- file.path("tests", "data")
add("sim_crossed_x", file.path(TD, "sim_crossed.csv"), "y ~ x + cond + (1 + x | subj) + (1 | item)")
add("sim_crossed_cond", file.path(TD, "sim_crossed.csv"), "y ~ cond + (0 + cond | subj) + (1 | item)")
add("sim_missing_inter", file.path(TD, "sim_missing.csv"), "y ~ x1 * f + x2 + (x1 | g)")
add("sim_missing_transform", file.path(TD, "sim_missing.csv"), "y ~ 0 + f + I(x1^2) + log(x2) + (1 | g)")
add("sim_rankdef", file.path(TD, "sim_rankdef.csv"), "y ~ x1 + x2 + (1 | g)")
add("sim_vector", file.path(TD, "sim_vector.csv"), "y ~ x1 + x2 + (1 + x1 + x2 | g)", "g")

# InstEval last (slow), REML only, after the seed check below
add("InstEval", file.path(SH, "InstEval.csv"), "y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept)",
    c("s", "d", "dept", "service"), remls = TRUE)

## ---------------------------------------------------------------------------
## run

data_cache <- list()
get_data <- function(cs) {
  key <- paste(cs$data, paste(sapply(cs$join, `[[`, "file"), collapse = "+"),
               paste(cs$factors, collapse = ","), sep = "|")
  if (is.null(data_cache[[key]]))
    data_cache[[key]] <<- read_data(cs$data, cs$join, cs$factors)
  data_cache[[key]]
}

fit_env <- new.env()
models <- list()
out <- list()
problems <- character()
seed_checked <- FALSE

seed_check <- function() {
  fe <- fixef(models[["M_glp2_REML"]])
  got <- format(fe, digits = 7)
  want <- c("13.1542443", "2.5436697", "-1.8593332", "-0.5760956")
  cat("seed check fixef(M_glp2):", unname(got), "\n")
  cat("seed check REMLcrit(M_pracad):", format(REMLcrit(models[["M_pracad_REML"]]), nsmall = 2), "\n")
  ok1 <- isTRUE(all(abs(unname(fe) - as.numeric(want)) < 5e-8))
  ok2 <- isTRUE(round(REMLcrit(models[["M_pracad_REML"]]), 2) == 47016.62)
  if (!ok1 || !ok2) stop("seed numbers do not reproduce -- stopping")
  TRUE
}

for (cs in cases) {
  if (cs$id == "InstEval_REML" && !seed_checked) seed_checked <- seed_check()
  d <- get_data(cs)
  dn <- if (is.null(cs$data_name)) "df" else cs$data_name
  assign(dn, d, envir = fit_env)
  t0 <- proc.time()[["elapsed"]]
  fit <- tryCatch(fit_lmer(cs$formula, dn, cs$reml, fit_env),
                  error = function(e) e)
  el <- proc.time()[["elapsed"]] - t0
  if (inherits(fit, "error")) {
    problems <- c(problems, sprintf("%s: ERROR %s", cs$id, conditionMessage(fit)))
    cat(sprintf("%-28s ERROR %s\n", cs$id, conditionMessage(fit)))
    next
  }
  models[[cs$id]] <- fit$model
  res <- result_of(fit, cs$reml, nrow(d), cs$ranef)
  if (length(res$messages) || !res$converged)
    problems <- c(problems, sprintf("%s: converged=%s singular=%s messages: %s", cs$id,
                                    res$converged, res$singular,
                                    paste(res$messages, collapse = " | ")))
  cat(sprintf("%-28s %6.1fs obj=%.6f nobs=%d dropped=%d sing=%s conv=%s %s\n",
              cs$id, el, res$objective, res$nobs, res$nobs_dropped,
              res$singular, res$converged, paste(res$messages, collapse = " | ")))
  out[[length(out) + 1]] <- list(
    id = cs$id, data = cs$data,
    join = lapply(cs$join, function(j) list(file = j$file, by = j$by)),
    factors = I(cs$factors), formula = cs$formula, reml = cs$reml,
    result = res)
}

writeLines(toJSON(as_json_num(out), digits = NA, auto_unbox = TRUE, null = "null",
                  na = "null", json_verbatim = TRUE, pretty = TRUE),
           file.path(golden_dir, "lme4_fits.json"))

## ---------------------------------------------------------------------------
## printed output (default print precision: digits = 7, width = 80)

op <- options(digits = 7, width = 80)
writeLines(capture.output(summary(models[["M_glp2_REML"]])),
           file.path(golden_dir, "M_glp2_summary.txt"))
writeLines(capture.output(print(models[["M_pracad_REML"]])),
           file.path(golden_dir, "M_pracad_print.txt"))
writeLines(capture.output(summary(models[["M17_REML"]])),
           file.path(golden_dir, "M17_summary.txt"))
writeLines(capture.output(summary(models[["M16_REML"]])),
           file.path(golden_dir, "M16_summary.txt"))
writeLines(capture.output(summary(models[["sleepstudy_corr_REML"]])),
           file.path(golden_dir, "sleepstudy_summary.txt"))
# No fixed effects: lme4 reports the fit as one by maximum likelihood (the REML criterion is
# then the deviance).
Dyestuff <- read.csv(file.path(SH, "Dyestuff.csv"), stringsAsFactors = TRUE)
writeLines(capture.output(summary(lmer(Yield ~ 0 + (1 | Batch), Dyestuff))),
           file.path(golden_dir, "Dyestuff_no_fixef_summary.txt"))
options(op)

meta <- list(
  R_version = R.version.string,
  lme4_version = as.character(packageVersion("lme4")),
  Matrix_version = as.character(packageVersion("Matrix")),
  nloptr_version = as.character(packageVersion("nloptr")),
  LC_COLLATE = Sys.getlocale("LC_COLLATE"),
  n_cases = length(out)
)
writeLines(toJSON(meta, auto_unbox = TRUE, pretty = TRUE),
           file.path(golden_dir, "lme4_meta.json"))

cat(sprintf("\n%d cases written, total runtime %.1f s\n", length(out),
            proc.time()[["elapsed"]] - t_start))
if (length(problems)) {
  cat("Cases with messages/warnings:\n")
  cat(paste0("  ", problems, "\n"), sep = "")
}
