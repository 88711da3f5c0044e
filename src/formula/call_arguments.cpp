#include "formula/call_arguments.hpp"

#include "data/level_order.hpp"
#include "lmm/error.hpp"
#include "util/excerpt.hpp"

namespace lmm::internal {

void fail_call(const Expression& call, const std::string& what) {
  throw Error(ErrorKind::kFormula, "formula term " + quote(deparse(call)) + " (position " +
                                       std::to_string(call.position + 1) + "): " + what);
}

std::vector<const Expression*> match_arguments(const Expression& call, const std::vector<std::string>& formals,
                                               std::size_t required) {
  std::vector<const Expression*> out(formals.size(), nullptr);
  for (std::size_t i = 0; i < call.args.size(); ++i) {
    const std::string& name = i < call.arg_names.size() ? call.arg_names[i] : "";
    if (name.empty()) continue;
    std::size_t k = 0;
    while (k < formals.size() && formals[k] != name) ++k;
    if (k == formals.size()) fail_call(call, "argument " + quote(name) + " of " + call.text + "() is not supported");
    if (out[k]) fail_call(call, "argument " + quote(name) + " is given twice");
    out[k] = &call.args[i];
  }
  std::size_t next = 0;
  for (std::size_t i = 0; i < call.args.size(); ++i) {
    if (i < call.arg_names.size() && !call.arg_names[i].empty()) continue;
    while (next < formals.size() && out[next]) ++next;
    if (next == formals.size())
      fail_call(call, call.text + "() takes at most " + std::to_string(formals.size()) + " argument" +
                          (formals.size() == 1 ? "" : "s") + " here");
    out[next++] = &call.args[i];
  }
  for (std::size_t k = 0; k < required; ++k)
    if (!out[k]) fail_call(call, call.text + "() needs its argument " + quote(formals[k]));
  return out;
}

namespace {

std::string constant_label(const Expression& e) {
  switch (e.kind) {
    case Expression::Kind::kString: return e.text;
    case Expression::Kind::kNumber: return r_number_label(e.number);
    case Expression::Kind::kName:
      if (is_logical_constant(e)) return e.text;
      break;
    case Expression::Kind::kUnary:
      if (e.text == "-" && e.args[0].kind == Expression::Kind::kNumber) return r_number_label(-e.args[0].number);
      break;
    default: break;
  }
  throw Error(ErrorKind::kFormula, "formula term " + quote(deparse(e)) + ": expected a constant (a string or a number)");
}

}  // namespace

std::vector<std::string> constant_labels(const Expression& e) {
  if (e.kind != Expression::Kind::kCall || e.text != "c") return {constant_label(e)};
  for (const std::string& name : e.arg_names)
    if (!name.empty()) fail_call(e, "c() of named values is not supported here");
  std::vector<std::string> out;
  for (const Expression& a : e.args) out.push_back(constant_label(a));
  return out;
}

}  // namespace lmm::internal
