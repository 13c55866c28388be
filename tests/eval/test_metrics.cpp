#include <gtest/gtest.h>

#include "core/check.h"
#include "eval/metrics.h"

namespace r1 {
namespace {

// Expected values are 1 − C(n−c, k)/C(n, k) worked out by hand.
TEST(PassAtK, MatchesTheBinomialFormula) {
  EXPECT_DOUBLE_EQ(pass_at_k(5, 0, 1), 0.0);
  EXPECT_DOUBLE_EQ(pass_at_k(5, 5, 3), 1.0);
  EXPECT_DOUBLE_EQ(pass_at_k(4, 1, 1), 0.25);          // 1 − 3/4
  EXPECT_DOUBLE_EQ(pass_at_k(8, 3, 1), 0.375);         // c/n
  EXPECT_DOUBLE_EQ(pass_at_k(4, 1, 2), 0.5);           // 1 − C(3,2)/C(4,2) = 1 − 3/6
  EXPECT_DOUBLE_EQ(pass_at_k(5, 2, 2), 0.7);           // 1 − C(3,2)/C(5,2) = 1 − 3/10
  EXPECT_NEAR(pass_at_k(10, 3, 5), 11.0 / 12, 1e-15);  // 1 − C(7,5)/C(10,5) = 1 − 21/252
  EXPECT_DOUBLE_EQ(pass_at_k(4, 2, 3), 1.0);           // fewer than k wrong samples
}

TEST(PassAtK, RejectsImpossibleCounts) {
  EXPECT_THROW(pass_at_k(4, 5, 1), Error);
  EXPECT_THROW(pass_at_k(4, -1, 1), Error);
  EXPECT_THROW(pass_at_k(4, 1, 0), Error);
  EXPECT_THROW(pass_at_k(4, 1, 5), Error);
  EXPECT_THROW(pass_at_k(0, 0, 1), Error);
}

TEST(MajorityVote, PicksTheMostFrequentAnswer) {
  const std::vector<std::optional<std::string>> keys = {"5", "7", std::nullopt, "7", "5", "7"};
  EXPECT_EQ(majority_vote(keys), std::optional<size_t>(1));
}

TEST(MajorityVote, TieGoesToTheAnswerSeenFirst) {
  EXPECT_EQ(majority_vote({"a", "b", "b", "a"}), std::optional<size_t>(0));
  EXPECT_EQ(majority_vote({std::nullopt, "b", "a", "a", "b"}), std::optional<size_t>(1));
}

TEST(MajorityVote, MissingAnswersDoNotVote) {
  EXPECT_EQ(majority_vote({std::nullopt, std::nullopt, "3"}), std::optional<size_t>(2));
  EXPECT_EQ(majority_vote({std::nullopt, std::nullopt}), std::nullopt);
  EXPECT_EQ(majority_vote({}), std::nullopt);
}

TEST(CompletionTraits, Reflection) {
  EXPECT_TRUE(has_reflection("<think> 12 + 29 = 45. Wait, let me verify. </think>"));
  EXPECT_TRUE(has_reflection("<think> 12 + 29 = 45。等等，让我验证一下。</think>"));
  EXPECT_TRUE(has_reflection("LET ME CHECK"));
  EXPECT_FALSE(has_reflection("<think> 12 + 29 = 41 </think> <answer> 41 </answer>"));
}

TEST(CompletionTraits, LongForm) {
  EXPECT_FALSE(is_long_form("<think> 864 - 597 = 247 </think> <answer> 247 </answer>"));
  // Subtract, digit, by, digit, from, the, right, borrow: 8 words.
  EXPECT_TRUE(is_long_form(
      "<think> Subtract digit by digit from the right. 4 - 8 < 0, borrow 10 </think>"));
  // 7 words: one short of the threshold.
  EXPECT_FALSE(is_long_form("<think> Subtract digit by digit from the right. 4 </think>"));
  // A running sum: one word ("So") but four sentences.
  EXPECT_TRUE(
      is_long_form("<think> 3 + 7 = 10. 10 + 4 = 14. 14 + 8 = 22. So 3 + 7 + 4 + 8 = 22. "
                   "</think> <answer> 22 </answer>"));
  // Two steps: one sentence short of the threshold.
  EXPECT_FALSE(is_long_form("<think> 3 + 7 = 10. 10 + 4 = 14. </think> <answer> 14 </answer>"));
}

TEST(CompletionTraits, CountSentences) {
  EXPECT_EQ(count_sentences(""), 0u);
  EXPECT_EQ(count_sentences("  "), 0u);
  EXPECT_EQ(count_sentences("864 - 597 = 247"), 1u);
  // Decimal points are not sentence ends; the trailing text is a sentence.
  EXPECT_EQ(count_sentences("3.5 + 1 = 4.5. So 4.5"), 2u);
  EXPECT_EQ(count_sentences("Is it 5? Yes! It is 5."), 3u);
  EXPECT_EQ(count_sentences("3 加 4 等于 7。所以答案是 7。"), 2u);
  EXPECT_EQ(count_sentences("等等！再检查一下"), 2u);
}

}  // namespace
}  // namespace r1
