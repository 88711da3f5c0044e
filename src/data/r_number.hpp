// One field of a CSV file read as R's read.csv (type.convert) reads a number.
#pragma once

#include <string_view>

namespace lmm::internal {

// What a field is to a numeric column: a number, blank (only white space: missing, as R's
// isBlankString), or text that makes the column text.
enum class FieldReading { kNumber, kBlank, kText };

// Reads a field with R 4.2's grammar for numbers in read.csv (R_strtod, then only white space):
//   leading ASCII white space; one optional sign; then
//   - NaN, Inf or Infinity in any case (NaN, nan, -NaN, INF, -Infinity, ...);
//   - hexadecimal 0x or 0X, hex digits and points, an optional binary exponent p or P with an
//     optional sign and digits ("0x10" is 16; as R, a point without p is ignored: "0x1.8" is 24);
//   - decimal digits with an optional point (".5", "5."), an optional exponent e or E whose
//     digits may be absent ("1e" is 1); out of range, 1e400 is Inf and 1e-400 is 0;
// then only white space (ASCII, or the Unicode spaces that R's isBlankString skips in a UTF-8
// locale). Decimals are correctly rounded (R is almost always: it computes in long double);
// hexadecimals are computed as R computes them. Not numbers, as in R: 1d5, TRUE, 1L, 5i,
// " NA", 1,5, 0x, 0b101.
// One deliberate difference: R reads "NAN" (a field starting with upper-case "NA") as text
// when it is the first non-missing field of its column or follows only integers, and as NaN
// otherwise; lmm always reads it as NaN, so a used column holding one is an error naming its row.
FieldReading read_r_number(std::string_view field, double& value);

}  // namespace lmm::internal
