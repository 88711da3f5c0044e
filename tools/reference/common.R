# Helpers shared by the reference scripts in tools/reference/ (source()d by each of them, from
# the repository root): how the data are read and joined, and full-precision JSON numbers.

## ---------------------------------------------------------------------------
## full-precision numbers in JSON: jsonlite caps digits at 15 significant
## digits, so doubles are pre-formatted with the shortest of %.15g/%.16g/%.17g
## that parses back to the identical double and inserted verbatim.

fmt_double <- function(x) {
  vapply(x, function(v) {
    if (!is.finite(v)) return("null")
    for (p in 15:17) {
      s <- sprintf(paste0("%.", p, "g"), v)
      if (as.numeric(s) == v) return(s)
    }
    s
  }, "")
}
as_json_num <- function(x) {
  if (is.list(x)) {
    y <- lapply(x, as_json_num)
    attributes(y) <- attributes(x)
    return(y)
  }
  if (is.double(x)) {
    s <- fmt_double(as.numeric(x))
    if (inherits(x, "AsIs") || length(x) != 1)
      return(structure(paste0("[", paste(s, collapse = ","), "]"), class = "json"))
    return(structure(s, class = "json"))
  }
  x
}

## ---------------------------------------------------------------------------
## data loading: read.csv(stringsAsFactors = TRUE); left joins on a key unique in the right-hand
## table keeping the left table's row order and factor levels; `factors` converted by factor().

read_data <- function(file, join = list(), factors = character()) {
  x <- read.csv(file, stringsAsFactors = TRUE)
  for (j in join) {
    y <- read.csv(j$file, stringsAsFactors = TRUE)
    by <- j$by
    stopifnot(!anyDuplicated(y[[by]]))
    x$.row <- seq_len(nrow(x))
    m <- merge(x, y, by = by, all.x = TRUE, sort = FALSE)
    m <- m[order(m$.row), , drop = FALSE]
    stopifnot(nrow(m) == nrow(x), identical(m$.row, seq_len(nrow(x))))
    rownames(m) <- NULL
    # keep x's column order first and x's version of the key (same levels)
    m[[by]] <- x[[by]]
    m <- m[, c(setdiff(names(x), ".row"), setdiff(names(y), by))]
    x <- m
  }
  for (f in factors) x[[f]] <- factor(x[[f]])
  x
}
