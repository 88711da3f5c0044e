// lmm/error.hpp: the exception every user-facing failure of lmm throws.
#pragma once

#include <stdexcept>
#include <string>

namespace lmm {

// What went wrong, by where the fault lies. The CLI maps each kind to an exit code.
enum class ErrorKind {
  kInput,    // a file, a column or a value of the data
  kFormula,  // the model formula
  kModel,    // a model lme4 also refuses (e.g. a grouping factor with one level)
  kUsage,    // the options given to the library or the command line
};

// One-line, self-contained message naming the file, line, column or formula term at fault. The
// message is kept to one line of at most about 300 characters: control characters are escaped and
// the middle of a longer one is cut to "...".
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message);
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

}  // namespace lmm
