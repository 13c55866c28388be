// The accuracy reward for math (R1 §2.2.2: "the model is required to provide
// the final answer in a specified format (e.g., within a box)"): extract the
// final answer, compare it with the reference by math_answer.h, and return
// `correct` (1), `wrong` (0) or `missing` (0) with the reason ("no \boxed{}",
// "answer 12 ≠ 13").
//
// Reads reference field `answer` (string or number; the field name is an
// option). Options:
//   extract            answer formats tried in order: boxed, answer_tag,
//                      answer_is, gsm8k (default ["boxed"])
//   reference_extract  formats to pull the answer out of a full reference
//                      solution (e.g. ["gsm8k"], ["boxed"]); default: none, the
//                      field is the answer itself
//   answer_field       reference field holding the answer (default "answer")
//   after_think        look only after the last </think> when there is one, so
//                      candidates boxed while thinking do not count (default true)
//   correct, wrong, missing   values (default 1, 0, 0); e.g. wrong = 0.1 rewards
//                      well-formatted wrong answers as TinyZero does
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rewards/answer_extract.h"
#include "rewards/reward.h"

namespace r1 {

struct MathRewardOptions {
  std::vector<AnswerFormat> extract = {AnswerFormat::Boxed};
  std::vector<AnswerFormat> reference_extract;
  std::string answer_field = "answer";
  bool after_think = true;
  double correct = 1, wrong = 0, missing = 0;
};

MathRewardOptions parse_math_reward_options(const nlohmann::json& options);

class MathReward : public Reward {
 public:
  explicit MathReward(MathRewardOptions options);
  std::string name() const override { return "math"; }
  RewardResult score(const RewardInput& input) const override;

  // The reference answer as a string; r1::Error if the field is missing or has
  // no answer in the configured reference formats.
  std::string reference_answer(const nlohmann::json& reference) const;

 private:
  MathRewardOptions options_;
  AnswerExtractor extractor_;
  std::optional<AnswerExtractor> reference_extractor_;
};

std::unique_ptr<Reward> make_math_reward(const nlohmann::json& options);

// Cuts `text` to at most `max_bytes` on a UTF-8 boundary, adding "…" when cut;
// keeps reasons short when a completion boxes a whole essay.
std::string shorten_for_reason(std::string_view text, size_t max_bytes = 60);

}  // namespace r1
