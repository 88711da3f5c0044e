// Kernels on small column-major blocks (a term's q is usually 1 to 4), run once per level and
// per block at every objective evaluation: plain loops over raw pointers, no temporaries and no
// allocation, where Eigen's dynamic-size expressions would pay more in dispatch than in flops.
#pragma once

#include <cmath>

namespace lmm::internal::small {

// out (rows x cols) = L' a R: a is rows x cols with leading dimension rows, L rows x rows
// (nullptr: the identity), R cols x cols; tmp holds rows x cols.
inline void sandwich(const double* left, const double* a, int rows, int cols, const double* right, double* out,
                     double* tmp) {
  for (int c = 0; c < cols; ++c)
    for (int r = 0; r < rows; ++r) {
      double s = 0.0;
      for (int k = 0; k < cols; ++k) s += a[r + k * rows] * right[k + c * cols];
      tmp[r + c * rows] = s;
    }
  for (int c = 0; c < cols; ++c)
    for (int r = 0; r < rows; ++r) {
      if (left == nullptr) {
        out[r + c * rows] = tmp[r + c * rows];
        continue;
      }
      double s = 0.0;
      for (int k = 0; k < rows; ++k) s += left[k + r * rows] * tmp[k + c * rows];
      out[r + c * rows] = s;
    }
}

// In-place lower Cholesky factor of the q x q block l (the strict upper part is left as is).
// False when the block is not positive definite.
inline bool cholesky(double* l, int q) {
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

// b (rows x q, leading dimension ldb) <- b L^{-T}, L the lower q x q factor in l.
inline void solve_right_transpose(const double* l, int q, double* b, int rows, int ldb) {
  for (int c = 0; c < q; ++c) {
    double* bc = b + c * ldb;
    for (int k = 0; k < c; ++k) {
      const double lck = l[c + k * q];
      const double* bk = b + k * ldb;
      for (int r = 0; r < rows; ++r) bc[r] -= bk[r] * lck;
    }
    const double inv = 1.0 / l[c + c * q];
    for (int r = 0; r < rows; ++r) bc[r] *= inv;
  }
}

// out (rows x cols, leading dimension ldo) -= a b', a rows x inner (lda), b cols x inner (ldb).
inline void subtract_product(double* out, int ldo, const double* a, int lda, const double* b, int ldb, int rows,
                             int cols, int inner) {
  for (int c = 0; c < cols; ++c)
    for (int k = 0; k < inner; ++k) {
      const double bck = b[c + k * ldb];
      const double* ak = a + k * lda;
      double* oc = out + c * ldo;
      for (int r = 0; r < rows; ++r) oc[r] -= ak[r] * bck;
    }
}

}  // namespace lmm::internal::small
