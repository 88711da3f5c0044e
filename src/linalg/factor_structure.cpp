#include "linalg/factor_structure.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace lmm::internal {

using Eigen::Index;

Grouping::Grouping(const std::vector<int>& codes, int groups)
    : start(static_cast<std::size_t>(groups) + 1, 0), members(codes.size()) {
  for (int g : codes) ++start[static_cast<std::size_t>(g) + 1];
  for (std::size_t g = 0; g + 1 < start.size(); ++g) start[g + 1] += start[g];
  std::vector<Index> next(start.begin(), start.end() - 1);
  for (std::size_t i = 0; i < codes.size(); ++i)
    members[static_cast<std::size_t>(next[static_cast<std::size_t>(codes[i])]++)] = static_cast<Index>(i);
}

std::vector<Index> Grouping::by_size() const {
  const std::size_t groups = start.size() - 1;
  Index largest = 0;
  for (std::size_t g = 0; g < groups; ++g) largest = std::max(largest, start[g + 1] - start[g]);
  std::vector<Index> first(static_cast<std::size_t>(largest) + 2, 0), order(groups);
  for (std::size_t g = 0; g < groups; ++g) ++first[static_cast<std::size_t>(start[g + 1] - start[g]) + 1];
  for (std::size_t s = 0; s + 1 < first.size(); ++s) first[s + 1] += first[s];
  for (std::size_t g = 0; g < groups; ++g)
    order[static_cast<std::size_t>(first[static_cast<std::size_t>(start[g + 1] - start[g])]++)] = static_cast<Index>(g);
  return order;
}

bool Grouping::is_identity() const {
  for (std::size_t g = 0; g + 1 < start.size(); ++g)
    if (start[g + 1] != static_cast<Index>(g) + 1 || members[g] != static_cast<Index>(g)) return false;
  return members.size() + 1 == start.size();
}

FactorStructure::FactorStructure(const std::vector<RandomEffectsTerm>& terms, int nfixed) : p(nfixed) {
  const auto k = static_cast<int>(terms.size());
  const int r = std::max(1, static_cast<int>(nested_chain_length(terms)));
  chain.resize(static_cast<std::size_t>(r));
  for (const RandomEffectsTerm& t : terms) max_q = std::max(max_q, t.q());
  for (int t = r; t < k; ++t) {
    const RandomEffectsTerm& term = terms[static_cast<std::size_t>(t)];
    term_offset.push_back(m_re);
    term_q.push_back(term.q());
    trailing_diagonal = trailing_diagonal && term.q() == 1;
    for (int row = 0; row < term.nranef(); ++row) row_term.push_back(t - r);
    m_re += term.nranef();
  }
  for (int j = 0; j < r; ++j) plan_chain_term(j, terms);
  link_parent_blocks();
  plan_trailing_downdate();
}

Index FactorStructure::column_block_width() const { return std::max<Index>(8, 65536 / std::max<Index>(1, dense_order())); }

int FactorStructure::dense_downdate_levels() const {
  std::size_t count = 0;
  for (const ChainPlan& c : chain) count += c.dense_levels.size();
  return static_cast<int>(count);
}

void FactorStructure::plan_chain_term(int j, const std::vector<RandomEffectsTerm>& terms) {
  ChainPlan& c = chain[static_cast<std::size_t>(j)];
  const RandomEffectsTerm& term = terms[static_cast<std::size_t>(j)];
  const auto r = static_cast<int>(chain.size());
  const Index n = term.z.rows();
  c.q = term.q();
  c.levels = term.nlevels();
  c.by_level = Grouping(term.codes, c.levels);
  for (int t = j + 1; t < r; ++t) {
    const RandomEffectsTerm& outer = terms[static_cast<std::size_t>(t)];
    std::vector<int> parent(static_cast<std::size_t>(c.levels), 0);
    for (Index i = 0; i < n; ++i) parent[static_cast<std::size_t>(term.codes[i])] = outer.codes[i];
    c.children.emplace_back(parent, outer.nlevels());
    c.parent_order.push_back(c.children.back().by_size());
    c.same_levels.push_back(static_cast<char>(c.children.back().is_identity()));
    c.parent.push_back(std::move(parent));
  }
  plan_trailing_blocks(c, term, terms);
}

// Block-sparse rows in the trailing block: one entry per observation and later term (entry
// e = i * later + k: observation i, term chain size + k), merged by trailing row within each
// level. Two stable counting sorts, by row and then by level, put each level's entries in row
// order in O(n) (a comparison sort per level took most of the model's construction at 10M rows).
void FactorStructure::plan_trailing_blocks(ChainPlan& c, const RandomEffectsTerm& term,
                                           const std::vector<RandomEffectsTerm>& terms) {
  const Index n = term.z.rows();
  c.blocks.assign(static_cast<std::size_t>(c.levels), {});
  const std::size_t first_later = chain.size();
  const auto later = static_cast<Index>(terms.size() - first_later);
  const Index total = n * later;
  std::vector<int> entry_row(static_cast<std::size_t>(total));
  for (Index i = 0; i < n; ++i)
    for (Index k = 0; k < later; ++k) {
      const RandomEffectsTerm& other = terms[first_later + static_cast<std::size_t>(k)];
      entry_row[static_cast<std::size_t>(i * later + k)] = term_offset[static_cast<std::size_t>(k)] + other.codes[i] * other.q();
    }
  std::vector<Index> next(static_cast<std::size_t>(m_re) + 1, 0);
  for (const int row : entry_row) ++next[static_cast<std::size_t>(row) + 1];
  std::partial_sum(next.begin(), next.end(), next.begin());
  std::vector<Index> by_row(static_cast<std::size_t>(total));
  for (Index e = 0; e < total; ++e) by_row[static_cast<std::size_t>(next[static_cast<std::size_t>(entry_row[static_cast<std::size_t>(e)])]++)] = e;
  auto observation = [later](Index e) { return later == 1 ? e : e / later; };
  next.resize(static_cast<std::size_t>(c.levels));
  for (int g = 0; g < c.levels; ++g) next[static_cast<std::size_t>(g)] = c.by_level.first(g) * later;
  std::vector<Index> ordered(static_cast<std::size_t>(total));
  for (const Index e : by_row) ordered[static_cast<std::size_t>(next[static_cast<std::size_t>(term.codes[observation(e)])]++)] = e;
  by_row = {};
  c.entry_offset.resize(static_cast<std::size_t>(total));
  for (int g = 0; g < c.levels; ++g) {
    auto& list = c.blocks[static_cast<std::size_t>(g)];
    for (Index k = c.by_level.first(g) * later; k < c.by_level.end(g) * later; ++k) {
      const Index e = ordered[static_cast<std::size_t>(k)];
      const int row = entry_row[static_cast<std::size_t>(e)];
      const auto t = first_later + static_cast<std::size_t>(e % later);
      if (list.empty() || list.back().row != row) {
        list.push_back({row, terms[t].q(), static_cast<int>(t), c.sparse_size});
        c.sparse_size += static_cast<std::size_t>(terms[t].q() * c.q);
      }
      c.entry_offset[static_cast<std::size_t>(e)] = list.back().offset;
    }
  }
  c.row_start.assign(static_cast<std::size_t>(c.levels) + 1, 0);
  for (int g = 0; g < c.levels; ++g) {
    for (const SparseBlock& b : c.blocks[static_cast<std::size_t>(g)])
      for (int row = 0; row < b.rows; ++row) c.rows.push_back(b.row + row);
    c.row_start[static_cast<std::size_t>(g) + 1] = c.rows.size();
  }
}

// A level's trailing rows are among those of the level containing it in a later chain term
// (an observation of the one is an observation of the other), so eliminating it only updates
// existing blocks of that column: find them once.
void FactorStructure::link_parent_blocks() {
  for (std::size_t j = 0; j < chain.size(); ++j) {
    ChainPlan& c = chain[j];
    for (std::size_t i = j + 1; i < chain.size(); ++i) {
      const ChainPlan& outer = chain[i];
      std::vector<std::size_t> offsets;
      for (int g = 0; g < c.levels; ++g) {
        const auto& list = outer.blocks[static_cast<std::size_t>(c.parent[i - j - 1][static_cast<std::size_t>(g)])];
        for (const SparseBlock& b : c.blocks[static_cast<std::size_t>(g)]) {
          const auto it = std::lower_bound(list.begin(), list.end(), b.row,
                                           [](const SparseBlock& x, int row) { return x.row < row; });
          if (it == list.end() || it->row != b.row)
            throw std::logic_error("blocked Cholesky: a nested level has a trailing block its parent lacks");
          offsets.push_back(it->offset);
        }
      }
      c.parent_block.push_back(std::move(offsets));
    }
  }
}

void FactorStructure::plan_trailing_downdate() {
  if (m_re == 0) return;
  const Index width = column_block_width();
  const auto nblocks = static_cast<std::size_t>((m_re + width - 1) / width);
  for (ChainPlan& c : chain) {
    c.is_dense.assign(static_cast<std::size_t>(c.levels), 0);
    for (int g = 0; g < c.levels; ++g)
      if (static_cast<Index>(c.row_count(g)) * kDenseLevelShare >= m_re) {
        c.dense_levels.push_back(g);
        c.is_dense[static_cast<std::size_t>(g)] = 1;
      }
    if (c.q != 1) continue;
    // Segments: count per block, then fill in level order (a counting sort by block).
    auto each_segment = [&](auto&& emit) {
      for (int g = 0; g < c.levels; ++g) {
        if (c.is_dense[static_cast<std::size_t>(g)]) continue;
        Index last = -1;
        for (std::size_t j = c.row_start[static_cast<std::size_t>(g)]; j < c.row_start[static_cast<std::size_t>(g) + 1]; ++j)
          if (const Index b = c.rows[j] / width; b != last) {
            emit(static_cast<std::size_t>(b), g, j);
            last = b;
          }
      }
    };
    c.segment_start.assign(nblocks + 1, 0);
    each_segment([&](std::size_t b, int, std::size_t) { ++c.segment_start[b + 1]; });
    for (std::size_t b = 0; b < nblocks; ++b) c.segment_start[b + 1] += c.segment_start[b];
    c.segments.resize(c.segment_start.back());
    std::vector<std::size_t> next(c.segment_start.begin(), c.segment_start.end() - 1);
    each_segment([&](std::size_t b, int g, std::size_t j) { c.segments[next[b]++] = {j, g}; });
  }
}

}  // namespace lmm::internal
