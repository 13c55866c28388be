// Fuzz target: the answer normaliser, structure parser, expression parser and
// both evaluators on arbitrary text. The input is split at its first newline
// into two answers. Invariants: an answer with non-empty normalised text is
// equivalent to itself, and equivalence is symmetric for scalar answers.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "rewards/math_answer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const size_t newline = text.find('\n');
  const std::string_view a = text.substr(0, newline);
  const std::string_view b = newline == std::string_view::npos ? a : text.substr(newline + 1);
  const r1::math::Answer parsed_a = r1::math::parse_answer(a);
  const r1::math::Answer parsed_b = r1::math::parse_answer(b);
  if (!parsed_a.key.empty() && !r1::math::equivalent(parsed_a, parsed_a)) std::abort();
  const bool forward = r1::math::equivalent(parsed_a, parsed_b);
  const bool backward = r1::math::equivalent(parsed_b, parsed_a);
  const bool scalars = parsed_a.kind == r1::math::Answer::Kind::Scalar &&
                       parsed_b.kind == r1::math::Answer::Kind::Scalar;
  if (scalars && forward != backward) std::abort();
  if (const auto expr = r1::math::parse_expr(a)) {
    r1::math::eval_exact(*expr);
    r1::math::eval_numeric(*expr, {{"x", 1.5}});
  }
  return 0;
}
