// What the fuzz targets share: an invariant check that fails loudly, whatever NDEBUG says.
#pragma once

#include <cstdio>
#include <cstdlib>

// A broken invariant is a bug like a crash: report it and abort, which libFuzzer records as one.
#define LMM_FUZZ_CHECK(condition)                                                            \
  do {                                                                                       \
    if (!(condition)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (false)
