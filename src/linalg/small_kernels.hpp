// Kernels on small column-major blocks (a term's q is usually 1 to 4), run once per block of the
// block-sparse rows at every objective evaluation: plain loops over raw pointers, no temporaries
// and no allocation, where Eigen's dynamic-size expressions would pay more in dispatch than in
// flops. (The blocks that every level has are in LevelBlocks, level_blocks.hpp.)
//
// A template extent N > 0 fixes that dimension at compile time, so its loops unroll; N = 0 reads
// it from the argument. The dimension that varies most (the rows of a block) runs in the outer
// loop, so that the fixed ones form an unrolled body. `dispatch` turns a run-time extent into a
// compile-time one.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace lmm::internal::small {

template <int N>
constexpr int extent(int runtime) {
  if constexpr (N > 0) return N;
  else return runtime;
}

// Calls f(std::integral_constant<int, n>{}) for n in 1..Max, and f(std::integral_constant<int, 0>{})
// (the run-time extent) for any other n.
template <int Max, typename F>
inline void dispatch(int n, F&& f) {
  const bool fixed = [&]<int... I>(std::integer_sequence<int, I...>) {
    return ((n == I + 1 ? (f(std::integral_constant<int, I + 1>{}), true) : false) || ...);
  }(std::make_integer_sequence<int, Max>{});
  if (!fixed) f(std::integral_constant<int, 0>{});
}

// out (rows x cols) = L' a R: a is rows x cols with leading dimension rows, L rows x rows
// (nullptr: the identity), R cols x cols; tmp holds rows x cols.
template <int Rows = 0, int Cols = 0>
inline void sandwich(const double* left, const double* a, int rows_, int cols_, const double* right, double* out,
                     double* tmp) {
  const int rows = extent<Rows>(rows_), cols = extent<Cols>(cols_);
  double* ar = left == nullptr ? out : tmp;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      double s = 0.0;
      for (int k = 0; k < cols; ++k) s += a[r + k * rows] * right[k + c * cols];
      ar[r + c * rows] = s;
    }
  if (left == nullptr) return;
  for (int c = 0; c < cols; ++c)
    for (int r = 0; r < rows; ++r) {
      double s = 0.0;
      for (int k = 0; k < rows; ++k) s += left[k + r * rows] * tmp[k + c * rows];
      out[r + c * rows] = s;
    }
}

// out (rows x cols, leading dimension ldo) -= a b', a rows x inner (lda), b cols x inner (ldb).
// Each entry takes its inner terms one at a time, in order.
template <int Rows = 0, int Cols = 0, int Inner = 0>
inline void subtract_product(double* out, int ldo, const double* a, int lda, const double* b, int ldb, int rows_,
                             int cols_, int inner_) {
  const int rows = extent<Rows>(rows_), cols = extent<Cols>(cols_), inner = extent<Inner>(inner_);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      double o = out[r + c * ldo];
      for (int k = 0; k < inner; ++k) o -= a[r + k * lda] * b[c + k * ldb];
      out[r + c * ldo] = o;
    }
}

}  // namespace lmm::internal::small
