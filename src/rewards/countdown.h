// The Countdown verifier and reward (TinyZero's scheme, R1_NOTES.md "Rewards"):
// the completion's last <answer>…</answer> must hold an arithmetic expression
// that uses each given number exactly once and evaluates exactly to the target.
//
// Reference fields read: "numbers" (array of integers) and "target" (integer).
// Options: {"partial_credit": 0.1} — the value for an answer that is present
// but wrong, uses the wrong numbers or cannot be evaluated.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "rewards/reward.h"

namespace r1 {

enum class CountdownVerdict {
  correct,
  not_an_expression,  // syntax error, unknown character, empty, too long or too deep
  wrong_numbers,      // the multiset of literals differs from the given numbers
  division_by_zero,
  wrong_value,  // a valid expression over the right numbers that misses the target
};

struct CountdownCheck {
  CountdownVerdict verdict = CountdownVerdict::not_an_expression;
  std::string detail;  // human-readable, e.g. "value 23 ≠ target 22"
};

// Checks one expression. Accepted syntax: decimal integer literals, binary
// + - * / (and × ÷), unary + and -, parentheses, spaces; optionally followed by
// "= N" where N must be the target. Arithmetic is exact over the rationals, so
// 6 / (1 - 3/4) = 24 is accepted and 7 / 2 * 2 = 7 holds.
CountdownCheck check_countdown_expression(std::string_view expression,
                                          const std::vector<int64_t>& numbers, int64_t target);

// The expression between the last "<answer>" and the "</answer>" after it, or
// false when the completion has no complete answer block.
bool extract_countdown_answer(std::string_view completion, std::string_view& answer);

std::unique_ptr<Reward> make_countdown_reward(const nlohmann::json& options);

}  // namespace r1
