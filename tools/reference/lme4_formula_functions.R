# lme4's answers for formulas that use R's functions and operators (issue 20): fits whose fixed
# and random parts use log(x, base = ), %%, comparisons, factor(x, levels = ), relevel(),
# dummy(), as.numeric(), ...; model.matrix's column names for a list of right-hand sides; and
# the element-wise values R gives for a list of expressions.
#
# Usage (from the repository root):
#   Rscript tools/reference/lme4_formula_functions.R
#
# Writes
#   tests/data/{Orthodont,BodyWeight,Oxboys,ChickWeight,CO2,sleepstudy,oats,elementwise}.csv
#   tests/data/newdata_functions_<data>.csv (every 9th row of each)
#   tests/golden/lme4_formula_functions.json

suppressPackageStartupMessages({
  library(lme4)
  library(jsonlite)
})
source(file.path("tools", "reference", "common.R"))

## ---------------------------------------------------------------------------
## the data, written once as read.csv reads them back (every fit below uses the read-back data)
data_file <- function(name) file.path("tests", "data", paste0(name, ".csv"))
public <- list(
  Orthodont = nlme::Orthodont, BodyWeight = nlme::BodyWeight, Oxboys = nlme::Oxboys,
  ChickWeight = datasets::ChickWeight, CO2 = datasets::CO2, sleepstudy = lme4::sleepstudy,
  oats = MASS::oats
)
for (name in names(public))
  write.csv(as.data.frame(public[[name]]), data_file(name), row.names = FALSE)
elementwise <- data.frame(
  x = c(-5.5, -3, -1, 0, 0.5, 1, 2.25, 3, 7, 10, NA, 1e10),
  y = c(2, 3, -2, 1, 0.2, 4, -1.5, 0, 3, 0.3, 1, 7),
  f = c("b", "a", "c", NA, "a", "b", "c", "a", "b", "c", "a", "b")
)
write.csv(elementwise, data_file("elementwise"), row.names = FALSE)

## ---------------------------------------------------------------------------
## fits
models <- list(
  list(id = "Orthodont_relevel", data = "Orthodont",
       formula = "distance ~ I(age - 11) + relevel(Sex, ref = \"Female\") + (I(age - 11) | Subject)"),
  list(id = "Orthodont_dummy", data = "Orthodont",
       formula = "distance ~ age + Sex + (0 + dummy(Sex, \"Female\") | Subject)"),
  list(id = "BodyWeight_levels", data = "BodyWeight",
       formula = "weight ~ I(Time/7) + factor(Diet, levels = c(3, 1, 2)) + (I(Time/7) | Rat)"),
  list(id = "BodyWeight_drop", data = "BodyWeight",
       formula = "weight ~ Time + factor(Diet, levels = c(2, 3)) + (1 | Rat)"),
  list(id = "Oxboys_log_base", data = "Oxboys",
       formula = "height ~ log(age + 2, base = 2) + I(Occasion %% 3) + I(Occasion %/% 3) + (1 | Subject)"),
  list(id = "ChickWeight_logical", data = "ChickWeight",
       formula = "log(weight) ~ Time + I(Time > 10) + factor(Diet) + (1 + I(Time > 10) | Chick)"),
  list(id = "CO2_exp", data = "CO2",
       formula = "uptake ~ exp(-conc/250) + I(conc >= 500 & Type == \"Quebec\") + Treatment + (1 | Plant)"),
  list(id = "sleepstudy_trig", data = "sleepstudy",
       formula = "Reaction ~ sin(Days) + cos(Days) + abs(Days - 4.5) + log1p(Days) + (1 | Subject)"),
  list(id = "sleepstudy_comparison", data = "sleepstudy",
       formula = "Reaction ~ Days + I(!(Days > 3) & Days != 0) + (Days | Subject)"),
  list(id = "oats_as_numeric", data = "oats",
       formula = "Y ~ as.numeric(N) + V + (1 | B/V)")
)

# predict(fit, newdata, allow.new.levels = TRUE) on every 9th row of the data (written as newdata_functions_<data>.csv),
# for the REML fits: the functions evaluated again on new data.
predict_case <- function(m, fit, d) {
  nd_file <- data_file(paste0("newdata_functions_", m$data))
  write.csv(d[seq(1, nrow(d), by = 9), ], nd_file, row.names = FALSE)
  nd <- read_data(nd_file)
  list(newdata = nd_file, values = I(fmt_double(unname(predict(fit, newdata = nd, allow.new.levels = TRUE)))))
}

fit_case <- function(m, reml) {
  d <- read_data(data_file(m$data))
  fit <- lmer(as.formula(m$formula), data = d, REML = reml)
  vc <- as.data.frame(VarCorr(fit))
  list(
    id = paste0(m$id, if (reml) "_REML" else "_ML"),
    data = data_file(m$data),
    formula = m$formula,
    reml = reml,
    cli = c("fit", m$formula, "--data", data_file(m$data), if (!reml) "--ml", "--format", "json"),
    result = as_json_num(list(
      nobs = nobs(fit),
      objective = if (reml) fit@devcomp$cmp[["REML"]] else fit@devcomp$cmp[["dev"]],
      sigma = sigma(fit),
      theta = I(unname(getME(fit, "theta"))),
      fixef_names = I(names(fixef(fit))),
      fixef = I(unname(fixef(fit))),
      fixef_se = I(unname(sqrt(diag(as.matrix(vcov(fit)))))),
      varcorr_names = I(ifelse(is.na(vc$var1), "", vc$var1)),
      varcorr_sdcor = I(vc$sdcor)
    )),
    predict = if (reml) predict_case(m, fit, d)
  )
}
fits <- list()
for (m in models) for (reml in c(TRUE, FALSE)) { fits[[length(fits) + 1]] <- fit_case(m, reml) }

## ---------------------------------------------------------------------------
## model.matrix column names: right-hand sides on sleepstudy (Days, Subject) and Orthodont
names_cases <- list(
  list(data = "sleepstudy", rhs = c(
    "I(Days/100)", "exp(-Days/250)", "I(Days - 1)", "Days:Subject", "log(1 + Days)", "I(Days^2)",
    "log(Days + 1, base = 2)", "log(Days + 1, 2)", "I(Days > 2)", "Days > 2", "0 + I(Days > 2)",
    "I(Days %% 2)", "I(Days %/% 2)", "I(Days >= 2 & Days < 7)", "I(!(Days > 2))", "I(Days > 2 | Days < 1)",
    "I(pi * Days)", "sqrt(Days) + expm1(Days/10) + log2(Days + 1) + log10(Days + 1)",
    "factor(Days, levels = c(9, 0, 1, 2, 3, 4, 5, 6, 7, 8))", "as.numeric(Subject)")),
  list(data = "Orthodont", rhs = c(
    "factor(Sex, levels = c(\"Male\", \"Female\"))", "relevel(Sex, \"Female\")", "relevel(Sex, ref = 'Female')",
    "I(Sex == \"Male\")", "I(Sex != 'Male'):age", "I(age > 10):Sex"))
)
model_matrix_names <- list()
for (nc in names_cases) {
  d <- read_data(data_file(nc$data))
  for (rhs in nc$rhs)
    model_matrix_names[[length(model_matrix_names) + 1]] <- list(
      data = data_file(nc$data), rhs = rhs,
      names = I(colnames(model.matrix(as.formula(paste("~", rhs)), d))))
}

## ---------------------------------------------------------------------------
## element-wise values on elementwise.csv: numbers as "%.17g", or "NA", "NaN", "Inf", "-Inf";
## a logical as 0/1; a factor as its labels and levels
value_text <- function(v) {
  ifelse(is.na(v) & !is.nan(v), "NA",
         ifelse(is.nan(v), "NaN", ifelse(is.infinite(v), ifelse(v > 0, "Inf", "-Inf"), sprintf("%.17g", v))))
}
expressions <- c(
  "I(x %% 3)", "I(x %% -3)", "I(x %/% 3)", "I(x %/% -3)", "I(x %% 0.7)", "I(x %/% 0.7)", "I(x %% 0)",
  "I(x %/% 0)", "I(x %% y)", "I(x %/% y)", "I(-x %% 2)",
  "sin(x)", "cos(x)", "tan(x)", "exp(y)", "log(y)", "log(y, base = 2)", "log(y, 10)", "log2(y)", "log10(y)",
  "log1p(y)", "expm1(y)", "sqrt(y)", "abs(x)", "I(pi * y)",
  "I(x > 0)", "I(x <= 1)", "I(x == 3)", "I(x != 3)", "I(x >= y)", "I(x < y)",
  "I(x > 0 & y > 0)", "I(x > 0 | y > 0)", "I(!(x > 0))", "I(x > 0 & f == \"a\")", "I(x > 100 & f == \"a\")",
  "I(f == 'a' | x > 100)", "I(x > NA | y > 0)", "I(NA & y > 0)", "as.numeric(f)", "as.numeric(x)",
  "factor(f, levels = c(\"c\", \"a\"))", "relevel(f, \"c\")", "relevel(f, ref = \"b\")", "factor(x > 0)"
)
ed <- read.csv(data_file("elementwise"), stringsAsFactors = TRUE)
element_values <- list()
for (ex in expressions) {
  v <- suppressWarnings(eval(parse(text = ex)[[1]], ed, globalenv()))
  entry <- list(expression = ex)
  if (is.factor(v)) {
    entry$levels <- I(levels(v))
    entry$labels <- I(ifelse(is.na(v), "NA", as.character(v)))
  } else {
    entry$logical <- is.logical(v)
    entry$values <- I(value_text(as.numeric(v)))
  }
  element_values[[length(element_values) + 1]] <- entry
}

out <- list(
  lme4_version = as.character(packageVersion("lme4")),
  r_version = paste(R.version$major, R.version$minor, sep = "."),
  fits = fits, model_matrix_names = model_matrix_names, elementwise = element_values
)
writeLines(toJSON(out, auto_unbox = TRUE, pretty = TRUE, digits = NA, null = "null", json_verbatim = TRUE),
           file.path("tests", "golden", "lme4_formula_functions.json"))
