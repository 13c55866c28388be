// Mathematical equivalence of final answers, the accuracy check of math
// rewards. An answer string is normalised (LaTeX spacing, \left/\right, \text
// units, degrees, dollars, thousands separators), split into its structure
// (tuple, interval, set, list, union of intervals, matrix, equation, percent,
// text) and its scalar parts are compared as expressions (math_expr.h):
//
//  - both sides exact (rationals, also complex, with \frac, a/b, decimals,
//    integer powers, perfect-power roots): exact GMP comparison;
//  - otherwise (π, irrational roots, functions, variables): evaluation at
//    kNumericPoints seeded random points, every point within kRelativeTolerance.
//
// Order rules: tuples, intervals, vectors and matrices are ordered and keep
// their brackets ([1,2) ≠ (1,2]); sets, bare comma lists and ± pairs are
// unordered (sets ignore repeats, lists count them); a union of intervals is unordered. x = 5
// matches 5; two equations match when their sides agree or (lhs − rhs) are proportional.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rewards/math_expr.h"

namespace r1::math {

// 1e-9 relative: two distinct answers written with ≤ 9 significant digits
// always differ by more, and double rounding over the few hundred operations an
// answer may hold stays far below it (≈ 1e-13).
inline constexpr double kRelativeTolerance = 1e-9;
inline constexpr double kAbsoluteTolerance = 1e-12;
inline constexpr int kNumericPoints = 5;

// Answers longer than this are compared as normalised text only, so a hostile
// completion cannot make the check slow.
inline constexpr size_t kMaxAnswerBytes = 2048;
// Tuples, sets and lists with more items are compared as text: unordered
// matching is quadratic.
inline constexpr size_t kMaxCollectionItems = 128;

struct Answer {
  enum class Kind { Scalar, Text, Tuple, Set, List, Union, Matrix, Equation };
  Kind kind = Kind::Text;
  std::optional<Expr> expr;   // Scalar
  bool percent = false;       // Scalar written with %
  std::string key;            // normalised text, the fallback comparison
  char open = 0, close = 0;   // Tuple brackets: ( [ with ) ]
  std::vector<Answer> items;  // elements; Equation: {lhs, rhs}; Matrix: row-major
  size_t columns = 0;         // Matrix
};

// Strips LaTeX presentation from an answer: "\$32,\!348" → "32,348",
// "\left( 3, \frac{\pi}{2} \right)" → "( 3, \frac{\pi}{2} )", "90^\circ" → "90",
// "5.4 \text{ cents}" → "5.4", "\text{Evelyn}" → "Evelyn".
std::string normalize_answer(std::string_view answer);

// Structure of a normalised answer; never throws, unparseable parts are Text.
Answer parse_answer(std::string_view answer);

bool equivalent(const Answer& reference, const Answer& candidate);
bool answers_equivalent(std::string_view reference, std::string_view candidate);

}  // namespace r1::math
