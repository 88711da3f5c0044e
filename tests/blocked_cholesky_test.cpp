// The blocked Cholesky factor against the same quantities computed densely, on designs that
// exercise each block structure: a nested chain of three terms with q = 1, 2, 1 and a crossed
// term after it; two terms on one grouping factor; a purely crossed design.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <random>
#include <string>
#include <vector>

#include "linalg/blocked_cholesky.hpp"
#include "model/random_effects_term.hpp"
#include "util/parallel.hpp"

namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using lmm::internal::BlockedCholesky;
using lmm::internal::RandomEffectsTerm;

RandomEffectsTerm make_term(const std::vector<int>& codes, int nlevels, int q, std::mt19937_64& rng) {
  std::normal_distribution<double> normal;
  RandomEffectsTerm t;
  t.codes = codes;
  for (int l = 0; l < nlevels; ++l) t.levels.push_back(std::to_string(l));
  t.z = MatrixXd(static_cast<Eigen::Index>(codes.size()), q);
  for (Eigen::Index i = 0; i < t.z.rows(); ++i) {
    t.z(i, 0) = 1.0;
    for (int k = 1; k < q; ++k) t.z(i, k) = normal(rng);
  }
  return t;
}

MatrixXd random_factor(int q, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> unif(0.2, 1.5);
  MatrixXd t = MatrixXd::Zero(q, q);
  for (int c = 0; c < q; ++c)
    for (int r = c; r < q; ++r) t(r, c) = r == c ? unif(rng) : unif(rng) - 0.8;
  return t;
}

struct Design {
  std::vector<RandomEffectsTerm> terms;
  MatrixXd x;
  VectorXd y;
};

// Dense reference: the lower Cholesky factor of [Lambda'Z'Z Lambda + I, ...; ...] over [Z X y].
struct Dense {
  MatrixXd l;  // full factor
  Eigen::Index nz = 0;
  int p = 0;
};

Dense dense_factor(const Design& d, const std::vector<MatrixXd>& factors) {
  Eigen::Index nz = 0;
  for (const auto& t : d.terms) nz += t.nranef();
  const Eigen::Index n = d.x.rows();
  const auto p = static_cast<int>(d.x.cols());
  MatrixXd w = MatrixXd::Zero(n, nz + p + 1);  // [Z Lambda, X, y]
  Eigen::Index offset = 0;
  for (std::size_t k = 0; k < d.terms.size(); ++k) {
    const RandomEffectsTerm& t = d.terms[k];
    for (Eigen::Index i = 0; i < n; ++i)
      w.row(i).segment(offset + static_cast<Eigen::Index>(t.codes[i]) * t.q(), t.q()) = t.z.row(i) * factors[k];
    offset += t.nranef();
  }
  w.middleCols(nz, p) = d.x;
  w.col(nz + p) = d.y;
  MatrixXd a = w.transpose() * w;
  a.diagonal().head(nz).array() += 1.0;
  Dense out;
  out.l = a.llt().matrixL();
  out.nz = nz;
  out.p = p;
  return out;
}

void expect_matches_dense(const Design& d, const std::vector<MatrixXd>& factors, int nested_terms) {
  BlockedCholesky chol(d.terms, d.x, d.y);
  EXPECT_EQ(chol.nested_terms(), nested_terms);
  ASSERT_TRUE(chol.update(factors));
  const Dense ref = dense_factor(d, factors);
  const Eigen::Index nz = ref.nz;
  const int p = ref.p;
  // Relative tolerances of 1e-10: the same factor computed in another order, in double precision
  // on well-conditioned matrices of order < 300.
  const double ld_random = 2.0 * ref.l.diagonal().head(nz).array().log().sum();
  const double ld_fixed = 2.0 * ref.l.diagonal().segment(nz, p).array().log().sum();
  const double pwrss = ref.l(nz + p, nz + p) * ref.l(nz + p, nz + p);
  EXPECT_NEAR(chol.log_det_random(), ld_random, 1e-10 * std::abs(ld_random));
  EXPECT_NEAR(chol.log_det_fixed(), ld_fixed, 1e-10 * std::abs(ld_fixed));
  EXPECT_NEAR(chol.pwrss(), pwrss, 1e-10 * pwrss);

  // Conditional estimates: L' [u; beta] = [c_z; c_x] with c the y row of L.
  VectorXd solution = ref.l.row(nz + p).head(nz + p).transpose();
  ref.l.topLeftCorner(nz + p, nz + p).triangularView<Eigen::Lower>().transpose().solveInPlace(solution);
  VectorXd beta, u;
  chol.solve(beta, u);
  ASSERT_EQ(u.size(), nz);
  EXPECT_LT((u - solution.head(nz)).lpNorm<Eigen::Infinity>(), 1e-10 * (1.0 + solution.head(nz).lpNorm<Eigen::Infinity>()));
  EXPECT_LT((beta - solution.tail(p)).lpNorm<Eigen::Infinity>(), 1e-10 * (1.0 + solution.tail(p).lpNorm<Eigen::Infinity>()));
  EXPECT_LT((chol.fixed_effects() - beta).lpNorm<Eigen::Infinity>(), 1e-10 * (1.0 + beta.lpNorm<Eigen::Infinity>()));

  // Diagonal blocks of (Lambda'Z'Z Lambda + I)^{-1}.
  const MatrixXd lz = ref.l.topLeftCorner(nz, nz);
  const MatrixXd lz_inv = lz.triangularView<Eigen::Lower>().solve(MatrixXd::Identity(nz, nz));
  const MatrixXd inverse = lz_inv.transpose() * lz_inv;
  const std::vector<MatrixXd> blocks = chol.random_effects_inverse_blocks();
  ASSERT_EQ(blocks.size(), d.terms.size());
  Eigen::Index offset = 0;
  for (std::size_t k = 0; k < d.terms.size(); ++k) {
    const int q = d.terms[k].q();
    for (int g = 0; g < d.terms[k].nlevels(); ++g) {
      const MatrixXd want = inverse.block(offset + g * q, offset + g * q, q, q);
      const MatrixXd got = blocks[k].middleCols(static_cast<Eigen::Index>(g) * q, q);
      EXPECT_LT((got - want).lpNorm<Eigen::Infinity>(), 1e-10) << "term " << k << " level " << g;
    }
    offset += d.terms[k].nranef();
  }
}

Design make_design(int n, const std::vector<std::vector<int>>& codes, const std::vector<int>& nlevels,
                   const std::vector<int>& q, std::mt19937_64& rng, int p = 2) {
  std::normal_distribution<double> normal;
  Design d;
  for (std::size_t k = 0; k < codes.size(); ++k) d.terms.push_back(make_term(codes[k], nlevels[k], q[k], rng));
  d.x = MatrixXd(n, p);
  d.y = VectorXd(n);
  for (int i = 0; i < n; ++i) {
    d.x(i, 0) = 1.0;
    for (int k = 1; k < p; ++k) d.x(i, k) = normal(rng);
    d.y(i) = normal(rng) + d.x(i, 1);
  }
  return d;
}

// The factor on one thread and on two, bit for bit: each entry gets the same operations in the
// same order on any thread count.
void expect_same_on_one_and_two_threads(const Design& d, const std::vector<MatrixXd>& factors) {
  int& budget = lmm::internal::linalg_thread_budget();
  const int saved = budget;
  budget = 1;
  BlockedCholesky one(d.terms, d.x, d.y);
  const bool one_ok = one.update(factors);
  budget = 2;
  BlockedCholesky two(d.terms, d.x, d.y);
  const bool two_ok = two.update(factors);
  budget = saved;
  ASSERT_TRUE(one_ok);
  ASSERT_TRUE(two_ok);
  EXPECT_EQ(one.log_det_random(), two.log_det_random());
  EXPECT_EQ(one.pwrss(), two.pwrss());
  EXPECT_EQ(one.log_det_fixed(), two.log_det_fixed());
}

std::vector<MatrixXd> random_factors(const Design& d, std::mt19937_64& rng) {
  std::vector<MatrixXd> out;
  for (const auto& t : d.terms) out.push_back(random_factor(t.q(), rng));
  return out;
}

TEST(BlockedCholesky, NestedChainOfThreeTermsThenACrossedTerm) {
  std::mt19937_64 rng(11);
  const int n = 600;
  // 60 classes in 20 schools in 5 districts (class c in school c / 3, school s in district s / 4),
  // and a crossed rater with 7 levels.
  std::vector<int> cls(n), school(n), district(n), rater(n);
  std::uniform_int_distribution<int> pick_class(0, 59), pick_rater(0, 6);
  for (int i = 0; i < n; ++i) {
    cls[i] = i < 60 ? i : pick_class(rng);
    school[i] = cls[i] / 3;
    district[i] = school[i] / 4;
    rater[i] = i < 7 ? i : pick_rater(rng);
  }
  Design d = make_design(n, {cls, school, district, rater}, {60, 20, 5, 7}, {1, 2, 1, 2}, rng);
  for (int trial = 0; trial < 3; ++trial) expect_matches_dense(d, random_factors(d, rng), 3);
}

TEST(BlockedCholesky, TwoTermsOnOneFactorNestedInAThird) {
  std::mt19937_64 rng(12);
  const int n = 400;
  std::vector<int> cls(n), school(n);
  std::uniform_int_distribution<int> pick_class(0, 39);
  for (int i = 0; i < n; ++i) {
    cls[i] = i < 40 ? i : pick_class(rng);
    school[i] = cls[i] / 4;
  }
  Design d = make_design(n, {cls, cls, school}, {40, 40, 10}, {1, 1, 2}, rng);
  for (int trial = 0; trial < 3; ++trial) expect_matches_dense(d, random_factors(d, rng), 3);
}

// Three terms on one factor, as (x + z || class) makes, nested in a fourth with a crossed term
// after it: the first two leave their updates of the school terms for the third to sum.
TEST(BlockedCholesky, ThreeTermsOnOneFactorShareTheirParentUpdates) {
  std::mt19937_64 rng(18);
  const int n = 500;
  std::vector<int> cls(n), school(n), rater(n);
  std::uniform_int_distribution<int> pick_class(0, 44), pick_rater(0, 4);
  for (int i = 0; i < n; ++i) {
    cls[i] = i < 45 ? i : pick_class(rng);
    school[i] = cls[i] / 5;
    rater[i] = i < 5 ? i : pick_rater(rng);
  }
  Design d = make_design(n, {cls, cls, cls, school, rater}, {45, 45, 45, 9, 5}, {1, 1, 1, 2, 1}, rng);
  for (int trial = 0; trial < 3; ++trial) expect_matches_dense(d, random_factors(d, rng), 4);
}

TEST(BlockedCholesky, CrossedTermsLeaveTheFirstTermAlone) {
  std::mt19937_64 rng(13);
  const int n = 500;
  std::vector<int> subject(n), item(n), site(n);
  std::uniform_int_distribution<int> pick_subject(0, 49), pick_item(0, 29), pick_site(0, 3);
  for (int i = 0; i < n; ++i) {
    subject[i] = i < 50 ? i : pick_subject(rng);
    item[i] = i < 30 ? i : pick_item(rng);
    site[i] = i < 4 ? i : pick_site(rng);
  }
  Design d = make_design(n, {subject, item, site}, {50, 30, 4}, {2, 3, 1}, rng);
  for (int trial = 0; trial < 3; ++trial) expect_matches_dense(d, random_factors(d, rng), 1);
}

// Blocks wider than the kernels' compile-time sizes (q = 5 and 3 in the chain, 6 in the crossed
// term, p + 1 = 10 [X y] rows), where they take their sizes at run time; 37 classes, not a
// multiple of the SIMD lanes.
TEST(BlockedCholesky, WideTermsAndManyFixedEffectsTakeTheRunTimeSizedKernels) {
  std::mt19937_64 rng(17);
  const int n = 700;
  std::vector<int> cls(n), school(n), rater(n);
  std::uniform_int_distribution<int> pick_class(0, 36), pick_rater(0, 5);
  for (int i = 0; i < n; ++i) {
    cls[i] = i < 37 ? i : pick_class(rng);
    school[i] = cls[i] / 4;
    rater[i] = i < 6 ? i : pick_rater(rng);
  }
  Design d = make_design(n, {cls, school, rater}, {37, 10, 6}, {5, 3, 6}, rng, 9);
  for (int trial = 0; trial < 3; ++trial) expect_matches_dense(d, random_factors(d, rng), 2);
}

TEST(BlockedCholesky, ZeroVarianceInTheChainStillFactors) {
  std::mt19937_64 rng(14);
  const int n = 300;
  std::vector<int> cls(n), school(n);
  std::uniform_int_distribution<int> pick_class(0, 29);
  for (int i = 0; i < n; ++i) {
    cls[i] = i < 30 ? i : pick_class(rng);
    school[i] = cls[i] / 5;
  }
  Design d = make_design(n, {cls, school}, {30, 6}, {1, 2}, rng);
  std::vector<MatrixXd> factors = random_factors(d, rng);
  factors[0].setZero();  // a singular fit: the class variance on its boundary
  expect_matches_dense(d, factors, 2);
}

}  // namespace

namespace {

// Large enough for the column-blocked downdate (>= 256 trailing random effects) and the
// parallel dense Cholesky (order >= 512), on one thread and on two.
TEST(BlockedCholesky, LargeCrossedDesignUsesTheParallelKernelsAndMatchesDense) {
  std::mt19937_64 rng(15);
  const int n = 6000;
  std::vector<int> user(n), item(n);
  std::uniform_int_distribution<int> pick_user(0, 699), pick_item(0, 599);
  for (int i = 0; i < n; ++i) {
    user[i] = i < 700 ? i : pick_user(rng);
    item[i] = i < 600 ? i : pick_item(rng);
  }
  Design d = make_design(n, {user, item}, {700, 600}, {1, 1}, rng);
  const std::vector<MatrixXd> factors = random_factors(d, rng);
  EXPECT_GE(BlockedCholesky(d.terms, d.x, d.y).dense_order(), 512);
  expect_same_on_one_and_two_threads(d, factors);
  expect_matches_dense(d, factors, 1);
}

// Heavy users (each meeting 120 of the 300 items, over the 1/6 share) are downdated by one dense
// product after the scattered updates of the others: same factor as the dense reference, and
// bit for bit the same on one thread or two.
TEST(BlockedCholesky, HeavyLevelsOfACrossedDesignUseADenseProductAndMatchDense) {
  std::mt19937_64 rng(16);
  std::vector<int> user, item;
  std::uniform_int_distribution<int> pick_user(0, 399), pick_item(0, 299);
  for (int i = 0; i < 400; ++i) {
    user.push_back(i);
    item.push_back(i % 300);
  }
  for (int heavy = 0; heavy < 6; ++heavy)
    for (int k = 0; k < 120; ++k) {
      user.push_back(heavy);
      item.push_back((k * 7 + heavy * 31) % 300);
    }
  for (int i = 0; i < 3000; ++i) {
    user.push_back(pick_user(rng));
    item.push_back(pick_item(rng));
  }
  const auto n = static_cast<int>(user.size());
  Design d = make_design(n, {user, item}, {400, 300}, {1, 1}, rng);
  EXPECT_EQ(BlockedCholesky(d.terms, d.x, d.y).dense_downdate_levels(), 6);
  expect_same_on_one_and_two_threads(d, random_factors(d, rng));
  for (int trial = 0; trial < 2; ++trial) expect_matches_dense(d, random_factors(d, rng), 1);
}

// Vector-valued terms, as in kb07: subjects (q = 4) crossed with items (q = 2), 12 subjects
// meeting every one of the 30 items and 28 meeting 3 each. The 12 are heavy (60 of the 60
// trailing rows, over the 1/6 share; the others have 6), so their q columns each go into the
// dense product; the light ones keep their scattered updates. The trailing block (60 + p + 1)
// is too small for the column-blocked downdate, which only q = 1 terms use anyway.
TEST(BlockedCholesky, HeavyLevelsOfAVectorValuedTermUseADenseProductAndMatchDense) {
  std::mt19937_64 rng(17);
  std::vector<int> subject, item;
  for (int s = 0; s < 12; ++s)
    for (int i = 0; i < 30; ++i) {
      subject.push_back(s);
      item.push_back(i);
    }
  for (int s = 12; s < 40; ++s)
    for (int k = 0; k < 3; ++k) {
      subject.push_back(s);
      item.push_back((s * 7 + k * 3) % 30);
    }
  const auto n = static_cast<int>(subject.size());
  Design d = make_design(n, {subject, item}, {40, 30}, {4, 2}, rng);
  EXPECT_EQ(BlockedCholesky(d.terms, d.x, d.y).dense_downdate_levels(), 12);
  expect_same_on_one_and_two_threads(d, random_factors(d, rng));
  for (int trial = 0; trial < 2; ++trial) expect_matches_dense(d, random_factors(d, rng), 1);
}

// Light levels of a vector-valued first term (4 rows each among 40 items) go level by level,
// with loops sized at compile time up to q = 4 and at run time above: q = 3 and q = 5 here.
TEST(BlockedCholesky, LightLevelsOfVectorValuedTermsMatchDense) {
  for (const int q : {3, 5}) {
    std::mt19937_64 rng(static_cast<std::uint64_t>(23 + q));
    std::vector<int> subject, item;
    for (int s = 0; s < 60; ++s)
      for (int k = 0; k < 4; ++k) {
        subject.push_back(s);
        item.push_back((s * 11 + k * 7) % 40);
      }
    const auto n = static_cast<int>(subject.size());
    Design d = make_design(n, {subject, item}, {60, 40}, {q, 1}, rng);
    EXPECT_EQ(BlockedCholesky(d.terms, d.x, d.y).dense_downdate_levels(), 0);
    expect_same_on_one_and_two_threads(d, random_factors(d, rng));
    for (int trial = 0; trial < 2; ++trial) expect_matches_dense(d, random_factors(d, rng), 1);
  }
}

}  // namespace
