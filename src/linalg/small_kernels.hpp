// Kernels on small column-major blocks (a term's q is usually 1 to 4), run once per level and
// per block at every objective evaluation: plain loops over raw pointers, no temporaries and no
// allocation, where Eigen's dynamic-size expressions would pay more in dispatch than in flops.
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

// In-place lower Cholesky factor of the q x q block l (the strict upper part is left as is).
// False when the block is not positive definite.
template <int Q = 0>
inline bool cholesky(double* l, int q_) {
  const int q = extent<Q>(q_);
  for (int c = 0; c < q; ++c) {
    double d = l[c + c * q];
    for (int k = 0; k < c; ++k) d -= l[c + k * q] * l[c + k * q];
    if (!(d > 0.0)) return false;
    d = std::sqrt(d);
    l[c + c * q] = d;
    for (int r = c + 1; r < q; ++r) {
      double s = l[r + c * q];
      for (int k = 0; k < c; ++k) s -= l[r + k * q] * l[c + k * q];
      l[r + c * q] = s / d;
    }
  }
  return true;
}

// b (rows x q, leading dimension ldb) <- b L^{-T}, L the lower q x q factor in l: each row of b
// by forward substitution.
template <int Q = 0, int Rows = 0>
inline void solve_right_transpose(const double* l, int q_, double* b, int rows_, int ldb) {
  const int q = extent<Q>(q_), rows = extent<Rows>(rows_);
  double inverse_fixed[Q > 0 ? Q : 1];
  if constexpr (Q > 0)
    for (int c = 0; c < Q; ++c) inverse_fixed[c] = 1.0 / l[c + c * Q];
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < q; ++c) {
      double s = b[r + c * ldb];
      for (int k = 0; k < c; ++k) s -= b[r + k * ldb] * l[c + k * q];
      b[r + c * ldb] = s * (Q > 0 ? inverse_fixed[c] : 1.0 / l[c + c * q]);
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

// For each parent level h < parents: out_h -= sum of a_g b_g' over its child levels g, which are
// children[start[h]] .. children[start[h + 1] - 1]. out_h is Rows x Cols at out + h * Rows * Cols;
// a_g is Rows x Inner at a + g * Rows * Inner, b_g is Cols x Inner at b + g * Cols * Inner (all
// column-major). The sum runs in registers, so the children of one parent do not wait on each
// other's stores as level-by-level subtraction does.
template <int Rows, int Cols, int Inner>
inline void subtract_grouped_products(double* out, const double* a, const double* b, const std::ptrdiff_t* children,
                                      const std::ptrdiff_t* start, int parents) {
  for (int h = 0; h < parents; ++h) {
    double acc[Rows * Cols] = {};
    for (std::ptrdiff_t k = start[h]; k < start[h + 1]; ++k) {
      const double* ag = a + children[k] * Rows * Inner;
      const double* bg = b + children[k] * Cols * Inner;
      for (int i = 0; i < Inner; ++i)
        for (int c = 0; c < Cols; ++c)
          for (int r = 0; r < Rows; ++r) acc[r + c * Rows] += ag[r + i * Rows] * bg[c + i * Cols];
    }
    double* o = out + static_cast<std::ptrdiff_t>(h) * Rows * Cols;
    for (int e = 0; e < Rows * Cols; ++e) o[e] -= acc[e];
  }
}

// The Kronecker product a (AR x AC) kron b (BR x BC), at fixed size: vec(B X A') = (A kron B) vec(X)
// turns a two-sided product applied to many blocks into one fixed linear map.
template <int AR, int AC, int BR, int BC, typename A, typename B>
Eigen::Matrix<double, AR * BR, AC * BC> kron(const A& a, const B& b) {
  Eigen::Matrix<double, AR * BR, AC * BC> k;
  for (int i = 0; i < AR; ++i)
    for (int j = 0; j < AC; ++j) k.template block<BR, BC>(i * BR, j * BC) = a(i, j) * b;
  return k;
}

}  // namespace lmm::internal::small
