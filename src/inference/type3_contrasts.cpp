#include "inference/type3_contrasts.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "formula/contrasts.hpp"
#include "formula/model_matrix.hpp"
#include "lmm/error.hpp"
#include "model/fixed_effects_matrix.hpp"
#include "util/excerpt.hpp"
#include "report/r_numbers.hpp"

namespace lmm::internal {
namespace {

constexpr int kZapDigits = 7;             // zapsmall()'s default, getOption("digits")
constexpr double kLinearFitTolerance = 1e-7;  // lm.fit()'s tol
constexpr double kZeroRow = 1e-8;         // extract_contrasts_type3 drops rows with sum |L| <= this

// zapsmall() of a whole matrix.
Eigen::MatrixXd zapsmall(const Eigen::MatrixXd& m) {
  const std::vector<double> zapped = r_zapsmall(std::vector<double>(m.data(), m.data() + m.size()), kZapDigits);
  return Eigen::Map<const Eigen::MatrixXd>(zapped.data(), m.rows(), m.cols());
}

// MASS::ginv(x) %*% y: the pseudo-inverse over singular values above sqrt(eps) x the largest.
Eigen::MatrixXd ginv_times(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y) {
  const Eigen::BDCSVD<Eigen::MatrixXd> svd(x, Eigen::ComputeThinU | Eigen::ComputeThinV);
  const Eigen::VectorXd& s = svd.singularValues();
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(x.cols(), y.cols());
  if (s.size() == 0) return out;
  const double tolerance = std::max(std::sqrt(std::numeric_limits<double>::epsilon()) * s[0], 0.0);
  for (Eigen::Index k = 0; k < s.size(); ++k)
    if (s[k] > tolerance) out += svd.matrixV().col(k) * ((svd.matrixU().col(k).transpose() * y) / s[k]);
  return out;
}

// resid(lm.fit(x, y)): y less its projection on the columns of x, a column counting only when
// it is not within lm.fit's tolerance of the span of the ones before it.
Eigen::MatrixXd linear_fit_residuals(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y) {
  Eigen::MatrixXd basis(x.rows(), 0);
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    Eigen::VectorXd v = x.col(j);
    const double norm = v.norm();
    for (int pass = 0; pass < 2; ++pass) v -= basis * (basis.transpose() * v);
    const double rest = v.norm();
    if (norm == 0.0 || rest <= kLinearFitTolerance * norm) continue;
    basis.conservativeResize(Eigen::NoChange, basis.cols() + 1);
    basis.col(basis.cols() - 1) = v / rest;
  }
  Eigen::MatrixXd r = y;
  for (int pass = 0; pass < 2; ++pass) r -= basis * (basis.transpose() * r);
  return r;
}

// term2colX(): the columns of X that belong to each term (assign k -> terms[k - 1]).
std::vector<std::vector<Eigen::Index>> columns_of_terms(const DesignMatrix& x, std::size_t nterms) {
  std::vector<std::vector<Eigen::Index>> map(nterms);
  for (std::size_t c = 0; c < x.assign.size(); ++c)
    if (x.assign[c] > 0) map[static_cast<std::size_t>(x.assign[c] - 1)].push_back(static_cast<Eigen::Index>(c));
  return map;
}

// Rows `rows` of L, without those whose absolute values sum to at most kZeroRow.
Eigen::MatrixXd nonzero_rows(const Eigen::MatrixXd& L, const std::vector<Eigen::Index>& rows) {
  std::vector<Eigen::Index> keep;
  for (Eigen::Index r : rows)
    if (L.row(r).cwiseAbs().sum() > kZeroRow) keep.push_back(r);
  Eigen::MatrixXd out(static_cast<Eigen::Index>(keep.size()), L.cols());
  for (std::size_t k = 0; k < keep.size(); ++k) out.row(static_cast<Eigen::Index>(k)) = L.row(keep[k]);
  return out;
}

// get_contrasts_type1(): rows of t(doolittle(X'X)$L), the term's columns, for each term.
std::vector<TermContrast> type1_contrasts(const ModelState& m, const std::vector<std::string>& labels) {
  const Eigen::MatrixXd& x = m.x.matrix;
  const Eigen::Index p = x.cols();
  std::vector<TermContrast> out;
  if (p == 0 || (p == 1 && m.spec.fixed.intercept)) return out;  // nothing to test
  const Eigen::MatrixXd L =
      p == 1 ? Eigen::MatrixXd::Ones(1, 1) : Eigen::MatrixXd(doolittle_lower(x.transpose() * x).transpose());
  const auto map = columns_of_terms(m.x, labels.size());
  for (std::size_t t = 0; t < labels.size(); ++t) {
    Eigen::MatrixXd rows(static_cast<Eigen::Index>(map[t].size()), p);
    for (std::size_t k = 0; k < map[t].size(); ++k) rows.row(static_cast<Eigen::Index>(k)) = L.row(map[t][k]);
    out.push_back({labels[t], rows});
  }
  return out;
}

// get_rdX(): the intercept and each term coded by indicators of all its cells (model.matrix(~ 0
// + term)), side by side.
DesignMatrix cell_design(const TermList& fixed, const std::vector<Variable>& variables, std::size_t nobs) {
  const Eigen::Index n = static_cast<Eigen::Index>(nobs);
  std::vector<DesignMatrix> blocks;
  Eigen::Index columns = fixed.intercept ? 1 : 0;
  for (const Term& term : fixed.terms) {
    TermList single;
    single.variables = fixed.variables;
    single.variable_names = fixed.variable_names;
    single.terms = {term};
    single.intercept = false;
    blocks.push_back(model_matrix(single, variables, nobs));
    columns += blocks.back().matrix.cols();
  }
  DesignMatrix rd;
  rd.matrix.resize(n, columns);
  Eigen::Index at = 0;
  if (fixed.intercept) {
    rd.matrix.col(at++).setOnes();
    rd.names.push_back("(Intercept)");
  }
  for (const DesignMatrix& b : blocks) {
    rd.matrix.middleCols(at, b.matrix.cols()) = b.matrix;
    at += b.matrix.cols();
    rd.names.insert(rd.names.end(), b.names.begin(), b.names.end());
  }
  return rd;
}

// extract_contrasts_type3(): the coefficients of X (treatment-coded, full rank) expressed in the
// cell coding, each term's made orthogonal to the terms that contain it (highest order first),
// read back on X's columns.
std::vector<TermContrast> extract_type3(const TermList& fixed, const std::vector<Variable>& variables, const DesignMatrix& x,
                                        const std::vector<std::string>& labels, std::vector<std::string>& messages) {
  const DesignMatrix rd = cell_design(fixed, variables, static_cast<std::size_t>(x.matrix.rows()));
  std::vector<std::string> empty;
  for (Eigen::Index c = 0; c < rd.matrix.cols(); ++c)
    if ((rd.matrix.col(c).array() == 0.0).all()) empty.push_back(rd.names[static_cast<std::size_t>(c)]);
  if (!empty.empty()) {
    std::string list;
    for (const std::string& e : empty) list += (list.empty() ? "" : ", ") + e;
    messages.push_back("Missing cells for: " + list + ". Interpret type III hypotheses with care.");
  }

  // L: rows are the cells (columns of rdX), columns are X's coefficients.
  Eigen::MatrixXd L = zapsmall(ginv_times(x.matrix, rd.matrix).transpose());
  const auto map = columns_of_terms(x, labels.size());
  std::vector<bool> numeric;
  for (const Variable& v : variables) numeric.push_back(!v.is_factor);
  const auto containers = contained_in(fixed, numeric);

  std::vector<std::size_t> order(fixed.terms.size());
  for (std::size_t t = 0; t < order.size(); ++t) order[t] = t;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return fixed.terms[a].size() > fixed.terms[b].size(); });
  for (std::size_t t : order) {
    if (containers[t].empty() || map[t].empty()) continue;
    std::vector<Eigen::Index> cols;
    for (std::size_t c : containers[t]) cols.insert(cols.end(), map[c].begin(), map[c].end());
    Eigen::MatrixXd x(L.rows(), static_cast<Eigen::Index>(cols.size())), y(L.rows(), static_cast<Eigen::Index>(map[t].size()));
    for (std::size_t k = 0; k < cols.size(); ++k) x.col(static_cast<Eigen::Index>(k)) = L.col(cols[k]);
    for (std::size_t k = 0; k < map[t].size(); ++k) y.col(static_cast<Eigen::Index>(k)) = L.col(map[t][k]);
    const Eigen::MatrixXd r = zapsmall(linear_fit_residuals(x, y));
    for (std::size_t k = 0; k < map[t].size(); ++k) L.col(map[t][k]) = r.col(static_cast<Eigen::Index>(k));
  }

  // L[colnames(X), ]: the cells named as X's columns, in X's order.
  const Eigen::Index p = x.matrix.cols();
  Eigen::MatrixXd on_x(p, p);
  for (Eigen::Index c = 0; c < p; ++c) {
    const std::string& name = x.names[static_cast<std::size_t>(c)];
    const auto it = std::find(rd.names.begin(), rd.names.end(), name);
    if (it == rd.names.end())
      throw Error(ErrorKind::kModel, "type III contrasts: coefficient " + quote(name) + " is not a cell of its term");
    on_x.row(c) = L.row(it - rd.names.begin());
  }
  const Eigen::MatrixXd contrasts = on_x.transpose();  // row j: the contrast of coefficient j
  std::vector<TermContrast> out;
  for (std::size_t t = 0; t < labels.size(); ++t) out.push_back({labels[t], nonzero_rows(contrasts, map[t])});
  return out;
}

// Whether every factor of the fixed effects has treatment contrasts.
bool treatment_coded(const std::vector<Variable>& variables) {
  return std::all_of(variables.begin(), variables.end(), [](const Variable& v) {
    return !v.is_factor || effective_contrasts(v.contrasts, v.ordered) == Contrasts::kTreatment;
  });
}

// lmerTest's get_contrasts_type3() for other codings (sum, helmert, poly, SAS): the hypotheses
// of X remade with treatment contrasts (full rank), mapped onto the model's coefficients by
// zapsmall(ginv(X_treatment) X).
std::vector<TermContrast> recoded_type3(const ModelState& m, const std::vector<std::string>& labels,
                                        std::vector<std::string>& messages) {
  std::vector<Variable> treatment = m.frame.fixed;
  for (Variable& v : treatment) v.contrasts = Contrasts::kTreatment;
  DesignMatrix x = model_matrix(m.spec.fixed, treatment, m.frame.nobs);
  drop_rank_deficient_columns(x);
  std::vector<TermContrast> out = extract_type3(m.spec.fixed, treatment, x, labels, messages);
  const Eigen::MatrixXd map = zapsmall(ginv_times(x.matrix, m.x.matrix));
  for (TermContrast& t : out) t.L = t.L * map;
  return out;
}

}  // namespace

std::string term_label(const TermList& terms, const Term& term) {
  std::string label;
  for (std::size_t k = 0; k < term.size(); ++k)
    label += (k ? ":" : "") + terms.variable_names[static_cast<std::size_t>(term[k])];
  return label;
}

int factor_code(const TermList& terms, const Term& term, int v) {
  Term rest;
  for (int w : term)
    if (w != v) rest.push_back(w);
  return rest.empty() || terms.contains(rest) ? 1 : 2;
}

std::vector<std::vector<std::size_t>> contained_in(const TermList& terms, const std::vector<bool>& numeric) {
  const std::size_t n = terms.terms.size();
  std::vector<std::vector<int>> vars(n), numerics(n);
  for (std::size_t t = 0; t < n; ++t)
    for (int v : terms.terms[t]) {
      if (numeric[static_cast<std::size_t>(v)]) numerics[t].push_back(v);
      if (factor_code(terms, terms.terms[t], v) == 1) vars[t].push_back(v);
    }
  const auto includes = [](const std::vector<int>& big, const std::vector<int>& small) {
    return std::all_of(small.begin(), small.end(), [&](int v) { return std::find(big.begin(), big.end(), v) != big.end(); });
  };
  std::vector<std::vector<std::size_t>> out(n);
  for (std::size_t a = 0; a < n; ++a)
    for (std::size_t b = 0; b < n; ++b) {
      const bool strictly_more = !includes(vars[a], vars[b]);
      const bool same_numerics = includes(numerics[a], numerics[b]) && includes(numerics[b], numerics[a]);
      if (includes(vars[b], vars[a]) && strictly_more && same_numerics) out[a].push_back(b);
    }
  return out;
}

Eigen::MatrixXd doolittle_lower(const Eigen::MatrixXd& x, double eps) {
  if (x.rows() != x.cols()) throw Error(ErrorKind::kUsage, "doolittle: the matrix is not square");
  const Eigen::Index n = x.rows();
  Eigen::MatrixXd L = Eigen::MatrixXd::Identity(n, n), U = Eigen::MatrixXd::Zero(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j) {
      U(i, j) = x(i, j);
      for (Eigen::Index k = 0; k < i; ++k) U(i, j) -= L(i, k) * U(k, j);
    }
    for (Eigen::Index j = i + 1; j < n; ++j) {
      L(j, i) = x(j, i);
      for (Eigen::Index k = 0; k < i; ++k) L(j, i) -= L(j, k) * U(k, i);
      L(j, i) = std::fabs(U(i, i)) < eps ? 0.0 : L(j, i) / U(i, i);
    }
  }
  for (Eigen::Index i = 0; i < L.size(); ++i)
    if (std::fabs(L.data()[i]) < eps) L.data()[i] = 0.0;
  return L;
}

std::vector<TermContrast> type3_contrasts(const ModelState& m, std::vector<std::string>& messages) {
  const TermList& fixed = m.spec.fixed;
  if (m.x.assign.size() != m.x.names.size())
    throw Error(ErrorKind::kModel, "type III contrasts need the terms of the fixed-effects columns");
  std::vector<std::string> labels;
  for (const Term& term : fixed.terms) labels.push_back(term_label(fixed, term));
  if (m.x.matrix.cols() <= 1 || labels.size() <= 1) return type1_contrasts(m, labels);
  if (treatment_coded(m.frame.fixed)) return extract_type3(fixed, m.frame.fixed, m.x, labels, messages);
  return recoded_type3(m, labels, messages);
}

}  // namespace lmm::internal
