// Rejection-sampling filters, each on hand-written completions.
#include <gtest/gtest.h>

#include "pipeline/reject.h"

namespace r1 {
namespace {

Problem problem(const std::string& lang) {
  Problem p;
  p.id = "p";
  p.prompt = "What is 1 + 2?";
  p.reference = {{"answer", "3"}};
  p.reward = "math";
  p.lang = lang;
  return p;
}

const std::string kGood = " <think> 1 + 2 = 3. So the sum is 3. </think> <answer> 3 </answer>";

TEST(RejectFilters, RepeatedTrigramShareByHand) {
  // Trigrams: "a b c", "b c a", "c a b", "a b c" — the fourth repeats the first.
  EXPECT_DOUBLE_EQ(repeated_trigram_share("a b c a b c"), 0.25);
  EXPECT_DOUBLE_EQ(repeated_trigram_share("a b c d"), 0.0);
  EXPECT_DOUBLE_EQ(repeated_trigram_share("a b"), 0.0);
  // "x y x y x y": trigrams x y x, y x y, x y x, y x y — two repeats of four.
  EXPECT_DOUBLE_EQ(repeated_trigram_share("x  y\nx y x y"), 0.5);
}

TEST(RejectFilters, AWellFormedConsistentCompletionPasses) {
  EXPECT_EQ(rejection_reason(problem("en"), kGood, {}), std::nullopt);
}

TEST(RejectFilters, FormatNeedsEachTagOnceAndInOrder) {
  const RejectFilters f;
  EXPECT_EQ(rejection_reason(problem("en"), " <think> 3 </think> 3", f), "format");
  EXPECT_EQ(rejection_reason(problem("en"), " <answer> 3 </answer> <think> 3 </think>", f),
            "format");
  EXPECT_EQ(rejection_reason(problem("en"), kGood + " <answer> 4 </answer>", f), "format");
  RejectFilters lax;
  lax.require_format = false;
  EXPECT_EQ(rejection_reason(problem("en"), " <think> 3 </think> 3", lax), std::nullopt);
}

TEST(RejectFilters, LanguageMustBeThePromptsAndUnmixed) {
  const RejectFilters f;
  // An English chain of thought for a Chinese prompt.
  EXPECT_EQ(rejection_reason(problem("zh"), kGood, f), "language");
  const std::string zh = " <think> 一加二等于三。所以答案是三。 </think> <answer> 3 </answer>";
  EXPECT_EQ(rejection_reason(problem("zh"), zh, f), std::nullopt);
  // Switching language for a sentence: 9 Chinese characters and 4 English words.
  const std::string mixed =
      " <think> 一加二等于三。所以答案是三。 So the sum is. </think> <answer> 3 </answer>";
  EXPECT_EQ(rejection_reason(problem("zh"), mixed, f), "language");
  RejectFilters lax;
  lax.reject_mixed_language = false;
  EXPECT_EQ(rejection_reason(problem("zh"), mixed, lax), std::nullopt);
}

TEST(RejectFilters, ShortRepetitiveLongAndCode) {
  RejectFilters f;
  f.min_cot_words = 5;  // kGood's chain of thought has 4 words: So, the, sum, is
  EXPECT_EQ(rejection_reason(problem("en"), kGood, f), "short");
  f.min_cot_words = 4;
  EXPECT_EQ(rejection_reason(problem("en"), kGood, f), std::nullopt);

  const std::string loop =
      " <think> 1 + 2 = 3. 1 + 2 = 3. 1 + 2 = 3. 1 + 2 = 3. </think> <answer> 3 </answer>";
  EXPECT_EQ(rejection_reason(problem("en"), loop, {}), "repetition");

  RejectFilters para;
  para.max_paragraph_chars = 20;
  const std::string two = " <think> 1 + 2 = 3.\n\nSo 3. </think>\n\n<answer> 3 </answer>";
  EXPECT_EQ(rejection_reason(problem("en"), two, para), std::nullopt);
  EXPECT_EQ(rejection_reason(problem("en"), kGood, para), "paragraph");

  const std::string code = " <think> ```\nprint(1 + 2)\n``` gives 3. </think> <answer> 3 </answer>";
  EXPECT_EQ(rejection_reason(problem("en"), code, {}), "code");
}

TEST(RejectFilters, GeneralExamplesHaveAnEmptyChainOfThought) {
  const auto examples = general_examples(20, 1, CorpusMix{});
  ASSERT_EQ(examples.size(), 20u);
  for (const auto& e : examples) {
    const std::string prompt = e.at("prompt"), completion = e.at("completion");
    EXPECT_EQ(prompt.rfind("User: ", 0), 0u) << prompt;
    EXPECT_EQ(prompt.substr(prompt.size() - 11), "\nAssistant:") << prompt;
    EXPECT_EQ(completion.rfind(" <think> </think> <answer> ", 0), 0u) << completion;
    EXPECT_EQ(e.at("source"), "general");
  }
}

}  // namespace
}  // namespace r1
