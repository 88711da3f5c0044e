# lme4's starting theta (what its optimizer starts from) for models of each kind: where every
# random-effects term is an intercept on its own grouping factor, mkLmerDevfun starts from the
# variances of the response's group means; elsewhere from 1 on diagonals and 0 elsewhere.
#
# Usage (from the repository root): Rscript tools/reference/lme4_start.R
# Writes tests/golden/lme4_start.json: for each case its data, joins, factors, formula and the
# start, environment(devfun)$pp$theta of lmer(..., devFunOnly = TRUE) (REML; the start does not
# depend on it).

suppressPackageStartupMessages(library(lme4))
library(jsonlite)
source(file.path("tools", "reference", "common.R"))

SH <- "../shared/data"
TD <- file.path("tests", "data")
jn_school <- list(list(file = file.path(SH, "mathachieveschool.csv"), by = "school"))
CL <- file.path(SH, "classroom.csv"); CLf <- c("classid", "schoolid", "classid2")

cases <- list(
  # every term an intercept on its own factor: the data-driven start
  list(id = "Dyestuff", data = file.path(SH, "Dyestuff.csv"), formula = "Yield ~ 1 + (1 | Batch)"),
  list(id = "Penicillin", data = file.path(SH, "Penicillin.csv"), formula = "diameter ~ 1 + (1 | plate) + (1 | sample)"),
  list(id = "Pastes", data = file.path(SH, "Pastes.csv"), formula = "strength ~ 1 + (1 | batch/cask)"),
  list(id = "cake", data = file.path(SH, "cake.csv"), formula = "angle ~ recipe * temp + (1 | recipe:replicate)",
       factors = "replicate"),
  list(id = "M_glp", data = file.path(SH, "mathachieve.csv"), formula = "mathach ~ pracad + (1 | school)",
       factors = "himinty", join = jn_school),
  list(id = "M18", data = CL, formula = "mathscore ~ ses + (1 | schoolid/classid2)", factors = CLf),
  list(id = "M19", data = CL, formula = "mathscore ~ ses + (1 | schoolid) + (1 | schoolid:classid2)", factors = CLf),
  list(id = "M20", data = CL, formula = "mathscore ~ ses + (1 | schoolid) + (1 | classid)", factors = CLf),
  list(id = "sim_missing_transform", data = file.path(TD, "sim_missing.csv"),
       formula = "y ~ 0 + f + I(x1^2) + log(x2) + (1 | g)"),
  list(id = "InstEval", data = file.path(SH, "InstEval.csv"),
       formula = "y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept)", factors = c("s", "d", "dept", "service")),
  # not that form: 1 on diagonals, 0 elsewhere
  list(id = "M17", data = CL, formula = "mathscore ~ ses + (ses | schoolid) + (1 | classid)", factors = CLf),
  list(id = "sleepstudy_split", data = file.path(SH, "sleepstudy.csv"),
       formula = "Reaction ~ Days + (1 | Subject) + (0 + Days | Subject)", factors = "Subject"),
  list(id = "slope_only", data = CL, formula = "mathscore ~ ses + (0 + ses | schoolid)", factors = CLf)
)

out <- lapply(cases, function(cs) {
  factors <- if (is.null(cs$factors)) character() else cs$factors
  join <- if (is.null(cs$join)) list() else cs$join
  d <- read_data(cs$data, join, factors)
  devfun <- lmer(as.formula(cs$formula), data = d, REML = TRUE, devFunOnly = TRUE)
  start <- environment(devfun)$pp$theta
  cat(sprintf("%-22s %s\n", cs$id, paste(format(start, digits = 17), collapse = " ")))
  list(id = cs$id, data = cs$data, join = lapply(join, function(j) list(file = j$file, by = j$by)),
       factors = I(factors), formula = cs$formula, start = I(as.numeric(start)))
})

writeLines(toJSON(as_json_num(out), digits = NA, auto_unbox = TRUE, null = "null", json_verbatim = TRUE,
                  pretty = TRUE),
           file.path("tests", "golden", "lme4_start.json"))
