// lmm::Error's constructor: every message leaves as one line of at most about 300 characters
// (one_line), even one built from a 100 KB name that its site forgot to quote as an excerpt.
#include "lmm/error.hpp"

#include "util/one_line.hpp"

namespace lmm {

Error::Error(ErrorKind kind, const std::string& message)
    : std::runtime_error(internal::one_line(message)), kind_(kind) {}

}  // namespace lmm
