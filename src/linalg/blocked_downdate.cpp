// The downdates of the dense trailing block by a chain term's columns, L22 -= L21 L21': the
// scattered per-level updates, the column-blocked ones for q = 1 terms, and the heavy levels'
// dense product. Most of an evaluation of a large crossed design is spent here.
#include <algorithm>

#include "linalg/blocked_cholesky.hpp"
#include "linalg/small_kernels.hpp"
#include "util/parallel.hpp"

namespace lmm::internal {

using Eigen::Index;
using Eigen::MatrixXd;

// L22 -= L21 L21' for level g's column of a chain term with q > 1 (q = 1 terms go by column
// blocks): its rows in the trailing block (K of them, each a row of q values, gathered into E)
// contribute E E' at those rows and C E' to the [X y] rows (C = the level's [X y] part). Plain
// loops over E's rows with q known at compile time (q <= 4): a level has few rows, and Eigen's
// dynamic-size products cost more to set up than to run (two thirds of an evaluation of a
// (1 + x | subject) + (1 | item) design with 20k subjects of 6 rows). The [X y] corner is done
// per term.
void BlockedCholesky::downdate_trailing(int j, int g) {
  const ChainPlan& c = s_->chain[static_cast<std::size_t>(j)];
  const ChainFactor& lf = chain_[static_cast<std::size_t>(j)];
  const auto& list = c.blocks[static_cast<std::size_t>(g)];
  const int* rows = c.rows.data() + c.row_start[static_cast<std::size_t>(g)];
  const auto k = static_cast<Index>(c.row_count(g));
  const int q = c.q, pp = s_->p + 1;
  const Index ld = l22_.outerStride();
  double* l = l22_.data();
  // E row by row (row i: q values at e + i q), then C the same way (row r at x + r q), in one
  // workspace that only grows.
  const auto need = static_cast<std::size_t>((k + pp) * q);
  if (level_rows_.size() < need) level_rows_.resize(need);
  double* e = level_rows_.data();
  double* x = e + k * q;
  Index r = 0;
  for (const SparseBlock& b : list)
    for (int i = 0; i < b.rows; ++i, ++r)
      for (int kk = 0; kk < q; ++kk) e[r * q + kk] = lf.sparse[b.offset + static_cast<std::size_t>(kk * b.rows + i)];
  for (int row = 0; row < pp; ++row)
    for (int kk = 0; kk < q; ++kk) x[row * q + kk] = lf.xy(g, row, kk);
  const Index m_re = s_->m_re;
  small::dispatch<4>(q, [&](auto Q) {
    const int qq = small::extent<Q>(q);
    auto dot = [qq](const double* a, const double* b) {
      double s = a[0] * b[0];
      for (int kk = 1; kk < qq; ++kk) s += a[kk] * b[kk];
      return s;
    };
    for (Index jj = 0; jj < k; ++jj) {
      const double* ej = e + jj * qq;
      double* column = l + static_cast<Index>(rows[jj]) * ld;
      for (Index i = jj; i < k; ++i) column[rows[i]] -= dot(e + i * qq, ej);
      for (int row = 0; row < pp; ++row) column[m_re + row] -= dot(x + row * qq, ej);
    }
  });
}

// The same for every level of a q = 1 chain term at once, by blocks of trailing columns: each
// block (about 512 KB of L22) stays in cache while every level's entries in it are subtracted,
// where level by level the updates land all over L22. A block visits only the levels with rows
// in it (its segments, planned once), not every level. Blocks are independent, so they are
// shared among linalg_threads() threads; each entry is updated in the same order either way.
// The heavy levels (dense_levels) are left to downdate_dense_levels.
void BlockedCholesky::downdate_trailing_by_columns(int j) {
  const ChainPlan& c = s_->chain[static_cast<std::size_t>(j)];
  const ChainFactor& lf = chain_[static_cast<std::size_t>(j)];
  const Index ld = l22_.outerStride();
  const Index width = s_->column_block_width();
  const auto nblocks = static_cast<int>(c.segment_start.size() - 1);
  const int pp = s_->p + 1;
  double* l = l22_.data();
  // Per segment, the level's rows and values from its first row in the block to its last row:
  // rows[first, end) and v[first, end) (the sparse values are in the order of rows when q = 1).
  const int* rows = c.rows.data();
  const double* v = lf.sparse.data();
  const std::size_t* row_start = c.row_start.data();
  const double* xy = lf.xy.entry(0, 0);  // row r of level g's (p + 1) x 1 block at xy[r * xy_stride + g]
  const Index xy_stride = lf.xy.stride();
  const Index m_re = s_->m_re;
  parallel_for(nblocks, worker_count(linalg_threads(), nblocks), [&, l, ld, pp](int block, int) {
    const Index c1 = std::min<Index>(m_re, (block + 1) * width);
    std::vector<double> cg(static_cast<std::size_t>(pp));  // the segment's level's [X y] rows
    const std::size_t s1 = c.segment_start[static_cast<std::size_t>(block) + 1];
    for (std::size_t s = c.segment_start[static_cast<std::size_t>(block)]; s < s1; ++s) {
      // The segments' data lie all over memory: fetch the one after next while this one runs.
      if (s + 2 < s1) {
        const ChainPlan::Segment& ahead = c.segments[s + 2];
        __builtin_prefetch(rows + ahead.first);
        __builtin_prefetch(v + ahead.first);
        __builtin_prefetch(row_start + ahead.level + 1);
        for (int r = 0; r < pp; ++r) __builtin_prefetch(xy + r * xy_stride + ahead.level);
      }
      const ChainPlan::Segment seg = c.segments[s];
      const std::size_t end = row_start[static_cast<std::size_t>(seg.level) + 1];
      for (int r = 0; r < pp; ++r) cg[static_cast<std::size_t>(r)] = xy[r * xy_stride + seg.level];
      for (std::size_t jj = seg.first; jj < end && rows[jj] < c1; ++jj) {
        double* column = l + static_cast<Index>(rows[jj]) * ld;
        const double vj = v[jj];
        for (std::size_t i = jj; i < end; ++i) column[rows[i]] -= v[i] * vj;
        for (int r = 0; r < pp; ++r) column[m_re + r] -= cg[static_cast<std::size_t>(r)] * vj;
      }
    }
  });
}

// L22 -= D D' for the heavy levels (dense_levels): D holds their columns of L21, q per level,
// with their [X y] rows, zero where a level has no rows. One product by column panels of the
// random-effects columns (lower part; the [X y] corner is done per term), a GEMM each, shared
// among the threads.
void BlockedCholesky::downdate_dense_levels(int j) {
  const ChainPlan& c = s_->chain[static_cast<std::size_t>(j)];
  ChainFactor& lf = chain_[static_cast<std::size_t>(j)];
  if (c.dense_levels.empty()) return;
  MatrixXd& d = lf.dense_columns;
  const int q = c.q, pp = s_->p + 1;
  const Index m_re = s_->m_re;
  for (std::size_t h = 0; h < c.dense_levels.size(); ++h) {
    const int g = c.dense_levels[h];
    const Index first = static_cast<Index>(h) * q;
    for (const SparseBlock& b : c.blocks[static_cast<std::size_t>(g)])
      for (int k = 0; k < q; ++k)
        for (int i = 0; i < b.rows; ++i) d(b.row + i, first + k) = lf.sparse[b.offset + static_cast<std::size_t>(k * b.rows + i)];
    for (int k = 0; k < q; ++k)
      for (int r = 0; r < pp; ++r) d(m_re + r, first + k) = lf.xy(g, r, k);
  }
  constexpr Index kPanel = 128;
  const Index m = m_re + pp;
  const auto panels = static_cast<int>((m_re + kPanel - 1) / kPanel);
  parallel_for(panels, worker_count(linalg_threads(), panels), [&](int b, int) {
    const Index c0 = b * kPanel;
    const Index cb = std::min<Index>(kPanel, m_re - c0);
    l22_.block(c0, c0, m - c0, cb).noalias() -= d.middleRows(c0, m - c0) * d.middleRows(c0, cb).transpose();
  });
}

}  // namespace lmm::internal
