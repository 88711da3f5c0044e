# R's order of text: sort() and the levels of factor() and read.csv(stringsAsFactors = TRUE) on
# hand-picked hard cases and random strings (issue 20, "R's level order").
#
# Usage (from the repository root):
#   Rscript tools/reference/r_level_order.R
#
# Writes
#   tests/data/level_order.csv         the repeated case's strings but "" (column label), by write.csv
#   tests/golden/r_level_order.json    per case: the strings, sort(unique(.)), factor()'s levels and
#                                      codes; and the CSV's levels as read.csv reads them
#
# R compares text with ICU's collator when it is built with ICU (Debian's R is) and LC_COLLATE is
# neither C nor POSIX. The other goldens were made with LC_COLLATE = C.UTF-8 (lme4_meta.json), where
# R's collator is ICU's root locale; this machine has no en_US.UTF-8 locale, so the script checks
# that ICU's en_US collator (lmm's) orders every case exactly as the root one did.

library(jsonlite)

stopifnot(capabilities("ICU"))
collate_locale <- Sys.getlocale("LC_COLLATE")
stopifnot(!collate_locale %in% c("C", "POSIX"))
icu_locale <- icuGetCollate()

## ---------------------------------------------------------------------------
## the strings

hard <- c(
  # age bands: punctuation and symbols before digits
  "<30", ">=65", "30-49", "50-64", "<=29", "65+", "30 - 49",
  # case
  "a", "A", "b", "B", "ab", "aB", "Ab", "AB", "abc", "ABC", "Abc",
  # accents
  "e", "\u00e9", "f", "E", "\u00c9", "\u00e8", "\u00ea", "\u00eb", "ee", "\u00e9e", "e\u00e9",
  "cote", "cot\u00e9", "c\u00f4te", "c\u00f4t\u00e9", "\u00e5", "\u00c5", "\u00e6", "ae", "\u00f8", "o",
  "\u00df", "ss", "\u00f1", "n", "\u00fc", "u", "\u00e7", "c",
  # spaces, hyphens, underscores, dots, slashes
  "", " ", "  ", "a b", "a  b", " a", "a ", "a-b", "a_b", "a.b", "a/b", "ab-", "-ab",
  "co-op", "coop", "co op", "co_op", "co.op", "co/op",
  # digits as text
  "1", "01", "001", "10", "9", "09", "100", "2", "1.5", "1,5", "-1", "+1", "1e3", "1a", "a1",
  "a10", "a9", "a09", "x1", "x10", "x2",
  # symbols alone
  "<", ">", "=", "-", "_", ".", "/", "+", "*", "#", "@", "&", "%", "$", "!", "?", "(", ")", "[",
  "]", "'", ",", ";", ":", "~", "^", "|", "\\", "\u00a7", "\u20ac", "\u00b0",
  # letters from other scripts
  "\u03b1", "\u0391", "\u0431", "\u05d0", "\u4e2d", "\u3042")

set.seed(20261202)
alphabet <- c(letters, LETTERS, 0:9, strsplit("<>=-_./ ", "")[[1]], "\u00e9", "\u00c9", "\u00e8",
              "\u00f6", "\u00d6", "\u00e5", "\u00f1", "\u00df", "\u00e7", "\u00fc")
weights <- c(rep(1, 52), rep(1.5, 10), rep(2, 8), rep(0.8, 10))
random_string <- function() {
  paste(sample(alphabet, sample(0:6, 1), replace = TRUE, prob = weights), collapse = "")
}
random <- unique(replicate(400, random_string()))
random <- setdiff(random, c(hard, "NA"))[1:300]

# Texts ICU sees as equal (canonically equivalent forms, an ignorable control character): R's
# factor() keeps both, in order of first appearance (order() is stable); sort() is not stable.
ties <- c("\u00e9", "b", "e\u0301", "a\u0001", "a", "\u00c5", "A\u030a", "\u212b")

## ---------------------------------------------------------------------------
## R's answers

collates_alike <- function(x) {
  # no two different strings compare equal (then sort() has one answer)
  u <- unique(x)
  !anyDuplicated(rank(u, ties.method = "min"))
}
with_en_us <- function(expr) {
  icuSetCollate(locale = "en_US")
  on.exit(icuSetCollate(locale = "default"))
  expr
}

make_case <- function(id, x, sortable = TRUE) {
  f <- factor(x)
  en <- with_en_us(list(sorted = sort(unique(x)), levels = levels(factor(x))))
  stopifnot(identical(en$levels, levels(f)))
  if (sortable) {
    stopifnot(collates_alike(x), identical(en$sorted, sort(unique(x))))
  }
  list(id = id, strings = I(x), sorted = if (sortable) I(sort(unique(x))) else NULL,
       levels = I(levels(f)), codes = I(as.integer(f) - 1L))
}

# a column with repeats, in shuffled order, so that factor codes are checked too
repeated <- sample(c(hard, random), 900, replace = TRUE)
cases <- list(
  make_case("hard", hard),
  make_case("random", random),
  make_case("hard_and_random_repeated", repeated),
  make_case("ties", ties, sortable = FALSE),
  make_case("ties_reversed", rev(ties), sortable = FALSE))

## the same strings through write.csv and read.csv, but for "": read.csv keeps an empty field of a
## text column as the level "", lmm reads it as missing (README, --data)
csv_file <- file.path("tests", "data", "level_order.csv")
in_file <- repeated[repeated != ""]
write.csv(data.frame(row = seq_along(in_file), label = in_file), csv_file, row.names = FALSE,
          fileEncoding = "UTF-8")
csv <- read.csv(csv_file, stringsAsFactors = TRUE, encoding = "UTF-8")
stopifnot(identical(as.character(csv$label), in_file))
csv_case <- list(file = csv_file, column = "label", levels = I(levels(csv$label)),
                 codes = I(as.integer(csv$label) - 1L))

out <- list(
  R_version = R.version.string, ICU_version = unname(extSoftVersion()["ICU"]),
  LC_COLLATE = collate_locale, icu_collate_locale = icu_locale,
  en_US_orders_alike = TRUE, cases = cases, csv = csv_case)
writeLines(toJSON(out, auto_unbox = TRUE, pretty = TRUE, null = "null"),
           file.path("tests", "golden", "r_level_order.json"), useBytes = TRUE)
