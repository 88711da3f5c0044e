// One double formatted by a C printf conversion, as R's sprintf() and gettextf() format numbers
// in the messages and tables lmm reproduces ("%g", "%1.1e", "%#.3e", ...).
#pragma once

#include <cstdio>
#include <string>

namespace lmm::internal {

inline std::string printf_double(const std::string& spec, double x) {
  char buffer[512];
  std::snprintf(buffer, sizeof buffer, spec.c_str(), x);
  return buffer;
}

}  // namespace lmm::internal
