// In-place lower Cholesky factor of a dense symmetric positive definite matrix (lower triangle
// read and written), for the dense trailing block of the blocked factor.
//
// Small matrices go to Eigen's LLT. From kParallelOrder up, a right-looking blocked algorithm
// spreads each panel's trailing update over linalg_threads() threads by column blocks (Eigen's
// own LLT updates the trailing matrix on one thread), and factors the next panel while the rest
// of the update runs (look-ahead). Each entry sees the same operations in the same order on any
// number of threads, so the factor does not depend on the thread count.
#pragma once

#include <Eigen/Dense>

namespace lmm::internal {

inline constexpr Eigen::Index kParallelOrder = 512;

// False when the matrix is not positive definite.
bool dense_cholesky(Eigen::Ref<Eigen::MatrixXd> a);

}  // namespace lmm::internal
