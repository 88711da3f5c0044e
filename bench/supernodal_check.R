# supernodal_check.R: would a sparse supernodal factor beat the dense one on InstEval's trailing
# block? Forms the instructor block's pattern after eliminating the students (Z_d'Z_s Z_s'Z_d,
# plus a diagonal that makes it positive definite), then reports the fill and the flops of
# CHOLMOD's AMD-ordered factor relative to a dense one, and times CHOLMOD's numeric refactoring
# (update()) against R's dense chol(). Run from the repository root:
#   OPENBLAS_CORETYPE=Haswell Rscript bench/supernodal_check.R
# (OpenBLAS does not recognise this VM's CPU and otherwise falls back to generic kernels.)
suppressPackageStartupMessages(library(Matrix))
d <- read.csv(file.path("..", "shared", "data", "InstEval.csv"))
S <- sparseMatrix(i = as.integer(factor(d$s)), j = as.integer(factor(d$d)), x = 1)
n <- ncol(S)
M <- as(crossprod(S) + Diagonal(n) * 1000, "dsCMatrix")
cat(sprintf("order %d, nonzeros before factoring: %.1f%% of the matrix\n", n, 100 * nnzero(M) / n^2))
ch <- Cholesky(M, perm = TRUE, super = TRUE, LDL = FALSE)
L <- as(ch, "sparseMatrix")
counts <- diff(L@p)
cat(sprintf("factor nonzeros: %.1f%% of a dense triangle; flops: %.1f%% of a dense factor\n",
            100 * nnzero(L) / (n * (n + 1) / 2), 100 * sum(counts^2) / sum((n:1)^2)))
reps <- 20
t_sparse <- system.time(for (k in seq_len(reps)) update(ch, M))[["elapsed"]] / reps
Md <- as.matrix(M)
t_dense <- system.time(for (k in seq_len(5)) chol(Md))[["elapsed"]] / 5
cat(sprintf("CHOLMOD supernodal refactor: %.1f ms; dense chol(): %.1f ms\n", 1000 * t_sparse, 1000 * t_dense))
