// The structure of the blocked Cholesky factor L of the penalized crossproduct of [Z X y]:
// which blocks exist and where each lands, planned once from the grouping codes and the terms'
// shapes (MixedModels.jl plans its blocks the same way when it builds a model, before any
// crossproduct). Nothing here depends on Z's, X's or y's values, on weights or on theta, so one
// structure serves every response, every set of weights (a bootstrap, PIRLS) and every factor.
//
// The terms come in lme4's order (most levels first). Each block of L keeps the structure the
// factorization leaves it:
// - The leading chain of nested terms (each term's levels nest in the next term's: classes in
//   schools, or two terms on one grouping factor as `(x || g)` makes) keeps block-diagonal
//   diagonal blocks, one q x q block per level, and one block per column level below them in the
//   chain: eliminating a level only touches the one level of each later chain term containing it.
//   The first term always starts the chain.
// - Every later term, crossed with the chain (students and instructors), and [X y] form a dense
//   trailing block. The chain's columns reach it through block-sparse rows (the levels each chain
//   level co-occurs with) and dense [X y] rows.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <vector>

#include "model/random_effects_term.hpp"

namespace lmm::internal {

// The members of each group, from one code per member (a counting sort): group g's members are
// members[start[g]] .. members[start[g + 1] - 1], ascending. The observations of each level of a
// term, or the levels of a term nested in each level of another.
struct Grouping {
  std::vector<Eigen::Index> start, members;
  Grouping() = default;
  Grouping(const std::vector<int>& codes, int groups);
  Eigen::Index first(Eigen::Index g) const { return start[static_cast<std::size_t>(g)]; }
  Eigen::Index end(Eigen::Index g) const { return start[static_cast<std::size_t>(g) + 1]; }
  Eigen::Index member(Eigen::Index k) const { return members[static_cast<std::size_t>(k)]; }
  // The groups ordered by size (ascending; equal sizes in group order).
  std::vector<Eigen::Index> by_size() const;
  // Whether group g's one member is g, for every group.
  bool is_identity() const;
};

// One nonzero q_t x q_j block of a chain term's column in the dense trailing rows: rows
// [row, row + rows) of the trailing block, from term t.
struct SparseBlock {
  int row;
  int rows;
  int term;
  std::size_t offset;  // into the term's block-sparse values, column-major rows x q_j
};

// A term of the nested chain, j: where its levels' columns of L have blocks. The diagonal block,
// one block in the block row of each later chain term i (at the level containing it), blocks in
// the dense trailing rows, and the [X y] rows.
struct ChainPlan {
  int q = 0;
  int levels = 0;
  Grouping by_level;                             // the observations of each level
  std::vector<std::vector<int>> parent;          // [i - j - 1][g]: level of chain term i containing g
  std::vector<Grouping> children;                // [i - j - 1]: the levels in each level of term i
  std::vector<std::vector<Eigen::Index>> parent_order;  // [i - j - 1]: term i's levels, children.by_size()
  std::vector<char> same_levels;                 // [i - j - 1]: children.is_identity() (one factor)
  std::vector<std::vector<SparseBlock>> blocks;  // per level, ascending rows
  std::size_t sparse_size = 0;                   // values of all blocks
  // Where each observation's product with each later term lands: entry i * later + k is
  // observation i against term (chain size + k), at this offset of the block-sparse values.
  // Adding the observations in order sums each block's in ascending order.
  std::vector<std::size_t> entry_offset;
  // The trailing rows each level's blocks cover, ascending: level g's are
  // rows[row_start[g], row_start[g + 1]). With q = 1 they are also the level's entries of the
  // block-sparse values, at the same positions.
  std::vector<std::size_t> row_start;
  std::vector<int> rows;
  std::size_t row_count(int g) const { return row_start[static_cast<std::size_t>(g) + 1] - row_start[static_cast<std::size_t>(g)]; }
  // [i - j - 1]: for each block (levels in order, blocks in order), the offset into chain term
  // i's block-sparse values of the block at the same rows in the column of the level containing
  // this one.
  std::vector<std::vector<std::size_t>> parent_block;
  // Levels that meet a large share of the trailing rows (heavy users; every subject of a fully
  // crossed design): their downdate is one dense product, not scattered updates.
  std::vector<int> dense_levels;
  std::vector<char> is_dense;                    // per level
  // The other levels' work by column block of L22 (q = 1 terms): block b's segments are
  // [segment_start[b], segment_start[b + 1]), levels ascending, each a level and the position
  // (into rows) of its first row in the block.
  struct Segment {
    std::size_t first;
    int level;
  };
  std::vector<std::size_t> segment_start;
  std::vector<Segment> segments;
};

struct FactorStructure {
  FactorStructure(const std::vector<RandomEffectsTerm>& terms, int nfixed);

  int p = 0;     // fixed effects
  int m_re = 0;  // random effects of the terms after the chain
  int max_q = 1;
  std::vector<ChainPlan> chain;
  std::vector<int> row_term;                // for each random-effects row of the trailing block, its term
  std::vector<int> term_offset, term_q;     // trailing-block offset and width of the terms after the chain
  bool trailing_diagonal = true;            // every term after the chain has q = 1 (Lambda diagonal there)

  // Order of the dense trailing block: random effects of the terms after the chain, plus p + 1.
  Eigen::Index dense_order() const { return m_re + p + 1; }
  // Columns of L22 per block of the q = 1 downdate: about 512 KB of L22 (at least 8 columns).
  Eigen::Index column_block_width() const;
  // How many levels of the chain terms are downdated by a dense product.
  int dense_downdate_levels() const;
  // A level with at least 1 / kDenseLevelShare of the trailing random effects among its rows is
  // downdated by a dense product: a scattered update costs about as much as 1/6 of the dense one
  // per entry it touches, once per pair of its rows.
  static constexpr int kDenseLevelShare = 6;

 private:
  void plan_chain_term(int j, const std::vector<RandomEffectsTerm>& terms);
  void plan_trailing_blocks(ChainPlan& c, const RandomEffectsTerm& term, const std::vector<RandomEffectsTerm>& terms);
  void link_parent_blocks();
  // For each chain term: which levels are heavy (downdated by a dense product); for q = 1 terms,
  // also the other levels' segments by column block.
  void plan_trailing_downdate();
};

}  // namespace lmm::internal
