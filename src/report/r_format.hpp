// Forwarding header, kept only because src/inference/type3_contrasts.cpp includes it and that
// directory is being refactored on another branch. New code includes the header of the concept
// it uses instead: report/r_numbers.hpp (round, signif, zapsmall, format, formatC),
// report/r_text.hpp (widths, padding, abbreviate, strwrap), report/r_print.hpp (cat fill, print
// of named vectors and matrices), report/r_deparse.hpp (deparse). Delete this file once nothing
// includes it.
#pragma once

#include "report/r_deparse.hpp"
#include "report/r_numbers.hpp"
#include "report/r_print.hpp"
#include "report/r_text.hpp"
