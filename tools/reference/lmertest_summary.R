# Produce lmerTest's printed output ("golden" text) for the Satterthwaite
# tests: print(summary(m)) and print(anova(m)) of lmerTest::lmer() fits.
#
# Usage (from the repository root):
#   Rscript tools/reference/lmertest_summary.R
#
# Writes (default print precision: digits = 7, width = 80)
#   tests/golden/M_glp2_lmertest_summary.txt   print(summary(M_glp2))
#   tests/golden/M_glp2_lmertest_anova.txt     print(anova(M_glp2))
#   tests/golden/cake_lmertest_summary.txt     print(summary(cake))
#   tests/golden/cake_lmertest_anova.txt       print(anova(cake))
#   tests/golden/sleepstudy_lmertest_anova.txt print(anova(sleepstudy))
#
# Data handling is that of tools/reference/lme4_inference.R (read.csv with
# stringsAsFactors = TRUE, left joins keeping the left table's rows, factor()
# on the listed columns). Fits are made as if typed at the prompt, with
# lmerTest::lmer(<formula>, data = <name>), so that "Data:" shows the name.

options(warn = 1)
suppressPackageStartupMessages(library(lme4))
source(file.path("tools", "reference", "common.R"))

golden_dir <- file.path("tests", "golden")
dir.create(golden_dir, showWarnings = FALSE, recursive = TRUE)
SH <- "../shared/data"


fit_env <- new.env()
jn_school <- list(list(file = file.path(SH, "mathachieveschool.csv"), by = "school"))
assign("mathach_df2", read_data(file.path(SH, "mathachieve.csv"), jn_school, "himinty"), fit_env)
assign("sleepstudy", read_data(file.path(SH, "sleepstudy.csv"), factors = "Subject"), fit_env)
assign("cake", read_data(file.path(SH, "cake.csv"), factors = "replicate"), fit_env)

specs <- list(
  M_glp2     = list(f = "mathach ~ ses + himinty + ses:himinty + (ses | school)", d = "mathach_df2"),
  sleepstudy = list(f = "Reaction ~ Days + (Days | Subject)", d = "sleepstudy"),
  cake       = list(f = "angle ~ recipe * temp + (1 | recipe:replicate)", d = "cake")
)

fit_model <- function(name) {
  s <- specs[[name]]
  eval(str2lang(sprintf("lmerTest::lmer(%s, data = %s)", s$f, s$d)), fit_env)
}

write_printed <- function(x, file) {
  op <- options(digits = 7, width = 80)
  on.exit(options(op))
  writeLines(capture.output(print(x)), file.path(golden_dir, file))
}

for (nm in c("M_glp2", "cake")) {
  m <- fit_model(nm)
  write_printed(summary(m), paste0(nm, "_lmertest_summary.txt"))
  write_printed(anova(m), paste0(nm, "_lmertest_anova.txt"))
}
write_printed(anova(fit_model("sleepstudy")), "sleepstudy_lmertest_anova.txt")

cat(sprintf("lmerTest %s, lme4 %s: printed output written to %s\n",
            packageVersion("lmerTest"), packageVersion("lme4"), golden_dir))
