// A small parser and evaluator for the LaTeX math of final answers: numbers,
// \frac, \sqrt, \pi, i, powers, implicit products, functions, variables. It
// parses one scalar expression; tuples, sets, intervals and equations are split
// off by math_answer.h before this parser sees them.
//
// Two evaluations: exact (complex rationals with GMP; fails on anything
// irrational or symbolic) and numeric (std::complex<double> with variables bound
// to given values). math_answer.h compares exactly when both sides are exact and
// numerically at random points otherwise.
#pragma once

#include <gmpxx.h>

#include <complex>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace r1::math {

struct Expr {
  enum class Kind {
    Number,     // `number`
    Symbol,     // variable `name` (x, x_1, \alpha, 52_8 as an opaque name)
    Pi,         // \pi
    ImagUnit,   // i
    Infinity,   // \infty
    Add,        // args[0] + args[1] + …
    Mul,        // args[0] · args[1] · …
    Neg,        // −args[0]
    Div,        // args[0] / args[1]
    Pow,        // args[0] ^ args[1]
    Root,       // args[0]-th root of args[1] (\sqrt[n]{x}; \sqrt{x} has n = 2)
    Call,       // function `name` of args[0] (sin, ln, …)
    Factorial,  // args[0]!
    Binomial,   // \binom{args[0]}{args[1]}
  };
  Kind kind = Kind::Number;
  mpq_class number;
  std::string name;
  std::vector<Expr> args;
};

// Parses one expression; std::nullopt if `text` is not one (the caller then
// falls back to comparing text). Never throws on any input.
std::optional<Expr> parse_expr(std::string_view text);

// A complex rational; real answers have im == 0.
struct ExactValue {
  mpq_class re, im;
  bool operator==(const ExactValue& other) const { return re == other.re && im == other.im; }
};

// Exact value of an expression without symbols, π or irrational roots;
// std::nullopt when the value is not a (complex) rational or would be too big.
std::optional<ExactValue> eval_exact(const Expr& expr);

using Bindings = std::map<std::string, double, std::less<>>;
// Numeric value with each variable bound from `bindings` (unbound variables and
// ∞ give NaN).
std::complex<double> eval_numeric(const Expr& expr, const Bindings& bindings);

void collect_symbols(const Expr& expr, std::set<std::string>& out);
// +∞ → +1, −∞ → −1 (also written -\infty, +\infty), anything else → 0.
int infinity_sign(const Expr& expr);

}  // namespace r1::math
