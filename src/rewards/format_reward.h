// The format reward (R1 §2.2.2): the reasoning must be enclosed in <think> and
// </think>, followed by the answer. Two layouts:
//   r1_zero  <think> reasoning </think> <answer> answer </answer>  — the
//            R1-Zero training template; nothing but whitespace around them
//   r1       <think> reasoning </think> summary — R1's readable format, a
//            non-empty summary after the reasoning
// Value 1 when the completion has the layout, 0 otherwise, with the first
// violation as the reason. Each tag must appear exactly once (a second
// <answer> would let a policy hedge between answers).
//
// Options: layout ("r1_zero" | "r1", default "r1_zero"); think_open,
// think_close, answer_open, answer_close (the tag strings; defaults as above);
// think_in_prompt (the prompt already ends with the opening think tag, as chat
// templates of R1-style models do, so the completion starts inside the
// reasoning; default false); correct, wrong (values, default 1 and 0).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "rewards/reward.h"

namespace r1 {

struct FormatRewardOptions {
  enum class Layout { R1Zero, R1 };
  Layout layout = Layout::R1Zero;
  std::string think_open = "<think>", think_close = "</think>";
  std::string answer_open = "<answer>", answer_close = "</answer>";
  bool think_in_prompt = false;
  double correct = 1, wrong = 0;
};

FormatRewardOptions parse_format_reward_options(const nlohmann::json& options);

class FormatReward : public Reward {
 public:
  explicit FormatReward(FormatRewardOptions options);
  std::string name() const override { return "format"; }
  RewardResult score(const RewardInput& input) const override;

 private:
  // Empty when the completion has the layout, else what is wrong.
  std::string violation(std::string_view completion) const;

  FormatRewardOptions options_;
};

std::unique_ptr<Reward> make_format_reward(const nlohmann::json& options);

}  // namespace r1
