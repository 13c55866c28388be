#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/check.h"
#include "rewards/countdown.h"

namespace r1 {
namespace {

struct Case {
  std::string expression;
  std::vector<int64_t> numbers;
  int64_t target;
  CountdownVerdict verdict;
};

// Every expected verdict below was worked out by hand.
const std::vector<Case> kCases = {
    // Correct, in every syntax the verifier promises to accept.
    {"(3 + 5) * 2", {2, 3, 5}, 16, CountdownVerdict::correct},
    {"2*(5+3)", {2, 3, 5}, 16, CountdownVerdict::correct},
    {"  5 * 2 + 3 ", {2, 3, 5}, 13, CountdownVerdict::correct},
    {"3 + 5 * 2", {2, 3, 5}, 13, CountdownVerdict::correct},
    {"(3 + 5) * 2 = 16", {2, 3, 5}, 16, CountdownVerdict::correct},
    {"6 / (1 - 3 / 4)", {1, 3, 4, 6}, 24, CountdownVerdict::correct},  // exact rationals
    {"8 / (3 - 8 / 3)", {3, 3, 8, 8}, 24, CountdownVerdict::correct},
    {"7 / 2 * 2", {2, 2, 7}, 7, CountdownVerdict::correct},
    {"100 - 99 + 1", {1, 99, 100}, 2, CountdownVerdict::correct},
    {"-(3 - 5) * 4", {3, 4, 5}, 8, CountdownVerdict::correct},
    {"44 + 19 + 35", {19, 35, 44}, 98, CountdownVerdict::correct},
    {"(44 - 19) × 4 ÷ 5", {4, 5, 19, 44}, 20, CountdownVerdict::correct},
    {"((((3))))+5", {3, 5}, 8, CountdownVerdict::correct},
    {"25 - 5 - 5 - 5", {5, 5, 5, 25}, 10, CountdownVerdict::correct},
    // Wrong numbers: missing, reused, extra, invented, a digit split off.
    {"3 + 5", {2, 3, 5}, 8, CountdownVerdict::wrong_numbers},
    {"(3 + 3) * 2", {2, 3, 5}, 12, CountdownVerdict::wrong_numbers},
    {"3 + 5 + 2 + 2", {2, 3, 5}, 12, CountdownVerdict::wrong_numbers},
    {"3 + 5 + 8", {2, 3, 5}, 16, CountdownVerdict::wrong_numbers},
    {"1 + 2 + 5 * 3", {12, 3, 5}, 18, CountdownVerdict::wrong_numbers},
    {"12 + 35", {12, 3, 5}, 47, CountdownVerdict::wrong_numbers},
    {"03 + 5 * 12", {12, 3, 5}, 63, CountdownVerdict::correct},  // 03 is the number 3
    // Division by zero, even when the rest would hit the target.
    {"5 / (3 - 3) + 7", {3, 3, 5, 7}, 7, CountdownVerdict::division_by_zero},
    {"7 + 5 * 0 / (2 - 2)", {0, 2, 2, 5, 7}, 7, CountdownVerdict::division_by_zero},
    // Valid expressions over the right numbers that miss the target.
    {"3 + 5 * 2", {2, 3, 5}, 16, CountdownVerdict::wrong_value},
    {"7 / 2", {2, 7}, 3, CountdownVerdict::wrong_value},  // 3.5, not floor division
    {"(3 + 5) * 2 = 17", {2, 3, 5}, 17, CountdownVerdict::wrong_value},
    {"(3 + 5) * 2 = 16", {2, 3, 5}, 17, CountdownVerdict::wrong_value},
    // Not expressions.
    {"", {2, 3, 5}, 10, CountdownVerdict::not_an_expression},
    {"   ", {2, 3, 5}, 10, CountdownVerdict::not_an_expression},
    {"16", {16}, 16, CountdownVerdict::correct},
    {"the answer is 16", {2, 3, 5}, 16, CountdownVerdict::not_an_expression},
    {"(3 + 5 * 2", {2, 3, 5}, 13, CountdownVerdict::not_an_expression},
    {"3 + 5) * 2", {2, 3, 5}, 16, CountdownVerdict::not_an_expression},
    {"3 + * 5 2", {2, 3, 5}, 16, CountdownVerdict::not_an_expression},
    {"3 5 2", {2, 3, 5}, 16, CountdownVerdict::not_an_expression},
    {"3 ** 2 + 5", {2, 3, 5}, 14, CountdownVerdict::not_an_expression},
    {"3 ^ 2 + 5", {2, 3, 5}, 14, CountdownVerdict::not_an_expression},
    {"2.5 * 2 + 3", {2, 3, 5}, 8, CountdownVerdict::not_an_expression},
    {"3 + 5 * 2 +", {2, 3, 5}, 13, CountdownVerdict::not_an_expression},
    {"x = 3 + 5 * 2", {2, 3, 5}, 13, CountdownVerdict::wrong_value},
    {"3 + 5 * 2 = 13 = 13", {2, 3, 5}, 13, CountdownVerdict::wrong_value},
    {"()", {2, 3, 5}, 13, CountdownVerdict::not_an_expression},
    {"__import__('os')", {2, 3, 5}, 13, CountdownVerdict::not_an_expression},
};

TEST(CountdownExpression, HandWorkedTable) {
  for (const Case& c : kCases) {
    const CountdownCheck check = check_countdown_expression(c.expression, c.numbers, c.target);
    EXPECT_EQ(int(check.verdict), int(c.verdict))
        << "expression '" << c.expression << "' target " << c.target << ": " << check.detail;
  }
}

TEST(CountdownExpression, HugeLiteralsAreExactNotOverflowed) {
  // 2^64 + 1 does not fit int64; the verifier must still see it is not 1.
  const CountdownCheck check = check_countdown_expression("18446744073709551617", {1}, 1);
  EXPECT_EQ(check.verdict, CountdownVerdict::wrong_numbers) << check.detail;
}

TEST(CountdownExpression, DeepNestingIsRejectedNotRecursedInto) {
  const std::string deep = std::string(100000, '(') + "1" + std::string(100000, ')');
  EXPECT_EQ(check_countdown_expression(deep, {1}, 1).verdict, CountdownVerdict::not_an_expression);
  const std::string unary(900, '-');
  EXPECT_EQ(check_countdown_expression(unary + "1", {1}, 1).verdict,
            CountdownVerdict::not_an_expression);
  const std::string ok = std::string(50, '(') + "1" + std::string(50, ')');
  EXPECT_EQ(check_countdown_expression(ok, {1}, 1).verdict, CountdownVerdict::correct);
}

double score(const Reward& reward, const std::string& completion, const nlohmann::json& ref) {
  return reward.score(RewardInput{"", completion, ref}).value;
}

TEST(CountdownReward, TinyZeroScheme) {
  const auto reward = make_countdown_reward(nullptr);
  EXPECT_EQ(reward->name(), "countdown");
  const nlohmann::json ref = {{"numbers", {2, 3, 5}}, {"target", 16}};
  EXPECT_EQ(score(*reward, "<think> 3 + 5 = 8 </think> <answer> (3 + 5) * 2 </answer>", ref), 1.0);
  EXPECT_EQ(score(*reward, "<think> </think> <answer> 3 + 5 * 2 </answer>", ref), 0.1);
  EXPECT_EQ(score(*reward, "<answer> 3 + 5 </answer>", ref), 0.1);
  EXPECT_EQ(score(*reward, "<answer> sixteen </answer>", ref), 0.1);
  EXPECT_EQ(score(*reward, "<answer></answer>", ref), 0.1);
  EXPECT_EQ(score(*reward, "(3 + 5) * 2", ref), 0.0);
  EXPECT_EQ(score(*reward, "<answer> (3 + 5) * 2", ref), 0.0);
  EXPECT_EQ(score(*reward, "", ref), 0.0);
  // The last complete answer block counts, as in TinyZero.
  EXPECT_EQ(score(*reward, "<answer> 3 </answer> <answer> (3 + 5) * 2 </answer>", ref), 1.0);
  EXPECT_EQ(score(*reward, "<answer> (3 + 5) * 2 </answer> <answer> 3 </answer>", ref), 0.1);
}

TEST(CountdownReward, ReasonsNameTheProblem) {
  const auto reward = make_countdown_reward(nullptr);
  const nlohmann::json ref = {{"numbers", {2, 3, 5}}, {"target", 16}};
  EXPECT_EQ(reward->score({"", "no tags", ref}).reason, "no <answer>…</answer>");
  EXPECT_EQ(reward->score({"", "<answer>3+5*2</answer>", ref}).reason, "value 13 ≠ target 16");
  EXPECT_EQ(reward->score({"", "<answer>3+5</answer>", ref}).reason,
            "uses [3, 5], given [2, 3, 5]");
}

TEST(CountdownReward, PartialCreditIsConfigurable) {
  const auto reward = make_countdown_reward({{"partial_credit", 0.25}});
  const nlohmann::json ref = {{"numbers", {2, 3, 5}}, {"target", 16}};
  EXPECT_EQ(score(*reward, "<answer> 3 + 5 </answer>", ref), 0.25);
  EXPECT_EQ(score(*reward, "<answer> (3 + 5) * 2 </answer>", ref), 1.0);
}

TEST(CountdownReward, BadOptionsAndReferencesAreErrors) {
  EXPECT_THROW(make_countdown_reward({{"partial", 0.1}}), Error);
  EXPECT_THROW(make_countdown_reward({{"partial_credit", "0.1"}}), Error);
  EXPECT_THROW(make_countdown_reward({{"partial_credit", 2}}), Error);
  const auto reward = make_countdown_reward(nullptr);
  const std::string completion = "<answer> 1 </answer>";
  EXPECT_THROW(score(*reward, completion, {{"target", 1}}), Error);
  EXPECT_THROW(score(*reward, completion, {{"numbers", nlohmann::json::array()}, {"target", 1}}),
               Error);
  EXPECT_THROW(score(*reward, completion, {{"numbers", {1.5}}, {"target", 1}}), Error);
  EXPECT_THROW(score(*reward, completion, {{"numbers", {1}}, {"target", "1"}}), Error);
}

}  // namespace
}  // namespace r1
