#include "formula/evaluate_variable.hpp"

#include <algorithm>
#include <optional>
#include <cmath>
#include <numbers>

#include "data/level_order.hpp"
#include "formula/call_arguments.hpp"
#include "formula/elementwise_functions.hpp"
#include "lmm/error.hpp"
#include "util/excerpt.hpp"

namespace lmm::internal {
namespace {

[[noreturn]] void fail_var(const Expression& e, const std::string& what) {
  throw Error(ErrorKind::kFormula, "formula term " + quote(deparse(e)) + ": " + what);
}

RawVariable from_column(const Column& c) {
  RawVariable raw;
  raw.var.name = c.name;
  raw.var.is_factor = c.is_factor();
  raw.var.values = c.numbers;
  raw.var.codes = c.codes;
  raw.var.levels = c.levels;
  raw.var.ordered = c.ordered;
  raw.var.contrasts = c.contrasts;
  raw.missing = c.missing;
  return raw;
}

RawVariable constant(double value, std::size_t n, bool logical = false) {
  RawVariable out;
  out.var.values.assign(n, value);
  out.missing.assign(n, 0);
  out.is_logical = logical;
  return out;
}

// A logical vector as R's factor() makes it: levels FALSE, TRUE (those that occur unless `keep`).
RawVariable logical_as_factor(RawVariable raw, bool keep) {
  const std::size_t n = raw.missing.size();
  std::vector<std::uint8_t> occurs(2, keep ? 1 : 0);
  for (std::size_t i = 0; i < n; ++i)
    if (!raw.missing[i]) occurs[raw.var.values[i] != 0.0 ? 1 : 0] = 1;
  std::vector<int> code_of(2, -1);
  for (int k = 0; k < 2; ++k)
    if (occurs[static_cast<std::size_t>(k)]) {
      code_of[static_cast<std::size_t>(k)] = static_cast<int>(raw.var.levels.size());
      raw.var.levels.push_back(k ? "TRUE" : "FALSE");
    }
  raw.var.codes.assign(n, -1);
  for (std::size_t i = 0; i < n; ++i)
    if (!raw.missing[i]) raw.var.codes[i] = code_of[raw.var.values[i] != 0.0 ? 1 : 0];
  raw.var.values.clear();
  raw.var.is_factor = true;
  raw.var.keep_levels = keep;
  raw.is_logical = false;
  return raw;
}

}  // namespace

RawVariable as_factor(RawVariable raw) {
  if (raw.is_logical) return logical_as_factor(std::move(raw), false);
  raw.var.keep_levels = false;
  if (raw.var.is_factor) return raw;
  DataFrame tmp;
  Column c;
  c.name = raw.var.name;
  c.numbers = raw.var.values;
  c.missing = raw.missing;
  tmp.add(c);
  tmp.declare_factor(c.name);
  return from_column(tmp.column(c.name));
}

namespace {

class Evaluator {
 public:
  explicit Evaluator(const DataFrame& data) : data_(data), n_(data.rows()) {}

  RawVariable value_of(const Expression& e) {
    using K = Expression::Kind;
    switch (e.kind) {
      case K::kNumber: return constant(e.number, n_);
      case K::kString: fail_var(e, "a string is only an argument of a function here (factor(x, levels = \"a\"))");
      case K::kName: return name(e);
      case K::kParen: return value_of(e.args[0]);
      case K::kUnary: return unary(e);
      case K::kBinary: return binary(e);
      case K::kCall: return call(e);
    }
    return {};
  }

  RawVariable numeric_of(const Expression& e) {
    RawVariable raw = value_of(e);
    if (raw.var.is_factor) {
      const Expression& at = e.kind == Expression::Kind::kParen ? e.args[0] : e;
      if (at.kind == Expression::Kind::kName)
        fail_var(at, "column " + quote(at.text) + " is text (a factor)" + because_of(at, data_) +
                         " and cannot be used in arithmetic");
      fail_var(e, "a factor cannot be used in arithmetic");
    }
    return raw;
  }

  // TRUE for nonzero, missing for NA and NaN (R's as.logical of a number).
  std::vector<Logical> logical_of(const Expression& e) {
    const RawVariable raw = numeric_of(e);
    std::vector<Logical> out(n_);
    for (std::size_t i = 0; i < n_; ++i)
      if (!raw.missing[i] && !std::isnan(raw.var.values[i])) out[i] = raw.var.values[i] != 0.0;
    return out;
  }

  RawVariable from_logical(const std::vector<Logical>& values) {
    RawVariable out = constant(0.0, n_, true);
    for (std::size_t i = 0; i < n_; ++i) {
      out.missing[i] = !values[i];
      out.var.values[i] = values[i].value_or(false) ? 1.0 : 0.0;
    }
    return out;
  }

 private:
  RawVariable name(const Expression& e) {
    if (is_logical_constant(e)) return constant(e.text == "TRUE" ? 1.0 : 0.0, n_, true);
    if (e.text == "NA" && !data_.has(e.text)) {
      RawVariable na = constant(0.0, n_, true);
      na.missing.assign(n_, 1);
      return na;
    }
    if (e.text == "pi" && !data_.has(e.text)) return constant(std::numbers::pi, n_);
    if (!data_.has(e.text)) fail_var(e, "no column named " + quote(e.text) + " in the data" + did_you_mean(data_, e.text));
    RawVariable raw = from_column(data_.column(e.text));
    raw.var.name = e.text;  // as the formula writes it (`log y` or log.y), as its term labels do
    return raw;
  }

  RawVariable unary(const Expression& e) {
    if (e.text == "!") {
      std::vector<Logical> values = logical_of(e.args[0]);
      for (Logical& v : values)
        if (v) v = !*v;
      return from_logical(values);
    }
    RawVariable out = numeric_of(e.args[0]);
    out.is_logical = false;  // -TRUE is -1
    if (e.text == "-")
      for (double& v : out.var.values) v = -v;
    return out;
  }

  RawVariable binary(const Expression& e);
  RawVariable compare(const Expression& e);
  RawVariable call(const Expression& e);
  RawVariable factor_call(const Expression& e);
  RawVariable relevel_call(const Expression& e);
  RawVariable dummy_call(const Expression& e);
  RawVariable log_call(const Expression& e);
  RawVariable as_numeric_call(const Expression& e);
  RawVariable contrasts_call(const Expression& e);

  const DataFrame& data_;
  std::size_t n_;
};

// A factor compared with a string (f == "a", f != "a") compares its labels, as R does.
RawVariable Evaluator::compare(const Expression& e) {
  const Comparison op = comparison_operator(e.text);
  const Expression& l = e.args[0];
  const Expression& r = e.args[1];
  if (l.kind == Expression::Kind::kString || r.kind == Expression::Kind::kString) {
    const bool string_left = l.kind == Expression::Kind::kString;
    const RawVariable f = value_of(string_left ? r : l);
    const std::string& label = (string_left ? l : r).text;
    if (!f.var.is_factor || (e.text != "==" && e.text != "!="))
      fail_var(e, "only == and != compare a factor with a string");
    std::vector<Logical> out(n_);
    for (std::size_t i = 0; i < n_; ++i)
      if (!f.missing[i]) out[i] = (f.var.levels[static_cast<std::size_t>(f.var.codes[i])] == label) == (e.text == "==");
    return from_logical(out);
  }
  const RawVariable a = numeric_of(l), b = numeric_of(r);
  std::vector<Logical> out(n_);
  for (std::size_t i = 0; i < n_; ++i) {
    const double x = a.var.values[i], y = b.var.values[i];
    if (!a.missing[i] && !b.missing[i] && !std::isnan(x) && !std::isnan(y)) out[i] = op(x, y);
  }
  return from_logical(out);
}

RawVariable Evaluator::binary(const Expression& e) {
  if (comparison_operator(e.text)) return compare(e);
  if (e.text == "&" || e.text == "|") {
    const std::vector<Logical> a = logical_of(e.args[0]), b = logical_of(e.args[1]);
    std::vector<Logical> out(n_);
    for (std::size_t i = 0; i < n_; ++i) out[i] = e.text == "&" ? r_and(a[i], b[i]) : r_or(a[i], b[i]);
    return from_logical(out);
  }
  if (e.text == "&&" || e.text == "||")
    fail_var(e, "operator " + quote(e.text) + " compares single values; use " + quote(e.text.substr(1)) + " element-wise");
  const ArithmeticOperator op = arithmetic_operator(e.text);
  if (!op && e.text.front() == '%')
    fail_var(e, "operator " + quote(e.text) + " is not supported in a variable (only %% and %/% are)");
  if (!op) fail_var(e, "operator " + quote(e.text) + " is not arithmetic; wrap arithmetic in I()");
  RawVariable a = numeric_of(e.args[0]);
  const RawVariable b = numeric_of(e.args[1]);
  for (std::size_t i = 0; i < n_; ++i) {
    a.missing[i] = a.missing[i] || b.missing[i];
    a.var.values[i] = op(a.var.values[i], b.var.values[i]);
  }
  a.is_logical = false;
  return a;
}

RawVariable Evaluator::call(const Expression& e) {
  const std::string& f = e.text;
  if (f == "I") return value_of(*match_arguments(e, {"x"}, 1)[0]);
  if (f == "factor" || f == "as.factor") return factor_call(e);
  if (f == "relevel") return relevel_call(e);
  if (f == "dummy") return dummy_call(e);
  if (f == "log") return log_call(e);
  if (f == "as.numeric") return as_numeric_call(e);
  if (f == "C") return contrasts_call(e);
  const MathFunction math = math_function(f);
  if (!math)
    fail_call(e, "unsupported function " + quote(f) +
                     " (supported: I, factor, as.factor, relevel, dummy, as.numeric, C, log, log2, log10, log1p, exp, "
                     "expm1, sqrt, abs, sin, cos, tan)");
  RawVariable out = numeric_of(*match_arguments(e, {"x"}, 1)[0]);
  for (double& v : out.var.values) v = math(v);
  out.is_logical = false;
  return out;
}

// log(x), log(x, base), log(x, base = b): log(x) / log(base).
RawVariable Evaluator::log_call(const Expression& e) {
  const auto args = match_arguments(e, {"x", "base"}, 1);
  RawVariable out = numeric_of(*args[0]);
  out.is_logical = false;
  if (!args[1]) {
    for (double& v : out.var.values) v = std::log(v);
    return out;
  }
  const RawVariable base = numeric_of(*args[1]);
  for (std::size_t i = 0; i < n_; ++i) {
    out.missing[i] = out.missing[i] || base.missing[i];
    out.var.values[i] = std::log(out.var.values[i]) / std::log(base.var.values[i]);
  }
  return out;
}

// as.numeric(x): x itself for a number, 0/1 for a logical, the level codes 1..k for a factor.
RawVariable Evaluator::as_numeric_call(const Expression& e) {
  RawVariable out = value_of(*match_arguments(e, {"x"}, 1)[0]);
  out.is_logical = false;
  if (!out.var.is_factor) return out;
  out.var.values.assign(n_, 0.0);
  for (std::size_t i = 0; i < n_; ++i)
    if (!out.missing[i]) out.var.values[i] = out.var.codes[i] + 1.0;
  out.var.is_factor = false;
  out.var.codes.clear();
  out.var.levels.clear();
  return out;
}

// factor(x) and factor(x, levels = c(...)): the given levels in their order; a value not among
// them is NA (its row is dropped, as lme4's na.omit drops it).
RawVariable Evaluator::factor_call(const Expression& e) {
  const bool full = e.text == "factor";
  const auto args = full ? match_arguments(e, {"x", "levels"}, 1) : match_arguments(e, {"x"}, 1);
  RawVariable x = as_factor(value_of(*args[0]));
  // factor(f) keeps f ordered but not its contrasts (lmer's contrasts = list(f = ...) does not
  // reach factor(f) either).
  x.var.contrasts = Contrasts::kDefault;
  if (!full || !args[1]) return x;
  const std::vector<std::string> levels = constant_labels(*args[1]);
  for (std::size_t k = 0; k < levels.size(); ++k)
    if (std::find(levels.begin(), levels.begin() + static_cast<long>(k), levels[k]) != levels.begin() + static_cast<long>(k))
      fail_call(e, "level " + quote(levels[k]) + " is given twice");
  std::vector<int> code_of(x.var.levels.size(), -1);
  for (std::size_t k = 0; k < x.var.levels.size(); ++k) {
    const auto it = std::find(levels.begin(), levels.end(), x.var.levels[k]);
    if (it != levels.end()) code_of[k] = static_cast<int>(it - levels.begin());
  }
  for (std::size_t i = 0; i < n_; ++i) {
    if (x.missing[i]) continue;
    x.var.codes[i] = code_of[static_cast<std::size_t>(x.var.codes[i])];
    x.missing[i] = x.var.codes[i] < 0;
  }
  x.var.levels = levels;
  return x;
}

// R's C(f, sum): the factor f coded by the named contrasts.
RawVariable Evaluator::contrasts_call(const Expression& e) {
  if (e.args.size() != 2 || e.args[1].kind != Expression::Kind::kName)
    fail_var(e, "C() takes a factor and the name of its contrasts, e.g. C(f, sum)");
  const std::optional<Contrasts> contrasts = contrasts_from_name(e.args[1].text);
  if (!contrasts)
    fail_var(e, "unknown contrasts " + quote(e.args[1].text) + " (known: treatment, sum, helmert, poly, SAS)");
  RawVariable raw = value_of(e.args[0]);
  if (!raw.var.is_factor)
    fail_var(e, quote(deparse(e.args[0])) +
                    " is numeric, not a factor (C() needs a factor; make it one with factor() or --factor)");
  raw.var.contrasts = *contrasts;
  return raw;
}

// relevel(f, ref): the level `ref` first, the others in their order.
RawVariable Evaluator::relevel_call(const Expression& e) {
  const auto args = match_arguments(e, {"x", "ref"}, 2);
  RawVariable x = value_of(*args[0]);
  if (!x.var.is_factor) fail_call(e, "relevel() needs a factor (write relevel(factor(x), ...))");
  const std::vector<std::string> ref = constant_labels(*args[1]);
  if (ref.size() != 1) fail_call(e, "'ref' must be one level");
  const auto it = std::find(x.var.levels.begin(), x.var.levels.end(), ref[0]);
  if (it == x.var.levels.end()) fail_call(e, "'ref' must be an existing level: " + quote(ref[0]) + " is not a level");
  const int r = static_cast<int>(it - x.var.levels.begin());
  for (std::size_t i = 0; i < n_; ++i) {
    if (x.missing[i]) continue;
    int& c = x.var.codes[i];
    c = c == r ? 0 : c < r ? c + 1 : c;
  }
  std::rotate(x.var.levels.begin(), it, it + 1);
  return x;
}

// lme4's dummy(f, "level"): 1 where f is that level, 0 elsewhere (a one-column indicator).
RawVariable Evaluator::dummy_call(const Expression& e) {
  const auto args = match_arguments(e, {"f", "levelsToKeep"}, 2);
  const RawVariable f = as_factor(value_of(*args[0]));
  const std::vector<std::string> keep = constant_labels(*args[1]);
  if (keep.size() != 1) fail_call(e, "dummy() of more than one level is not supported; write one dummy() per level");
  const auto it = std::find(f.var.levels.begin(), f.var.levels.end(), keep[0]);
  if (it == f.var.levels.end()) fail_call(e, "all of the levelsToKeep must be levels of f: " + quote(keep[0]) + " is not");
  const int level = static_cast<int>(it - f.var.levels.begin());
  RawVariable out = constant(0.0, n_);
  for (std::size_t i = 0; i < n_; ++i) {
    out.missing[i] = f.missing[i];
    if (!f.missing[i]) out.var.values[i] = f.var.codes[i] == level ? 1.0 : 0.0;
  }
  return out;
}

}  // namespace

std::string because_of(const Expression& e, const DataFrame& data) {
  if (e.kind != Expression::Kind::kName || !data.has(e.text)) return "";
  const std::string& why = data.column(e.text).text_because;
  return why.empty() ? "" : " because of " + why;
}

namespace {

}  // namespace

bool is_constant_name(const Expression& e, const DataFrame& data) {
  if (e.kind != Expression::Kind::kName) return false;
  return is_logical_constant(e) || ((e.text == "NA" || e.text == "pi") && !data.has(e.text));
}

namespace {

// Whether an expression reads a column of the data (a constant such as I(2) or I(TRUE) has one
// value, where the model frame needs one per row).
bool reads_a_column(const Expression& e, const DataFrame& data) {
  if (e.kind == Expression::Kind::kName && !is_constant_name(e, data)) return true;
  for (const Expression& a : e.args)
    if (reads_a_column(a, data)) return true;
  return false;
}

}  // namespace

RawVariable evaluate_variable(const Expression& e, const DataFrame& data, bool factor) {
  if (!reads_a_column(e, data))
    fail_var(e, "the variable reads no column: it has one value, not one per row (R's model.frame stops with "
                "\"variable lengths differ\")");
  RawVariable raw = Evaluator(data).value_of(e);
  if (e.kind != Expression::Kind::kName) raw.var.name = deparse(e);
  if (factor) return as_factor(std::move(raw));
  if (raw.is_logical) return logical_as_factor(std::move(raw), true);
  return raw;
}

}  // namespace lmm::internal
