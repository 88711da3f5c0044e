// One small block per level of a grouping factor (a nested term's diagonal blocks of L, and its
// blocks below them), stored entry by entry: entry (r, c) of every level's block is one
// contiguous array over the levels. The same small operation applied to every level (Lambda's
// scaling, the q x q Cholesky factors, the divisions by them) then fills whole SIMD registers
// with kLanes levels at a time. Stored block by block, one level's few entries sit side by side
// and the work runs one value at a time, or in lanes the block's size leaves mostly idle.
//
// The arrays are padded to a multiple of kLanes levels, so that every kernel runs on whole
// registers. The padding of a scaled diagonal block is the identity, of every other block zero,
// and the kernels keep it so: the padding's factors meet pivots of 1, never a zero, and the
// [X y] corner's dot products over whole arrays (blocked_cholesky.cpp) add nothing for it.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <cstddef>
#include <vector>

#include "linalg/small_kernels.hpp"

namespace lmm::internal {

inline constexpr Eigen::Index kLanes = 8;
using Lanes = Eigen::Array<double, kLanes, 1>;

// Where a LevelBlocks' entries are, held by value: a kernel keeps it in registers. (Read through
// the LevelBlocks itself, the base and stride would be reloaded after every vector store, which
// the compiler must assume may alias them.)
template <typename T>
struct EntryView {
  T* base;
  Eigen::Index stride;
  int rows;
  T* operator()(int r, int c) const { return base + (r + c * rows) * stride; }
};

class LevelBlocks {
 public:
  LevelBlocks() = default;
  LevelBlocks(int rows, int cols, Eigen::Index levels)
      : rows_(rows),
        cols_(cols),
        levels_(levels),
        stride_((levels + kLanes - 1) / kLanes * kLanes),
        values_(Eigen::VectorXd::Zero(stride_ * rows * cols)) {}
  // From blocks stored side by side: level g's rows x cols block (column-major) at
  // blocks + g * rows * cols.
  static LevelBlocks from_blocks(const double* blocks, int rows, int cols, Eigen::Index levels) {
    LevelBlocks out(rows, cols, levels);
    for (Eigen::Index g = 0; g < levels; ++g)
      for (int e = 0; e < rows * cols; ++e) out.values_[e * out.stride_ + g] = blocks[g * rows * cols + e];
    return out;
  }

  int rows() const { return rows_; }
  int cols() const { return cols_; }
  Eigen::Index levels() const { return levels_; }
  // Distance between consecutive entries' arrays: the levels, padded to a multiple of kLanes.
  Eigen::Index stride() const { return stride_; }

  // Entry (r, c) of every level's block: stride() values.
  double* entry(int r, int c) { return values_.data() + (r + c * rows_) * stride_; }
  const double* entry(int r, int c) const { return values_.data() + (r + c * rows_) * stride_; }
  double& operator()(Eigen::Index g, int r, int c) { return entry(r, c)[g]; }
  double operator()(Eigen::Index g, int r, int c) const { return entry(r, c)[g]; }
  EntryView<double> view() { return {values_.data(), stride_, rows_}; }
  EntryView<const double> view() const { return {values_.data(), stride_, rows_}; }
  // Level g's block, as a matrix.
  Eigen::MatrixXd block(Eigen::Index g) const {
    Eigen::MatrixXd out(rows_, cols_);
    for (int c = 0; c < cols_; ++c)
      for (int r = 0; r < rows_; ++r) out(r, c) = (*this)(g, r, c);
    return out;
  }

 private:
  int rows_ = 0, cols_ = 0;
  Eigen::Index levels_ = 0, stride_ = 0;
  Eigen::VectorXd values_;
};

// The kernels below run over the levels kLanes at a time. A template extent N > 0 fixes a block
// dimension at compile time (the loops over the block's entries unroll); N = 0 reads it from the
// blocks, as in small_kernels.hpp.
namespace lanes {

inline Eigen::Map<Lanes> at(double* p) { return Eigen::Map<Lanes>(p); }
inline Eigen::Map<const Lanes> at(const double* p) { return Eigen::Map<const Lanes>(p); }

// out_g = L' a_g R for every level: L is a.rows() square (the identity when left is nullptr),
// R a.cols() square, both column-major. Lower: only the lower triangle of out_g (a diagonal
// block, whose other part the Cholesky factors do not read).
template <int Rows = 0, int Cols = 0, bool Lower = false>
void sandwich(const double* left, const LevelBlocks& a, const double* right, LevelBlocks& out) {
  const int rows = small::extent<Rows>(a.rows()), cols = small::extent<Cols>(a.cols());
  const EntryView<const double> av{a.view().base, a.stride(), rows};
  const EntryView<double> ov{out.view().base, a.stride(), rows};
  for (Eigen::Index g = 0; g < av.stride; g += kLanes) {
    auto in = [&](int r, int c) { return at(av(r, c) + g); };
    auto to = [&](int r, int c) { return at(ov(r, c) + g); };
    if (left == nullptr) {
      for (int c = 0; c < cols; ++c)
        for (int r = 0; r < rows; ++r) {
          Lanes s = in(r, 0) * right[c * cols];
          for (int m = 1; m < cols; ++m) s += in(r, m) * right[m + c * cols];
          to(r, c) = s;
        }
    } else if constexpr (Rows > 0 && Cols > 0) {  // a R first, then L' (a R)
      Lanes t[Rows * Cols];
      for (int c = 0; c < Cols; ++c)
        for (int r = 0; r < Rows; ++r) {
          t[r + c * Rows] = in(r, 0) * right[c * Cols];
          for (int m = 1; m < Cols; ++m) t[r + c * Rows] += in(r, m) * right[m + c * Cols];
        }
      for (int c = 0; c < Cols; ++c)
        for (int r = Lower ? c : 0; r < Rows; ++r) {
          Lanes s = left[r * Rows] * t[c * Rows];
          for (int k = 1; k < Rows; ++k) s += left[k + r * Rows] * t[k + c * Rows];
          to(r, c) = s;
        }
    } else {  // sizes known at run time only: every (k, m) term of L' a R, no workspace
      for (int c = 0; c < cols; ++c)
        for (int r = Lower ? c : 0; r < rows; ++r) {
          Lanes s = Lanes::Zero();
          for (int m = 0; m < cols; ++m)
            for (int k = 0; k < rows; ++k) s += (left[k + r * rows] * right[m + c * cols]) * in(k, m);
          to(r, c) = s;
        }
    }
  }
}

// Each level's lower Cholesky factor, in place (the strict upper parts are left as they are), and
// the reciprocal of each pivot into inverse: pivot k of level g at inverse[k * stride + g].
// Returns how many pivots were not positive (NaN included): the factor is then not usable.
template <int Q = 0>
Eigen::Index cholesky(LevelBlocks& l, double* inverse) {
  const int q = small::extent<Q>(l.rows());
  const Eigen::Index stride = l.stride();
  const EntryView<double> lv{l.view().base, stride, q};
  Lanes not_positive = Lanes::Zero();  // per lane, summed at the end
  for (Eigen::Index g = 0; g < stride; g += kLanes) {
    auto f = [&](int r, int c) { return at(lv(r, c) + g); };
    for (int c = 0; c < q; ++c) {
      Lanes d = f(c, c);
      for (int k = 0; k < c; ++k) d -= f(c, k).square();
      // Plain loops over the lanes (GCC makes one vector instruction of each): Eigen's select
      // and sqrt on Lanes run one lane at a time.
      for (Eigen::Index k = 0; k < kLanes; ++k) {
        not_positive[k] += static_cast<double>(!(d[k] > 0.0));
        d[k] = std::sqrt(d[k]);
      }
      f(c, c) = d;
      const Lanes inv = d.inverse();
      at(inverse + c * stride + g) = inv;
      for (int r = c + 1; r < q; ++r) {
        Lanes s = f(r, c);
        for (int k = 0; k < c; ++k) s -= f(r, k) * f(c, k);
        f(r, c) = s * inv;
      }
    }
  }
  double total = 0.0;  // (not Lanes::sum(), whose AVX-512 reduction GCC 12 warns about wrongly)
  for (Eigen::Index k = 0; k < kLanes; ++k) total += not_positive[k];
  return static_cast<Eigen::Index>(total);
}

// b_g <- b_g L_g^{-T} for every level (each row of b_g by forward substitution), L from
// cholesky() with its reciprocal pivots in inverse.
template <int Q = 0, int Rows = 0>
void solve_right_transpose(const LevelBlocks& l, const double* inverse, LevelBlocks& b) {
  const int q = small::extent<Q>(l.rows()), rows = small::extent<Rows>(b.rows());
  const Eigen::Index stride = l.stride();
  const EntryView<const double> lv{l.view().base, stride, q};
  const EntryView<double> bv{b.view().base, stride, rows};
  for (Eigen::Index g = 0; g < stride; g += kLanes)
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < q; ++c) {
        Lanes s = at(bv(r, c) + g);
        for (int k = 0; k < c; ++k) s -= at(bv(r, k) + g) * at(lv(c, k) + g);
        at(bv(r, c) + g) = s * at(inverse + c * stride + g);
      }
}

// The same for one level g and a block b (rows x q, leading dimension ldb) stored elsewhere.
inline void solve_right_transpose(const LevelBlocks& l, const double* inverse, Eigen::Index g, double* b, int rows,
                                  int ldb) {
  const Eigen::Index stride = l.stride();
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < l.rows(); ++c) {
      double s = b[r + c * ldb];
      for (int k = 0; k < c; ++k) s -= b[r + k * ldb] * l(g, c, k);
      b[r + c * ldb] = s * inverse[c * stride + g];
    }
}

// The levels of a nested term's parent term that its levels fall in: parent level h's children
// are children[start[h]] .. children[start[h + 1] - 1]; order lists the parents by number of
// children; same_levels says each parent is its one child (two terms on one factor).
struct Parents {
  const std::ptrdiff_t* children;
  const std::ptrdiff_t* start;
  const std::ptrdiff_t* order;
  bool same_levels;
};

// For each parent level h: out_h -= sum of a_g b_g' over its child levels g (out_h Rows x Cols,
// a_g Rows x Inner, b_g Cols x Inner).
// - On one factor, each level updates itself: in lanes, as the other kernels.
// - Otherwise the products are formed for all levels first, in lanes, and then summed per parent:
//   one addition per child and entry, where summing the products directly would chain each
//   child's multiply-adds on the one before. At compile-time sizes a parent's sums run in
//   registers, all entries in one pass over its children. The parents are taken by number of
//   children, so that the loop over one parent's children mostly ends where the last one's did
//   and its branch is predicted.
// Several terms on one factor update the same parents through the same children: the first
// ones leave their products in `work` (sum = false), each later one adds its own (accumulate),
// and the last sums them per parent once (sum = true).
// Lower: a and b are the same blocks and out_h is a diagonal block, of which only the lower
// triangle is kept (the Cholesky factors read no other part).
template <int Rows = 0, int Cols = 0, int Inner = 0, bool Lower = false>
void subtract_grouped_products(LevelBlocks& out, const LevelBlocks& a, const LevelBlocks& b, const Parents& parents,
                               std::vector<double>& work, bool accumulate = false, bool sum = true) {
  const int rows = small::extent<Rows>(a.rows()), cols = small::extent<Cols>(b.rows()),
            inner = small::extent<Inner>(a.cols());
  const Eigen::Index stride = a.stride();
  const EntryView<const double> av{a.view().base, stride, rows}, bv{b.view().base, stride, cols};
  auto product = [&](Eigen::Index g, int r, int c) {
    Lanes s = at(av(r, 0) + g) * at(bv(c, 0) + g);
    for (int k = 1; k < inner; ++k) s += at(av(r, k) + g) * at(bv(c, k) + g);
    return s;
  };
  if (parents.same_levels) {
    const EntryView<double> ov{out.view().base, stride, rows};
    for (Eigen::Index g = 0; g < stride; g += kLanes)
      for (int c = 0; c < cols; ++c)
        for (int r = Lower ? c : 0; r < rows; ++r) at(ov(r, c) + g) -= product(g, r, c);
    return;
  }
  // Grown, never shrunk: calls of different sizes share it without refilling it each time.
  if (const auto size = static_cast<std::size_t>(stride * rows * cols); work.size() < size) work.resize(size);
  double* products = work.data();
  for (Eigen::Index g = 0; g < stride; g += kLanes)
    for (int c = 0; c < cols; ++c)
      for (int r = Lower ? c : 0; r < rows; ++r) {
        auto to = at(products + (r + c * rows) * stride + g);
        if (accumulate) to += product(g, r, c);
        else to = product(g, r, c);
      }
  if (!sum) return;
  const std::ptrdiff_t* start = parents.start;
  const std::ptrdiff_t* children = parents.children;
  if constexpr (Rows > 0 && Cols > 0) {
    constexpr int kEntries = Rows * Cols;
    double* o[kEntries];
    for (int e = 0; e < kEntries; ++e) o[e] = out.entry(e % Rows, e / Rows);
    for (Eigen::Index i = 0; i < out.levels(); ++i) {
      const std::ptrdiff_t h = parents.order[i];
      double s[kEntries] = {};
      for (std::ptrdiff_t k = start[h]; k < start[h + 1]; ++k) {
        const double* p = products + children[k];
        for (int e = 0; e < kEntries; ++e)
          if (!Lower || e % Rows >= e / Rows) s[e] += p[e * stride];
      }
      for (int e = 0; e < kEntries; ++e)
        if (!Lower || e % Rows >= e / Rows) o[e][h] -= s[e];
    }
  } else {
    for (int e = 0; e < rows * cols; ++e) {
      if (Lower && e % rows < e / rows) continue;
      const double* p = products + e * stride;
      double* o = out.entry(e % rows, e / rows);
      for (Eigen::Index h = 0; h < out.levels(); ++h) {
        double s = 0.0;
        for (std::ptrdiff_t k = start[h]; k < start[h + 1]; ++k) s += p[children[k]];
        o[h] -= s;
      }
    }
  }
}

}  // namespace lanes
}  // namespace lmm::internal
