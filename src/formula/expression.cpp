// Building expressions, and R's deparse() of them as model.matrix names its columns.
#include <cstdio>

#include "data/level_order.hpp"
#include "formula/expression.hpp"

namespace lmm::internal {

Expression make_binary(const std::string& op, Expression lhs, Expression rhs) {
  Expression e;
  e.kind = Expression::Kind::kBinary;
  e.text = op;
  e.position = lhs.position;
  e.args.push_back(std::move(lhs));
  e.args.push_back(std::move(rhs));
  return e;
}

Expression make_name(const std::string& name) {
  Expression e;
  e.kind = Expression::Kind::kName;
  e.text = name;
  return e;
}

Expression make_number(double value) {
  Expression e;
  e.kind = Expression::Kind::kNumber;
  e.number = value;
  e.text = r_number_label(value);
  return e;
}

std::string deparse_string(const std::string& value) {
  std::string out = "\"";
  for (const char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char octal[8];
          std::snprintf(octal, sizeof octal, "\\%03o", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += octal;
        } else {
          out.push_back(c);
        }
    }
  }
  return out + "\"";
}

namespace {

// R deparses these binary operators without spaces around them (R's PP_BINARY2).
bool tight(const std::string& op) { return op == ":" || op == "^" || op == "/" || op == "%%" || op == "%/%"; }

void deparse_into(const Expression& e, std::string& out) {
  switch (e.kind) {
    case Expression::Kind::kNumber: out.append(r_number_label(e.number)); return;
    case Expression::Kind::kString: out.append(deparse_string(e.text)); return;
    case Expression::Kind::kName: out.append(e.text); return;
    case Expression::Kind::kParen:
      out.push_back('(');
      deparse_into(e.args[0], out);
      out.push_back(')');
      return;
    case Expression::Kind::kUnary:
      out.append(e.text);
      deparse_into(e.args[0], out);
      return;
    case Expression::Kind::kBinary:
      deparse_into(e.args[0], out);
      if (!tight(e.text)) out.push_back(' ');
      out.append(e.text);
      if (!tight(e.text)) out.push_back(' ');
      deparse_into(e.args[1], out);
      return;
    case Expression::Kind::kCall:
      out.append(e.text);
      out.push_back('(');
      for (std::size_t i = 0; i < e.args.size(); ++i) {
        if (i) out.append(", ");
        if (i < e.arg_names.size() && !e.arg_names[i].empty()) out.append(e.arg_names[i]).append(" = ");
        deparse_into(e.args[i], out);
      }
      out.push_back(')');
      return;
  }
}

}  // namespace

std::string deparse(const Expression& e) {
  std::string out;
  deparse_into(e, out);
  return out;
}

}  // namespace lmm::internal
