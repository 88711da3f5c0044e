# Simulate the small test data sets in tests/data/ used by the lme4 golden
# cases (tools/reference/lme4_goldens.R).
#
# Usage (from the repository root):
#   Rscript tools/reference/simulate_data.R
#
# Every data set uses its own fixed seed so that the files are reproducible
# independently of each other.  Numeric values are rounded so that the CSV
# text is short and parses back to exactly the value R used (the goldens are
# always fitted from the re-read CSV, never from the in-memory objects).

outdir <- file.path("tests", "data")
dir.create(outdir, showWarnings = FALSE, recursive = TRUE)

## Write a data frame with write.csv(row.names = FALSE); cells equal to the
## sentinel are turned into empty fields (read.csv reads an empty numeric
## field as NA).
SENTINEL <- -999999
write_with_blanks <- function(df, file) {
  write.csv(df, file, row.names = FALSE)
  lines <- readLines(file)
  body <- lines[-1]
  body <- gsub("(^|,)-999999(?=,|$)", "\\1", body, perl = TRUE)
  writeLines(c(lines[1], body), file)
}

## ---------------------------------------------------------------------------
## sim_crossed.csv: crossed subj (60) x item (40), numeric x, 2-level cond
## (varies by item, so it varies within subject) and response y.
## Models: y ~ x + cond + (1 + x | subj) + (1 | item)
##         y ~ cond + (0 + cond | subj) + (1 | item)
set.seed(20240101)
nsubj <- 60; nitem <- 40
subj <- sprintf("s%02d", seq_len(nsubj))
item <- sprintf("i%02d", seq_len(nitem))
d <- expand.grid(item = item, subj = subj, stringsAsFactors = FALSE)[, c("subj", "item")]
item_cond <- setNames(rep(c("ctl", "trt"), length.out = nitem)[sample(nitem)], item)
d$cond <- unname(item_cond[d$item])
d$x <- round(rnorm(nrow(d), mean = 0, sd = 1), 3)
# subject effects: intercept, slope in x, and (for the factor slope) a
# correlated pair of cond-specific intercepts
S <- matrix(c(400, 30, 30, 25), 2)              # (Intercept, x)
bs <- matrix(rnorm(2 * nsubj), nsubj) %*% chol(S)
btrt <- 0.6 * bs[, 1] + rnorm(nsubj, sd = 12)   # extra trt deviation
bi <- rnorm(nitem, sd = 15)
si <- match(d$subj, subj); ii <- match(d$item, item)
trt <- as.numeric(d$cond == "trt")
d$y <- round(500 + 8 * d$x + 25 * trt + bs[si, 1] + bs[si, 2] * d$x +
             btrt[si] * trt + bi[ii] + rnorm(nrow(d), sd = 30), 2)
write.csv(d, file.path(outdir, "sim_crossed.csv"), row.names = FALSE)

## ---------------------------------------------------------------------------
## sim_missing.csv: two-level design, group g (50 levels "g01".."g50",
## unbalanced), numeric x1, strictly positive x2, factor f ("a","b","c"),
## ~5% NA (written as NA) in y, x1 and f, plus a few empty fields in the
## numeric columns y and x2 (read.csv reads those as NA too).
## Models: y ~ x1 * f + x2 + (x1 | g)
##         y ~ 0 + f + I(x1^2) + log(x2) + (1 | g)
set.seed(20240202)
ng <- 50
nper <- sample(8:32, ng, replace = TRUE)
g <- rep(sprintf("g%02d", seq_len(ng)), nper)
n <- length(g)
x1 <- round(rnorm(n, 0, 1.5), 3)
x2 <- round(exp(rnorm(n, 1, 0.5)), 3)   # strictly positive
f <- sample(c("a", "b", "c"), n, replace = TRUE, prob = c(0.4, 0.35, 0.25))
gi <- match(g, sprintf("g%02d", seq_len(ng)))
b0 <- rnorm(ng, sd = 2); b1 <- 0.3 * b0 + rnorm(ng, sd = 0.7)
fe <- c(a = 0, b = 1.5, c = -1)[f]
fx <- c(a = 0, b = 0.8, c = -0.5)[f]
y <- 10 + 2 * x1 + fe + fx * x1 + 0.7 * x2 + b0[gi] + b1[gi] * x1 + rnorm(n, sd = 1.5)
y <- round(unname(y), 3)
d <- data.frame(g = g, x1 = x1, x2 = x2, f = f, y = y, stringsAsFactors = FALSE)
d$y[sample(n, round(0.05 * n))] <- NA
d$x1[sample(n, round(0.05 * n))] <- NA
d$f[sample(n, round(0.05 * n))] <- NA
# a few empty fields (numeric columns only; an empty field in a text column
# would be read by read.csv as the level "" rather than NA)
blank_y <- sample(which(!is.na(d$y)), 4)
blank_x2 <- sample(seq_len(n), 3)
d$y[blank_y] <- SENTINEL
d$x2[blank_x2] <- SENTINEL
write_with_blanks(d, file.path(outdir, "sim_missing.csv"))

## ---------------------------------------------------------------------------
## sim_rankdef.csv: x2 = 2 * x1 exactly (doubling is exact in binary and the
## decimal text of x2 parses to exactly twice the parsed x1), group g.
## Model: y ~ x1 + x2 + (1 | g)   (lme4 drops x2 with a message)
set.seed(20240303)
ng <- 30
g <- rep(sprintf("grp%02d", seq_len(ng)), each = 10)
n <- length(g)
x1 <- round(runif(n, -2, 2), 3)
x2 <- 2 * x1
gi <- rep(seq_len(ng), each = 10)
y <- round(3 + 1.2 * x1 + rnorm(ng, sd = 1)[gi] + rnorm(n, sd = 0.8), 3)
d <- data.frame(g = g, x1 = x1, x2 = x2, y = y)
write.csv(d, file.path(outdir, "sim_rankdef.csv"), row.names = FALSE)
stopifnot(identical(read.csv(file.path(outdir, "sim_rankdef.csv"))$x2,
                    2 * read.csv(file.path(outdir, "sim_rankdef.csv"))$x1))

## ---------------------------------------------------------------------------
## sim_vector.csv: three-column vector random effect with ~100 groups.  The
## group column g holds integer codes (non-contiguous, rows not sorted by g,
## and numeric order != string order, e.g. 7 < 12 < 105) and must be
## declared a factor.
## Model: y ~ x1 + x2 + (1 + x1 + x2 | g)
set.seed(20240404)
ng <- 100
codes <- sort(sample(1:999, ng))
nper <- sample(5:12, ng, replace = TRUE)
gi <- rep(seq_len(ng), nper)
n <- length(gi)
ord <- sample(n)              # shuffle rows
gi <- gi[ord]
x1 <- round(rnorm(n), 3)
x2 <- round(runif(n, 0, 4), 3)
Sig <- matrix(c(4, 0.8, -0.5,
                0.8, 1, 0.2,
                -0.5, 0.2, 0.5), 3)
B <- matrix(rnorm(3 * ng), ng) %*% chol(Sig)
y <- 20 + 1.5 * x1 - 0.8 * x2 + B[gi, 1] + B[gi, 2] * x1 + B[gi, 3] * x2 +
     rnorm(n, sd = 1)
d <- data.frame(g = codes[gi], x1 = x1, x2 = x2, y = round(y, 3))
write.csv(d, file.path(outdir, "sim_vector.csv"), row.names = FALSE)

for (f in list.files(outdir, pattern = "^sim_.*\\.csv$", full.names = TRUE))
  cat(sprintf("%-32s %7d bytes %5d rows\n", f, file.size(f), nrow(read.csv(f))))
