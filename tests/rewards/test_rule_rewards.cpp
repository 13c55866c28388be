// The rule-based rewards and their composition; every expected value is worked
// out by hand in the comment or the literal next to it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/check.h"
#include "rewards/composite_reward.h"
#include "rewards/format_reward.h"
#include "rewards/language_reward.h"
#include "rewards/length_reward.h"
#include "rewards/math_reward.h"
#include "rewards/registry.h"

namespace {

using nlohmann::json;

r1::RewardResult score(const r1::Reward& reward, std::string_view completion, const json& reference,
                       std::string_view prompt = "", bool truncated = false) {
  return reward.score(r1::RewardInput{prompt, completion, reference, truncated});
}

TEST(MathReward, CorrectWrongAndMissingWithReasons) {
  const auto reward = r1::make_reward("math");
  const json ref = {{"answer", "13"}};
  auto r = score(*reward, "so \\boxed{13}", ref);
  EXPECT_EQ(r.value, 1);
  EXPECT_EQ(r.reason, "correct: 13");
  r = score(*reward, "so \\boxed{12}", ref);
  EXPECT_EQ(r.value, 0);
  EXPECT_EQ(r.reason, "answer 12 ≠ 13");
  r = score(*reward, "it is 13", ref);
  EXPECT_EQ(r.value, 0);
  EXPECT_EQ(r.reason, "no \\boxed{}");
  EXPECT_EQ(score(*reward, "", ref).reason, "no \\boxed{}");
}

TEST(MathReward, NumericReferenceAndEquivalentForms) {
  const auto reward = r1::make_reward("math");
  EXPECT_EQ(score(*reward, "\\boxed{\\frac{1}{2}}", {{"answer", 0.5}}).value, 1);
  EXPECT_EQ(score(*reward, "\\boxed{1,000}", {{"answer", 1000}}).value, 1);
  EXPECT_EQ(score(*reward, "\\boxed{x=5}", {{"answer", "5"}}).value, 1);
}

TEST(MathReward, LooksAfterThinkByDefault) {
  const auto reward = r1::make_reward("math");
  const json ref = {{"answer", "7"}};
  EXPECT_EQ(score(*reward, "<think>\\boxed{7}?</think> so 8", ref).reason, "no \\boxed{}");
  EXPECT_EQ(score(*reward, "<think>\\boxed{8}?</think> \\boxed{7}", ref).value, 1);
  const auto anywhere = r1::make_reward("math", {{"after_think", false}});
  EXPECT_EQ(score(*anywhere, "<think>\\boxed{7}</think> so", ref).value, 1);
}

TEST(MathReward, ConfigurableFormatsValuesAndReferenceExtraction) {
  const auto reward = r1::make_reward(
      "math",
      {{"extract", {"answer_tag", "answer_is"}}, {"reference_extract", "gsm8k"}, {"wrong", 0.1}});
  const json ref = {{"answer", "9 * 2 = 18\n#### 18"}};
  EXPECT_EQ(score(*reward, "<answer>18</answer>", ref).value, 1);
  EXPECT_EQ(score(*reward, "The answer is 18.", ref).value, 1);
  EXPECT_DOUBLE_EQ(score(*reward, "<answer>17</answer>", ref).value, 0.1);
  EXPECT_EQ(score(*reward, "\\boxed{18}", ref).reason, "no <answer> or \"answer is\"");
}

TEST(MathReward, ReferenceAndOptionErrorsAreClear) {
  const auto reward = r1::make_reward("math");
  EXPECT_THROW(score(*reward, "\\boxed{1}", json::object()), r1::Error);
  EXPECT_THROW(score(*reward, "\\boxed{1}", {{"answer", json::array()}}), r1::Error);
  EXPECT_THROW(r1::make_reward("math", {{"extrct", "boxed"}}), r1::Error);
  EXPECT_THROW(r1::make_reward("math", {{"extract", "latex"}}), r1::Error);
  EXPECT_THROW(r1::make_reward("math", {{"correct", "yes"}}), r1::Error);
  const auto from_solution = r1::make_reward("math", {{"reference_extract", "boxed"}});
  EXPECT_THROW(score(*from_solution, "\\boxed{1}", {{"answer", "no box"}}), r1::Error);
  try {
    r1::make_reward("math", {{"extrct", "boxed"}});
  } catch (const r1::Error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown option 'extrct'"), std::string::npos) << e.what();
  }
}

TEST(MathReward, ShortensLongAnswersInReasons) {
  EXPECT_EQ(r1::shorten_for_reason("abc", 5), "abc");
  EXPECT_EQ(r1::shorten_for_reason("abcdef", 3), "abc…");
  // "é" is two bytes: a cut inside it backs off to the character boundary.
  EXPECT_EQ(r1::shorten_for_reason("aé", 2), "a…");
}

TEST(FormatReward, R1ZeroTemplate) {
  const auto reward = r1::make_reward("format");
  const json ref = json::object();
  EXPECT_EQ(score(*reward, " <think> 2+2=4 </think> <answer> 4 </answer>", ref).value, 1);
  EXPECT_EQ(score(*reward, "<think>a</think>\n<answer>4</answer>\n", ref).reason, "well formatted");
  EXPECT_EQ(score(*reward, "<answer>4</answer>", ref).reason,
            "<think> appears 0 times, expected 1");
  EXPECT_EQ(score(*reward, "<think>a", ref).reason, "no </think>");
  EXPECT_EQ(score(*reward, "<think> </think><answer>4</answer>", ref).reason, "empty reasoning");
  EXPECT_EQ(score(*reward, "hi <think>a</think><answer>4</answer>", ref).reason,
            "text before <think>");
  EXPECT_EQ(score(*reward, "<think>a</think> so <answer>4</answer>", ref).reason,
            "text between </think> and <answer>");
  EXPECT_EQ(score(*reward, "<think>a</think><answer>4</answer> bye", ref).reason,
            "text after </answer>");
  EXPECT_EQ(score(*reward, "<think>a</think><answer> </answer>", ref).reason, "empty answer");
  EXPECT_EQ(score(*reward, "<think>a</think><answer>4</answer><answer>5</answer>", ref).value, 0);
  EXPECT_EQ(score(*reward, "<think>a<answer>4</answer></think>", ref).reason,
            "<answer> inside the reasoning");
  EXPECT_EQ(score(*reward, "</think><think>a<answer>4</answer>", ref).value, 0);
}

TEST(FormatReward, R1LayoutAndCustomTags) {
  const auto r1_layout = r1::make_reward("format", {{"layout", "r1"}});
  const json ref = json::object();
  EXPECT_EQ(score(*r1_layout, "<think>a</think> The answer is 4.", ref).value, 1);
  EXPECT_EQ(score(*r1_layout, "<think>a</think>  ", ref).reason, "no summary after </think>");
  const auto in_prompt = r1::make_reward("format", {{"layout", "r1"}, {"think_in_prompt", true}});
  EXPECT_EQ(score(*in_prompt, "reasoning</think>summary", ref).value, 1);
  EXPECT_EQ(score(*in_prompt, "<think>reasoning</think>summary", ref).value, 0);
  const auto custom = r1::make_reward(
      "format", {{"think_open", "<|begin|>"}, {"think_close", "<|end|>"}, {"layout", "r1"}});
  EXPECT_EQ(score(*custom, "<|begin|>x<|end|>y", ref).value, 1);
  EXPECT_THROW(r1::make_reward("format", {{"layout", "r2"}}), r1::Error);
}

TEST(Language, CountsWordsAsR1Describes) {
  // 3 English words ("The", "sum", "is"); "x", "2", the $…$ math and \frac are neutral.
  auto c = r1::count_language_words("The sum is x = 2, $\\frac{a}{b}$ \\cdot");
  EXPECT_EQ(c.english, 3u);
  EXPECT_EQ(c.chinese, 0u);
  // 5 Han characters; punctuation and digits are neutral.
  c = r1::count_language_words("所以答案，12。是");
  EXPECT_EQ(c.chinese, 5u);
  EXPECT_EQ(c.english, 0u);
  // Tags are markup, not English words.
  c = r1::count_language_words("<think>好</think>");
  EXPECT_EQ(c.chinese, 1u);
  EXPECT_EQ(c.english, 0u);
  // Accented Latin letters belong to the word; invalid bytes are neutral.
  c = r1::count_language_words("café \xff\xfe ok");
  EXPECT_EQ(c.english, 2u);
}

TEST(Language, MixingPredicateThresholds) {
  // 20 Chinese characters and 2 English words: minority 2 < 3 words → not mixed.
  EXPECT_FALSE(r1::is_language_mixed(r1::LanguageWordCounts{20, 2}));
  // 20 and 3: 3 ≥ 3 words and 3/23 = 13% ≥ 10% → mixed.
  EXPECT_TRUE(r1::is_language_mixed(r1::LanguageWordCounts{20, 3}));
  // 40 and 4: 4/44 = 9.1% < 10% → not mixed.
  EXPECT_FALSE(r1::is_language_mixed(r1::LanguageWordCounts{40, 4}));
  EXPECT_FALSE(r1::is_language_mixed(r1::LanguageWordCounts{0, 50}));
  EXPECT_TRUE(r1::is_language_mixed("we need the sum 我们需要求和 then check 然后检查"));
}

TEST(Language, ChainOfThoughtSpan) {
  EXPECT_EQ(r1::chain_of_thought("<think>abc</think>def"), "abc");
  EXPECT_EQ(r1::chain_of_thought("abc</think>def"), "abc");
  EXPECT_EQ(r1::chain_of_thought("just text"), "just text");
  EXPECT_EQ(r1::chain_of_thought("<think>unfinished"), "unfinished");
}

TEST(LanguageReward, ShareOfTargetLanguageWords) {
  const auto reward = r1::make_reward("language");
  // CoT: "we compute 计算" → 2 English words, 2 Chinese characters.
  const std::string completion = "<think>we compute 计算</think> answer words ignored";
  EXPECT_DOUBLE_EQ(score(*reward, completion, {{"lang", "en"}}).value, 0.5);
  EXPECT_DOUBLE_EQ(score(*reward, completion, {{"lang", "zh"}}).value, 0.5);
  // Target from the prompt: Chinese prompt, CoT with 3 Chinese chars, 1 English word.
  const auto r = score(*reward, "<think>先计算 sum</think>", json::object(), "求和：1+2");
  EXPECT_DOUBLE_EQ(r.value, 0.75);
  EXPECT_EQ(r.reason, "3 of 4 words in Chinese (1 English, 3 Chinese)");
  EXPECT_EQ(score(*reward, "<think>1+1=2</think>", {{"lang", "en"}}).value, 0);
  EXPECT_THROW(score(*reward, completion, {{"lang", "fr"}}), r1::Error);
  EXPECT_EQ(r1::detect_language("Compute 1+2"), r1::Language::English);
  EXPECT_EQ(r1::detect_language("计算 1+2"), r1::Language::Chinese);
}

TEST(LengthReward, DapoSoftOverlongPenalty) {
  // L_max = 20, L_cache = 4: free up to 16, then −(|y|−16)/4, −1 beyond 20.
  EXPECT_EQ(r1::soft_overlong_penalty(10, 20, 4), 0);
  EXPECT_EQ(r1::soft_overlong_penalty(16, 20, 4), 0);
  EXPECT_DOUBLE_EQ(r1::soft_overlong_penalty(17, 20, 4), -0.25);
  EXPECT_DOUBLE_EQ(r1::soft_overlong_penalty(18, 20, 4), -0.5);
  EXPECT_DOUBLE_EQ(r1::soft_overlong_penalty(20, 20, 4), -1);
  EXPECT_EQ(r1::soft_overlong_penalty(21, 20, 4), -1);
}

TEST(LengthReward, UnitsReasonsAndTruncation) {
  const auto tokens = r1::make_reward("length", {{"max_length", 20}, {"cache_length", 4}});
  auto r = score(*tokens, "whatever", {{"completion_tokens", 18}});
  EXPECT_DOUBLE_EQ(r.value, -0.5);
  EXPECT_EQ(r.reason, "18 tokens in the last 4 before max 20");
  r = score(*tokens, "x", {{"completion_tokens", 25}}, "", /*truncated=*/true);
  EXPECT_EQ(r.value, -1);
  EXPECT_EQ(r.reason, "25 tokens > max 20 (truncated)");
  EXPECT_THROW(score(*tokens, "x", json::object()), r1::Error);
  EXPECT_THROW(score(*tokens, "x", {{"completion_tokens", -1}}), r1::Error);

  // "héllo" is 5 characters and 6 bytes. In characters with L_max 6, L_cache 4:
  // −(5−2)/4 = −0.75. In bytes with L_max 5: 6 > 5 → −1, and truncated.
  const r1::LengthReward chars(6, 4, r1::LengthReward::Unit::Chars);
  const r1::LengthReward bytes(5, 4, r1::LengthReward::Unit::Bytes);
  const json none = json::object();
  EXPECT_DOUBLE_EQ(score(chars, "héllo", none).value, -0.75);
  EXPECT_EQ(score(bytes, "héllo", none).value, -1);
  EXPECT_FALSE(chars.truncated(r1::RewardInput{"", "héllo", none, false}));
  EXPECT_TRUE(chars.truncated(r1::RewardInput{"", "héllo", none, true}));
  EXPECT_TRUE(bytes.truncated(r1::RewardInput{"", "héllo", none, false}));
  EXPECT_THROW(r1::make_reward("length", {{"max_length", 4}, {"cache_length", 5}}), r1::Error);
  EXPECT_THROW(r1::make_reward("length", {{"unit", "words"}}), r1::Error);
}

TEST(CompositeReward, WeightedSumKeepsComponents) {
  std::vector<r1::CompositeReward::Component> parts;
  parts.push_back({r1::make_reward("math"), 1.0});
  parts.push_back({r1::make_reward("format"), 0.5});
  const r1::CompositeReward reward(std::move(parts));
  EXPECT_EQ(reward.name(), "math+format");
  const json ref = {{"answer", "4"}};
  const std::string good = "<think>2+2</think> <answer>\\boxed{4}</answer>";
  const std::string wrong = "<think>2+2</think> <answer>\\boxed{5}</answer>";
  const auto results = reward.score_components_batch(
      {r1::RewardInput{"", good, ref}, r1::RewardInput{"", wrong, ref}});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_DOUBLE_EQ(results[0].value, 1.5);  // 1·1 + 0.5·1
  EXPECT_DOUBLE_EQ(results[1].value, 0.5);  // 1·0 + 0.5·1
  EXPECT_EQ(results[1].reason, "math: answer 5 ≠ 4; format: well formatted");
  ASSERT_EQ(results[1].components.size(), 2u);
  EXPECT_EQ(results[1].components[1].name, "format");
  EXPECT_EQ(results[1].components[1].weight, 0.5);
  EXPECT_EQ(results[1].components[0].result.value, 0);
  EXPECT_DOUBLE_EQ(reward.score(r1::RewardInput{"", good, ref}).value, 1.5);
}

TEST(CompositeReward, RejectsBadCompositions) {
  EXPECT_THROW(r1::CompositeReward({}), r1::Error);
  std::vector<r1::CompositeReward::Component> twice;
  twice.push_back({r1::make_reward("math"), 1});
  twice.push_back({r1::make_reward("math"), 1});
  EXPECT_THROW(r1::CompositeReward(std::move(twice)), r1::Error);
  std::vector<r1::CompositeReward::Component> nan_weight;
  nan_weight.push_back({r1::make_reward("math"), std::nan("")});
  EXPECT_THROW(r1::CompositeReward(std::move(nan_weight)), r1::Error);
}

TEST(Registry, BuildsRewardsAndCompositesByName) {
  for (const char* name : {"math", "format", "language", "length"})
    EXPECT_EQ(r1::make_reward(name)->name(), name);
  try {
    r1::make_reward("nope");
    FAIL() << "expected an error";
  } catch (const r1::Error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown reward 'nope' (known rewards: math, format"),
              std::string::npos)
        << e.what();
  }
  const auto composite = r1::make_composite_reward(json::parse(
      R"([{"name": "math", "weight": 2}, {"name": "format", "options": {"layout": "r1"}}])"));
  const json ref = {{"answer", "4"}};
  // math 2·1 + format 1·1 (r1 layout: a summary follows </think>).
  EXPECT_DOUBLE_EQ(composite->score(r1::RewardInput{"", "<think>x</think> \\boxed{4}", ref}).value,
                   3.0);
  EXPECT_THROW(r1::make_composite_reward(json::array()), r1::Error);
  EXPECT_THROW(r1::make_composite_reward(json::parse(R"([{"name": "math", "wieght": 2}])")),
               r1::Error);
  EXPECT_THROW(r1::make_composite_reward(json::parse(R"([{"name": "math", "weight": "2"}])")),
               r1::Error);
}

}  // namespace
