// The penalized crossproducts apart from their structure: formed again for a new response they
// equal, to the bit, what forming them afresh gives; prior weights multiply each observation's
// products as repeating its row would; and a model refitted with a new response shares its
// design (Z, X and the factor's structure) instead of copying it.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "linalg/blocked_cholesky.hpp"
#include "linalg/crossproducts.hpp"
#include "linalg/factor_structure.hpp"
#include "lmm/lmm.hpp"
#include "model/model_state.hpp"
#include "model/random_effects_term.hpp"

namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using lmm::internal::BlockedCholesky;
using lmm::internal::Crossproducts;
using lmm::internal::FactorStructure;
using lmm::internal::RandomEffectsTerm;

struct Observations {
  std::vector<RandomEffectsTerm> terms;
  MatrixXd x;
  VectorXd y;
};

// Pupils in 30 classes in 10 schools (a nested chain: q = 1 then q = 2), crossed with 6 raters
// (q = 2, in the dense trailing block); an intercept and two predictors, one of them far from 0.
Observations nested_and_crossed(int n, std::mt19937_64& rng) {
  std::normal_distribution<double> normal;
  std::uniform_int_distribution<int> pick_class(0, 29), pick_rater(0, 5);
  std::vector<int> cls(static_cast<std::size_t>(n)), school(cls.size()), rater(cls.size());
  for (std::size_t i = 0; i < cls.size(); ++i) {
    cls[i] = i < 30 ? static_cast<int>(i) : pick_class(rng);
    school[i] = cls[i] / 3;
    rater[i] = i < 6 ? static_cast<int>(i) : pick_rater(rng);
  }
  Observations o;
  const std::vector<std::vector<int>> codes{cls, school, rater};
  const std::vector<int> levels{30, 10, 6}, q{1, 2, 2};
  for (std::size_t k = 0; k < codes.size(); ++k) {
    RandomEffectsTerm t;
    t.codes = codes[k];
    for (int l = 0; l < levels[k]; ++l) t.levels.push_back(std::to_string(l));
    t.z = MatrixXd::Ones(n, q[k]);
    for (int i = 0; i < n; ++i)
      for (int c = 1; c < q[k]; ++c) t.z(i, c) = normal(rng);
    o.terms.push_back(std::move(t));
  }
  o.x = MatrixXd::Ones(n, 3);
  o.y = VectorXd(n);
  for (int i = 0; i < n; ++i) {
    o.x(i, 1) = normal(rng);
    o.x(i, 2) = 1e4 + normal(rng);
    o.y(i) = 3.0 + o.x(i, 1) + normal(rng);
  }
  return o;
}

bool same(const lmm::internal::LevelBlocks& a, const lmm::internal::LevelBlocks& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols() || a.levels() != b.levels()) return false;
  for (Eigen::Index g = 0; g < a.levels(); ++g)
    if (!(a.block(g).array() == b.block(g).array()).all()) return false;
  return true;
}

void expect_identical(const Crossproducts& got, const Crossproducts& want) {
  ASSERT_EQ(got.chain.size(), want.chain.size());
  for (std::size_t j = 0; j < got.chain.size(); ++j) {
    EXPECT_TRUE(same(got.chain[j].diag, want.chain[j].diag)) << j;
    ASSERT_EQ(got.chain[j].below.size(), want.chain[j].below.size());
    for (std::size_t i = 0; i < got.chain[j].below.size(); ++i) EXPECT_TRUE(same(got.chain[j].below[i], want.chain[j].below[i]));
    EXPECT_EQ(got.chain[j].sparse, want.chain[j].sparse) << j;
    EXPECT_TRUE(same(got.chain[j].xy, want.chain[j].xy)) << j;
  }
  EXPECT_TRUE((got.a22.array() == want.a22.array()).all());
  EXPECT_TRUE((got.basis.array() == want.basis.array()).all());
  EXPECT_TRUE((got.basis_shift.array() == want.basis_shift.array()).all());
  EXPECT_EQ(got.y_scale, want.y_scale);
  EXPECT_EQ(got.log_abs_det_basis, want.log_abs_det_basis);
  EXPECT_EQ(got.exact_fit, want.exact_fit);
}

std::vector<MatrixXd> some_factors(const std::vector<RandomEffectsTerm>& terms) {
  std::vector<MatrixXd> out;
  for (const RandomEffectsTerm& t : terms) {
    MatrixXd f = MatrixXd::Identity(t.q(), t.q()) * 0.8;
    if (t.q() > 1) f(1, 0) = -0.3;
    out.push_back(f);
  }
  return out;
}

TEST(Crossproducts, ANewResponseFormsWhatFormingAfreshGives) {
  std::mt19937_64 rng(41);
  const Observations o = nested_and_crossed(400, rng);
  const FactorStructure s(o.terms, static_cast<int>(o.x.cols()));
  ASSERT_EQ(s.chain.size(), 2u);  // the crossed rater is in the dense block
  ASSERT_GT(s.m_re, 0);
  const Crossproducts first = lmm::internal::form_crossproducts(s, o.terms, o.x, o.y);
  std::normal_distribution<double> normal;
  for (const double shift : {0.0, 1e6}) {
    VectorXd y2(o.y.size());
    for (Eigen::Index i = 0; i < y2.size(); ++i) y2[i] = shift + 2.0 * o.x(i, 2) + normal(rng);
    expect_identical(lmm::internal::with_response(first, s, o.terms, o.x, y2),
                     lmm::internal::form_crossproducts(s, o.terms, o.x, y2));
  }
}

// A factor from the weighted crossproducts against one from the rows repeated w_i times: the
// same log determinants, penalized RSS and beta, to 1e-10 relative (the same sums in another
// order, on a well-conditioned design of 400 to 800 rows).
TEST(Crossproducts, IntegerWeightsActAsRepeatedRows) {
  std::mt19937_64 rng(42);
  const Observations o = nested_and_crossed(400, rng);
  std::uniform_int_distribution<int> pick_weight(1, 3);
  VectorXd w(o.y.size());
  std::vector<Eigen::Index> rows;
  for (Eigen::Index i = 0; i < w.size(); ++i) {
    w[i] = pick_weight(rng);
    for (int k = 0; k < static_cast<int>(w[i]); ++k) rows.push_back(i);
  }
  Observations repeated;
  const auto m = static_cast<Eigen::Index>(rows.size());
  repeated.x = MatrixXd(m, o.x.cols());
  repeated.y = VectorXd(m);
  for (const RandomEffectsTerm& t : o.terms) {
    RandomEffectsTerm r = t;
    r.codes.clear();
    r.z = MatrixXd(m, t.q());
    repeated.terms.push_back(std::move(r));
  }
  for (Eigen::Index k = 0; k < m; ++k) {
    const Eigen::Index i = rows[static_cast<std::size_t>(k)];
    repeated.x.row(k) = o.x.row(i);
    repeated.y[k] = o.y[i];
    for (std::size_t t = 0; t < o.terms.size(); ++t) {
      repeated.terms[t].codes.push_back(o.terms[t].codes[static_cast<std::size_t>(i)]);
      repeated.terms[t].z.row(k) = o.terms[t].z.row(i);
    }
  }
  auto structure = std::make_shared<const FactorStructure>(o.terms, static_cast<int>(o.x.cols()));
  BlockedCholesky weighted(structure, std::make_shared<const Crossproducts>(
                                          lmm::internal::form_crossproducts(*structure, o.terms, o.x, o.y, w)));
  BlockedCholesky expanded(repeated.terms, repeated.x, repeated.y);
  const std::vector<MatrixXd> factors = some_factors(o.terms);
  ASSERT_TRUE(weighted.update(factors));
  ASSERT_TRUE(expanded.update(factors));
  EXPECT_NEAR(weighted.log_det_random(), expanded.log_det_random(), 1e-10 * std::abs(expanded.log_det_random()));
  EXPECT_NEAR(weighted.log_det_fixed(), expanded.log_det_fixed(), 1e-10 * std::abs(expanded.log_det_fixed()));
  EXPECT_NEAR(weighted.pwrss(), expanded.pwrss(), 1e-10 * expanded.pwrss());
  const VectorXd beta = expanded.fixed_effects();
  EXPECT_LT((weighted.fixed_effects() - beta).lpNorm<Eigen::Infinity>(), 1e-10 * beta.lpNorm<Eigen::Infinity>());
}

// Weights of 1 are no weights, to 1e-12 relative: the weighted path takes the intercept's part
// out of y with the other columns' (its column is sqrt(w), not a constant), so the last digits
// may differ.
TEST(Crossproducts, UnitWeightsAreNoWeights) {
  std::mt19937_64 rng(43);
  const Observations o = nested_and_crossed(300, rng);
  auto structure = std::make_shared<const FactorStructure>(o.terms, static_cast<int>(o.x.cols()));
  const VectorXd ones = VectorXd::Ones(o.y.size());
  BlockedCholesky weighted(structure, std::make_shared<const Crossproducts>(
                                          lmm::internal::form_crossproducts(*structure, o.terms, o.x, o.y, ones)));
  BlockedCholesky plain(structure, o.terms, o.x, o.y);
  const std::vector<MatrixXd> factors = some_factors(o.terms);
  ASSERT_TRUE(weighted.update(factors));
  ASSERT_TRUE(plain.update(factors));
  EXPECT_NEAR(weighted.log_det_random(), plain.log_det_random(), 1e-12 * std::abs(plain.log_det_random()));
  EXPECT_NEAR(weighted.log_det_fixed(), plain.log_det_fixed(), 1e-12 * std::abs(plain.log_det_fixed()));
  EXPECT_NEAR(weighted.pwrss(), plain.pwrss(), 1e-12 * plain.pwrss());
}

// with_response() shares the model's design and forms only y's crossproducts; its fit is the fit
// of a model built afresh from data holding that response, to the bit.
TEST(Crossproducts, ARefitSharesTheDesignAndFitsAsAFreshModel) {
  lmm::DataFrame data = lmm::read_csv("../shared/data/sleepstudy.csv");
  data.declare_factor("Subject");
  const std::string formula = "Reaction ~ Days + (Days | Subject)";
  const lmm::LinearMixedModel model(formula, data);
  lmm::Column& reaction = data.column("Reaction");
  VectorXd y(static_cast<Eigen::Index>(reaction.size()));
  for (std::size_t i = 0; i < reaction.size(); ++i) {
    reaction.numbers[i] = 250.0 + 0.5 * reaction.numbers[i] + static_cast<double>((i * 37) % 11);
    y[static_cast<Eigen::Index>(i)] = reaction.numbers[i];
  }
  const lmm::LinearMixedModel refit = model.with_response(y);
  EXPECT_EQ(refit.state().design.get(), model.state().design.get());
  EXPECT_EQ(&refit.state().terms, &model.state().terms);  // Z is not copied
  const lmm::FitResult got = refit.fit();
  const lmm::FitResult want = lmm::LinearMixedModel(formula, data).fit();
  EXPECT_EQ(got.objective, want.objective);
  EXPECT_EQ(got.theta, want.theta);
  EXPECT_TRUE((got.fixef.array() == want.fixef.array()).all());
  EXPECT_EQ(got.sigma, want.sigma);
}

}  // namespace
