# lme4's fits with prior weights and offsets: the reference for tests/prior_weights_test.cpp.
#
# Usage (from the repository root): Rscript tools/reference/lme4_weights.R
#
# Writes tests/data/weights_*.csv (public data sets with derived weight and offset columns, no
# random numbers) and tests/golden/lme4_weights.json: per case the formula, lmer's weights and
# offset columns, REML or ML, and lme4's theta, fixed effects and their standard errors, sigma,
# the objective (REML criterion or deviance), logLik, AIC, BIC, the scaled residuals' quantiles,
# the first fitted values, predictions on the first rows as new data, and (REML) lmerTest's
# Satterthwaite degrees of freedom.
suppressPackageStartupMessages({ library(lme4); library(jsonlite) })
# lmerTest is used through lmerTest::as_lmerModLmerTest only (lmer() stays lme4's).
source(file.path("tools", "reference", "common.R"))

data_dir <- file.path("tests", "data")
write_data <- function(d, name) {
  path <- file.path(data_dir, paste0("weights_", name, ".csv"))
  write.csv(d, path, row.names = FALSE)
  read.csv(path, stringsAsFactors = TRUE)  # as the tests read it
}

sleep <- sleepstudy
sleep$w <- (sleep$Days + 1) / 4          # later days weigh more
sleep$o <- 2 * sleep$Days                # a known trend
sleep <- write_data(sleep, "sleepstudy")

ortho <- as.data.frame(nlme::Orthodont)
ortho$Subject <- as.character(ortho$Subject)
ortho$w <- 14 / ortho$age
ortho <- write_data(ortho, "orthodont")

pen <- as.data.frame(Penicillin)
pen$w <- ifelse(as.integer(pen$sample) %% 2 == 0, 2, 0.5)
pen$o <- as.integer(pen$plate) / 10
pen <- write_data(pen, "penicillin")

cases <- list(
  list(id = "sleep_w", data = "sleepstudy", f = "Reaction ~ Days + (Days | Subject)", weights = "w", offset = ""),
  list(id = "sleep_o", data = "sleepstudy", f = "Reaction ~ Days + (Days | Subject)", weights = "", offset = "o"),
  list(id = "sleep_fo", data = "sleepstudy", f = "Reaction ~ Days + offset(o) + (Days | Subject)", weights = "w", offset = ""),
  list(id = "ortho_w", data = "orthodont", f = "distance ~ age + Sex + offset(log(age)) + (1 | Subject)", weights = "w", offset = ""),
  list(id = "pen_wo", data = "penicillin", f = "diameter ~ 1 + (1 | plate) + (1 | sample)", weights = "w", offset = "o"))
frames <- list(sleepstudy = sleep, orthodont = ortho, penicillin = pen)

fit_case <- function(cs, reml) {
  d <- frames[[cs$data]]
  # The call a user writes, lmer(f, data = d, weights = w, offset = o), with the columns by name.
  cl <- bquote(lmer(.(as.formula(cs$f)), data = d, REML = .(reml)))
  if (nzchar(cs$weights)) cl$weights <- as.name(cs$weights)
  if (nzchar(cs$offset)) cl$offset <- as.name(cs$offset)
  m <- suppressMessages(eval(cl))
  newdata <- d[1:6, ]
  # lmerTest's Satterthwaite df of each coefficient (REML fits, as lmerTest's summary).
  df <- if (reml) unname(coef(summary(lmerTest::as_lmerModLmerTest(m)))[, "df"]) else numeric()
  list(id = paste0(cs$id, if (reml) "_reml" else "_ml"), data = paste0("tests/data/weights_", cs$data, ".csv"),
       formula = cs$f, weights = cs$weights, offset = cs$offset, reml = reml,
       theta = I(unname(getME(m, "theta"))), fixef_names = I(names(fixef(m))), fixef = I(unname(fixef(m))),
       fixef_se = I(unname(sqrt(diag(as.matrix(vcov(m)))))), sigma = sigma(m),
       objective = if (reml) unname(getME(m, "devcomp")$cmp["REML"]) else unname(deviance(m)),
       loglik = as.numeric(logLik(m)), aic = AIC(m), bic = BIC(m),
       scaled_residual_quantiles = I(unname(quantile(residuals(m, type = "pearson", scaled = TRUE)))),
       fitted_head = I(unname(head(fitted(m), 6))),
       predict_newdata = I(unname(predict(m, newdata = newdata))),
       predict_newdata_fixed = I(unname(predict(m, newdata = newdata, re.form = NA))),
       satterthwaite_df = I(df))
}

out <- list()
for (cs in cases) for (reml in c(TRUE, FALSE)) out[[length(out) + 1]] <- fit_case(cs, reml)
writeLines(toJSON(as_json_num(out), auto_unbox = TRUE, pretty = TRUE, digits = NA, json_verbatim = TRUE),
           file.path("tests", "golden", "lme4_weights.json"))
cat("wrote", length(out), "cases\n")
