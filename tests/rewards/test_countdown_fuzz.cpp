// Fuzz-style robustness test of the Countdown expression parser: fixed-seed
// random inputs (byte soup, token soup, and mutations of valid expressions)
// must never crash, hang or throw, and every verdict must be consistent with
// an independent check of its claim.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/rng.h"
#include "rewards/countdown.h"

namespace r1 {
namespace {

std::string random_bytes(Rng& rng) {
  std::string s(rng.below(64), '\0');
  for (char& c : s) c = char(rng.below(256));
  return s;
}

std::string random_tokens(Rng& rng) {
  static const std::vector<std::string> kTokens = {
      "1", "2", "3",  "4",        "6",         "0",    "12",       "99",
      "+", "-", "*",  "/",        "×",         "÷",    "(",        ")",
      " ", "=", "24", "<answer>", "</answer>", "\xff", "\xe4\xbd", "99999999999999999999"};
  std::string s;
  for (uint64_t n = rng.below(40); n > 0; --n) s += kTokens[rng.below(kTokens.size())];
  return s;
}

std::string mutate(std::string s, Rng& rng) {
  for (uint64_t n = 1 + rng.below(3); n > 0 && !s.empty(); --n) {
    const size_t at = rng.below(s.size());
    switch (rng.below(3)) {
      case 0:
        s.erase(at, 1);
        break;
      case 1:
        s.insert(at, 1, "()+-*/0123456789 "[rng.below(17)]);
        break;
      default:
        s[at] = char(rng.below(256));
        break;
    }
  }
  return s;
}

TEST(CountdownFuzz, RandomInputsNeverCrashAndVerdictsAreConsistent) {
  const std::vector<int64_t> numbers = {1, 3, 4, 6};
  const int64_t target = 24;
  // Correct (6 / (1/4) = 24) and near-miss starting points for the mutations.
  const std::vector<std::string> seeds = {"6 / (1 - 3 / 4)", "6 ÷ (1 - 3 ÷ 4) = 24",
                                          "(6) / ((1) - (3) / (4))", "6 * 4 * (3 - 1)"};
  const auto reward = make_countdown_reward(nullptr);
  const nlohmann::json ref = {{"numbers", numbers}, {"target", target}};
  int correct = 0;
  for (uint64_t i = 0; i < 30000; ++i) {
    Rng rng(2024, i);
    std::string input;
    switch (i % 3) {
      case 0:
        input = random_bytes(rng);
        break;
      case 1:
        input = random_tokens(rng);
        break;
      default:
        input = mutate(seeds[rng.below(seeds.size())], rng);
        break;
    }
    const CountdownCheck check = check_countdown_expression(input, numbers, target);
    EXPECT_FALSE(check.detail.empty()) << input;
    if (check.verdict == CountdownVerdict::correct) {
      ++correct;
      // A correct verdict needs every given number's digits in the input.
      for (int64_t n : numbers) {
        EXPECT_NE(input.find(std::to_string(n)), std::string::npos) << input;
      }
    }
    const RewardResult result = reward->score({"", "<answer>" + input + "</answer>", ref});
    EXPECT_TRUE(result.value == 1.0 || result.value == 0.1) << input;
    EXPECT_EQ(result.value == 1.0, check.verdict == CountdownVerdict::correct) << input;
  }
  // The mutations keep some inputs intact, so the accepting path is exercised.
  EXPECT_GT(correct, 0);
}

}  // namespace
}  // namespace r1
