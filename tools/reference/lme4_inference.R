# Produce lme4 / lmerTest reference ("golden") values for the inference
# features: anova() likelihood-ratio tables, profile and Wald confidence
# intervals (and the profiles themselves), Satterthwaite degrees of freedom
# (lmerTest), conditional variances of the random effects, coef() and
# predict() with new data.
#
# Usage (from the repository root):
#   Rscript tools/reference/lme4_inference.R
#
# Writes
#   tests/golden/lme4_inference.json     one JSON object with the keys
#       anova, confint_profile, profiles, confint_wald, satterthwaite,
#       ranef_condvar, coef, predict, fitted_residuals, meta
#   tests/golden/anova_M14_M17_M16.txt   print(anova(M14, M17, M16))
#   tests/golden/anova_sleep.txt         print(anova(sleep0, sleepstudy))
#   tests/data/newdata_sleepstudy.csv    new data for predict() (created here,
#   tests/data/newdata_classroom.csv      deterministically, then read back
#   tests/data/newdata_mathach.csv        like any other data file)
#
# Data handling, identical to tools/reference/lme4_goldens.R and mirrored by
# the C++ side:
#   * every CSV is read with read.csv(file, stringsAsFactors = TRUE)
#     (defaults otherwise: quoted numbers become numeric, text -> factor,
#     "NA" and empty numeric fields -> NA);
#   * joins are left joins on a key that is unique in the right-hand table,
#     keeping the row order (and factor levels) of the left table;
#   * columns listed in `factors` are then converted with factor();
#   * rows with NA in any model variable are dropped by lmer's default
#     na.action = na.omit.
# New data for predict() are read the same way (read.csv with
# stringsAsFactors = TRUE, then factor() on the grouping columns and on
# himinty); predict() is called with allow.new.levels = TRUE (re.form
# default, "full") and with re.form = NA; its default na.action = na.pass
# gives NA (JSON null) for the row with a missing Days.
# Only lme4 is attached; lmerTest is used through lmerTest::lmer() so that
# lmer() is lme4::lmer() everywhere else.  All lme4 fits use REML (the
# default) unless stated.  Profile intervals use the default
# oldNames = TRUE names (.sig01, ..., .sigma).

options(warn = 1)
suppressPackageStartupMessages(library(lme4))
library(jsonlite)
source(file.path("tools", "reference", "common.R"))

t_start <- proc.time()[["elapsed"]]
golden_dir <- file.path("tests", "golden")
data_dir <- file.path("tests", "data")
dir.create(golden_dir, showWarnings = FALSE, recursive = TRUE)
dir.create(data_dir, showWarnings = FALSE, recursive = TRUE)
SH <- "../shared/data"

## ---------------------------------------------------------------------------

## ---------------------------------------------------------------------------
## data loading (copied from lme4_goldens.R)


## ---------------------------------------------------------------------------
## helpers

## run expr, collecting warnings and messages (muffled) and errors
capture_all <- function(expr) {
  warns <- character(); msgs <- character()
  t0 <- proc.time()[["elapsed"]]
  val <- tryCatch(
    withCallingHandlers(expr,
      warning = function(w) {
        warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning")
      },
      message = function(m) {
        msgs <<- c(msgs, sub("\n$", "", conditionMessage(m)))
        invokeRestart("muffleMessage")
      }),
    error = function(e) e)
  el <- proc.time()[["elapsed"]] - t0
  err <- NULL
  if (inherits(val, "error")) { err <- conditionMessage(val); val <- NULL }
  list(value = val, warnings = warns, messages = msgs, error = err, seconds = el)
}

## numeric -> plain double (so that length-1 values stay JSON scalars and NA
## becomes null); keeps integers as doubles for uniform parsing
num <- function(x) as.numeric(x)

## data sets, each bound in fit_env under the name lme4 prints in "Data:"
fit_env <- new.env()
jn_school <- list(list(file = file.path(SH, "mathachieveschool.csv"), by = "school"))
assign("mathach_df2", read_data(file.path(SH, "mathachieve.csv"), jn_school, "himinty"), fit_env)
assign("classroom_df", read_data(file.path(SH, "classroom.csv"),
                                 factors = c("classid", "schoolid", "classid2")), fit_env)
assign("sleepstudy", read_data(file.path(SH, "sleepstudy.csv"), factors = "Subject"), fit_env)
assign("Dyestuff", read_data(file.path(SH, "Dyestuff.csv")), fit_env)
assign("Penicillin", read_data(file.path(SH, "Penicillin.csv")), fit_env)
# cake.csv: replicate is numeric -> factor; recipe is text -> factor;
# temp (and temperature) stay numeric as read.csv gives them
assign("cake", read_data(file.path(SH, "cake.csv"), factors = "replicate"), fit_env)
stopifnot(is.numeric(fit_env$cake$temp), is.factor(fit_env$cake$recipe))

## model table: name -> formula, data name
specs <- list(
  M_base     = list(f = "mathach ~ ses + (ses | school)", d = "mathach_df2"),
  M_glp2     = list(f = "mathach ~ ses + himinty + ses:himinty + (ses | school)", d = "mathach_df2"),
  M14        = list(f = "mathscore ~ ses + (ses | schoolid)", d = "classroom_df"),
  M16        = list(f = "mathscore ~ ses + (ses | schoolid) + (ses || classid)", d = "classroom_df"),
  M17        = list(f = "mathscore ~ ses + (ses | schoolid) + (1 | classid)", d = "classroom_df"),
  sleepstudy = list(f = "Reaction ~ Days + (Days | Subject)", d = "sleepstudy"),
  sleep0     = list(f = "Reaction ~ Days + (1 | Subject)", d = "sleepstudy"),
  Dyestuff   = list(f = "Yield ~ 1 + (1 | Batch)", d = "Dyestuff"),
  Penicillin = list(f = "diameter ~ 1 + (1 | plate) + (1 | sample)", d = "Penicillin"),
  cake       = list(f = "angle ~ recipe * temp + (1 | recipe:replicate)", d = "cake")
)

## fit as if typed at the prompt: lmer(<formula>, data = <name>[, REML = FALSE])
fit_model <- function(name, reml = TRUE, fun = "lmer") {
  s <- specs[[name]]
  txt <- sprintf("%s(%s, data = %s%s)", fun, s$f, s$d,
                 if (reml) "" else ", REML = FALSE")
  r <- capture_all(eval(str2lang(txt), fit_env))
  if (!is.null(r$error)) stop(name, ": ", r$error)
  if (length(r$warnings) || length(r$messages))
    cat(sprintf("fit %s (%s): %s\n", name, fun,
                paste(c(r$warnings, r$messages), collapse = " | ")))
  r$value
}

models <- list()
for (nm in names(specs)) models[[nm]] <- fit_model(nm)
cat(sprintf("fits done (%.1f s)\n", proc.time()[["elapsed"]] - t_start))

## environment in which model objects carry their project names (for anova
## row names); parent is fit_env, so the data remain reachable
model_env <- new.env(parent = fit_env)
for (nm in names(models)) assign(nm, models[[nm]], model_env)

out <- list()

## ---------------------------------------------------------------------------
## 1. anova (likelihood-ratio tests; REML fits are refitted by ML)

anova_case <- function(id, mnames, txt_file = NULL) {
  cl <- as.call(c(as.name("anova"), lapply(mnames, as.name)))
  r <- capture_all(eval(cl, model_env))
  if (!is.null(r$error)) stop("anova ", id, ": ", r$error)
  a <- r$value
  if (!is.null(txt_file)) {
    # printed with the message muffled (message goes to stderr anyway)
    op <- options(digits = 7, width = 80)
    writeLines(capture.output(print(a)), file.path(golden_dir, txt_file))
    options(op)
  }
  rn <- rownames(a)
  rows <- lapply(seq_along(rn), function(i) list(
    name = rn[i], formula = specs[[rn[i]]]$f,
    npar = num(a$npar[i]), AIC = num(a$AIC[i]), BIC = num(a$BIC[i]),
    logLik = num(a$logLik[i]), deviance = num(a$deviance[i]),
    Chisq = num(a$Chisq[i]), Df = num(a$Df[i]), p = num(a[["Pr(>Chisq)"]][i])))
  list(id = id, data_name = specs[[mnames[1]]]$d,
       models = lapply(mnames, function(n) list(
         name = n, formula = specs[[n]]$f, reml = isREML(models[[n]]))),
       rows = rows,
       refit_message = if (length(r$messages)) paste(r$messages, collapse = "\n") else NULL,
       warnings = I(r$warnings))
}
out$anova <- list(
  anova_case("M14_M17_M16", c("M14", "M17", "M16"), "anova_M14_M17_M16.txt"),
  anova_case("sleep", c("sleep0", "sleepstudy"), "anova_sleep.txt"),
  anova_case("glp", c("M_base", "M_glp2")))
cat(sprintf("anova done (%.1f s)\n", proc.time()[["elapsed"]] - t_start))

## ---------------------------------------------------------------------------
## 2. profile confidence intervals (+ stored profiles)

ci_records <- function(ci) {
  lapply(seq_len(nrow(ci)), function(i) list(
    name = rownames(ci)[i], lower = num(ci[i, 1]), upper = num(ci[i, 2])))
}

profiles <- list()
profile_records <- function(pr) {
  df <- as.data.frame(pr)
  par <- as.character(df$.par)
  val <- vapply(seq_len(nrow(df)), function(i) df[[par[i]]][i], 0)
  lapply(seq_len(nrow(df)), function(i) list(
    par = par[i], zeta = num(df$.zeta[i]), value = num(val[i])))
}

profile_case <- function(id, model, parm = NULL, level = 0.95, keep_profile = FALSE) {
  m <- models[[model]]
  r <- capture_all({
    if (keep_profile) {
      # exactly what confint.merMod(method = "profile") does for all parms
      pr <- profile(m, signames = TRUE)
      profiles[[model]] <<- profile_records(pr)
      confint(pr, level = level)
    } else if (is.null(parm)) {
      confint(m, level = level, method = "profile")
    } else {
      confint(m, parm = parm, level = level, method = "profile")
    }
  })
  # console: distinct warnings with counts (the JSON keeps the full list)
  tw <- table(factor(r$warnings, levels = unique(r$warnings)))
  cat(sprintf("confint profile %-22s %6.1f s%s%s\n", id, r$seconds,
              if (length(tw)) paste0(" warnings: ", paste(sprintf("%s (x%d)", names(tw), tw),
                                                           collapse = " | ")) else "",
              if (!is.null(r$error)) paste0(" ERROR: ", r$error) else ""))
  list(id = id, model = model, formula = specs[[model]]$f, parm = parm,
       level = num(level),
       intervals = if (is.null(r$value)) list() else ci_records(r$value),
       warnings = I(r$warnings), messages = I(r$messages), error = r$error,
       seconds = num(r$seconds), value = r$value)
}

cp <- list(
  profile_case("M_glp2_beta", "M_glp2", parm = "beta_"),
  profile_case("M17_all", "M17", keep_profile = TRUE),
  profile_case("sleepstudy_all", "sleepstudy", keep_profile = TRUE),
  profile_case("Dyestuff_all", "Dyestuff"),
  profile_case("Penicillin_all", "Penicillin"),
  profile_case("M_glp2_all", "M_glp2"),
  profile_case("sleepstudy_all_level90", "sleepstudy", level = 0.9),
  profile_case("M14_theta", "M14", parm = "theta_"))

## seed check: M_glp2 fixed-effect profile intervals
seed_ci <- cp[[1]]$value
print(seed_ci)
want <- rbind(c(12.739047, 13.56895697), c(2.269340, 2.82193860),
              c(-2.653663, -1.06338996), c(-1.071993, -0.07801305))
if (!identical(rownames(seed_ci), c("(Intercept)", "ses", "himinty1", "ses:himinty1")) ||
    !isTRUE(all(abs(unname(seed_ci) - want) < 1e-6)))
  stop("seed confint(M_glp2, parm = \"beta_\") does not reproduce -- stopping")
cat("seed check confint(M_glp2, beta_) OK\n")

out$confint_profile <- lapply(cp, function(x) { x$value <- NULL; x })
out$profiles <- profiles

## ---------------------------------------------------------------------------
## 3. Wald intervals (variance parameters NA -> null)

out$confint_wald <- lapply(c("M17", "M_glp2"), function(n) list(
  id = n, formula = specs[[n]]$f, level = num(0.95),
  intervals = ci_records(confint(models[[n]], method = "Wald"))))

## ---------------------------------------------------------------------------
## 4. Satterthwaite (lmerTest)

satt_case <- function(id, model, reml = TRUE) {
  m <- fit_model(model, reml = reml, fun = "lmerTest::lmer")
  stopifnot(inherits(m, "lmerModLmerTest"))
  cf <- summary(m, ddf = "Satterthwaite")$coefficients
  av <- anova(m)   # type III, Satterthwaite
  vv <- m@vcov_varpar
  list(
    id = id, model = model, formula = specs[[model]]$f, reml = reml,
    coefficients = lapply(seq_len(nrow(cf)), function(i) list(
      name = rownames(cf)[i], estimate = num(cf[i, "Estimate"]),
      se = num(cf[i, "Std. Error"]), df = num(cf[i, "df"]),
      t = num(cf[i, "t value"]), p = num(cf[i, "Pr(>|t|)"]))),
    anova_type = attr(av, "heading"),
    anova = lapply(seq_len(nrow(av)), function(i) list(
      term = rownames(av)[i], sumsq = num(av[i, "Sum Sq"]),
      meansq = num(av[i, "Mean Sq"]), numdf = num(av[i, "NumDF"]),
      dendf = num(av[i, "DenDF"]), F = num(av[i, "F value"]),
      p = num(av[i, "Pr(>F)"]))),
    varpar_vcov = lapply(seq_len(nrow(vv)), function(i) I(num(vv[i, ]))),
    theta = I(num(getME(m, "theta"))),
    sigma = num(sigma(m)))
}
out$satterthwaite <- list(
  satt_case("M_glp2", "M_glp2"),
  satt_case("M17", "M17"),
  satt_case("sleepstudy", "sleepstudy"),
  satt_case("cake", "cake"),
  satt_case("M_glp2_ML", "M_glp2", reml = FALSE))
cat(sprintf("satterthwaite done (%.1f s)\n", proc.time()[["elapsed"]] - t_start))

## ---------------------------------------------------------------------------
## 5. conditional modes with conditional SDs

out$ranef_condvar <- lapply(c("sleepstudy", "M17", "M_glp2", "Penicillin"), function(n) {
  df <- as.data.frame(ranef(models[[n]], condVar = TRUE))
  list(id = n, formula = specs[[n]]$f,
       rows = lapply(seq_len(nrow(df)), function(i) list(
         grpvar = as.character(df$grpvar[i]), term = as.character(df$term[i]),
         grp = as.character(df$grp[i]), condval = num(df$condval[i]),
         condsd = num(df$condsd[i]))))
})

## ---------------------------------------------------------------------------
## 6. coef()

co <- coef(models[["sleepstudy"]])
out$coef <- list(id = "sleepstudy", formula = specs$sleepstudy$f,
                 groups = lapply(co, function(df) {
                   g <- list(levels = I(rownames(df)))
                   for (term in names(df)) g[[term]] <- I(num(df[[term]]))
                   g
                 }))

## ---------------------------------------------------------------------------
## 7. predict with new data (files written deterministically, then read back)

nd_sleep <- data.frame(
  Days    = c(0L, 5L, 9L, 2L, 7L, 3L, 0L, 4L, 8L, 1L, 6L, NA),
  Subject = c(308L, 308L, 309L, 372L, 372L, 309L, 999L, 999L, 1000L, 1000L, 308L, 372L))
nd_class <- data.frame(
  ses      = c(0.46, -0.27, 1.2, -0.5, 0.1, 0.33, -1.1, 0.8),
  schoolid = c(1L, 1L, 2L, 3L, 2L, 2L, 999L, 999L),   # 999: new school
  classid  = c(160L, 217L, 197L, 11L, 211L, 998L, 999L, 1000L))  # 998: new class in school 2
nd_math <- data.frame(
  ses     = c(-1.528, 0.2, 0.9, -0.3, 0.0, 1.1, -0.75),
  school  = c("s1224", "s1224", "s1296", "s1308", "s9999", "s9998", "s1317"),
  himinty = c(0L, 0L, 1L, 0L, 1L, 0L, 1L))
f_sleep <- file.path(data_dir, "newdata_sleepstudy.csv")
f_class <- file.path(data_dir, "newdata_classroom.csv")
f_math  <- file.path(data_dir, "newdata_mathach.csv")
write.csv(nd_sleep, f_sleep, row.names = FALSE, na = "")
write.csv(nd_class, f_class, row.names = FALSE, na = "")
write.csv(nd_math,  f_math,  row.names = FALSE, na = "")

read_newdata <- function(file, factors) {
  x <- read.csv(file, stringsAsFactors = TRUE)
  for (f in factors) x[[f]] <- factor(x[[f]])
  x
}
pred_specs <- list(
  list(model = "sleepstudy", file = f_sleep, factors = "Subject"),
  list(model = "M17", file = f_class, factors = c("schoolid", "classid")),
  list(model = "M_glp2", file = f_math, factors = c("school", "himinty")))
out$predict <- list()
for (ps in pred_specs) {
  nd <- read_newdata(ps$file, ps$factors)
  m <- models[[ps$model]]
  p_full <- predict(m, newdata = nd, allow.new.levels = TRUE)
  p_fix <- predict(m, newdata = nd, re.form = NA)
  out$predict[[length(out$predict) + 1]] <- list(
    id = ps$model, formula = specs[[ps$model]]$f, newdata = ps$file,
    re_form = "full", values = I(num(p_full)))
  out$predict[[length(out$predict) + 1]] <- list(
    id = ps$model, formula = specs[[ps$model]]$f, newdata = ps$file,
    re_form = "NA", values = I(num(p_fix)))
}

out$fitted_residuals <- list(
  id = "sleepstudy", formula = specs$sleepstudy$f,
  fitted = I(num(head(fitted(models[["sleepstudy"]]), 10))),
  residuals = I(num(head(residuals(models[["sleepstudy"]]), 10))))

## ---------------------------------------------------------------------------
## 8. meta, write

out$meta <- list(
  R_version = R.version.string,
  lme4_version = as.character(packageVersion("lme4")),
  lmerTest_version = as.character(packageVersion("lmerTest")),
  Matrix_version = as.character(packageVersion("Matrix")),
  LC_COLLATE = Sys.getlocale("LC_COLLATE"),
  runtime_seconds = num(round(proc.time()[["elapsed"]] - t_start, 1)))

json_file <- file.path(golden_dir, "lme4_inference.json")
writeLines(toJSON(as_json_num(out), digits = NA, auto_unbox = TRUE, null = "null",
                  na = "null", json_verbatim = TRUE, pretty = TRUE),
           json_file)
chk <- fromJSON(json_file, simplifyVector = FALSE)
stopifnot(length(chk$confint_profile) == 8L)

cat(sprintf("\nwritten %s, total runtime %.1f s\n", json_file,
            proc.time()[["elapsed"]] - t_start))
