// The reward of general (non-reasoning) prompts in R1's last RL stage
// (R1_NOTES.md, "Rewards (R1)"): learned reward models judge them —
// helpfulness on the final summary only, harmlessness on the whole response,
// reasoning included.
//
//   helpfulness  scores (prompt, summary), summary = the text after the last
//                </think> of the completion (the whole completion if none)
//   harmlessness scores (prompt, completion)
//
// The prompt the models see is the problem's prompt rendered with the prompt
// template RL samples with (option "template", default "r1_zero_short"; ""
// passes the prompt as it is), as `r1 rm data` renders its pairs. The value is
// the mean of σ(score) over the configured models, so it lies in (0, 1); the
// reason lists each ("helpful 0.93, harmless 0.88"). The RL loop counts a
// completion as correct when its accuracy component is ≥ 1, which a value in
// (0, 1) never is: RM-judged prompts never count as correct, and their
// accuracy stays 0 by design.
//
// Options: "helpfulness_model", "harmlessness_model" (reward model
// directories, or output directories of `r1 rm train`; at least one), and
// "template". Each directory is loaded once, when the reward is made (the
// same directory given twice is loaded once). score_batch scores a batch in
// batched forward passes; a completion that cannot be scored (the tokenizer
// rejects it) gets 0 and says why — the reward never throws on a completion.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rewards/reward.h"
#include "rewards/reward_model.h"
#include "tasks/template.h"

namespace r1 {

// The summary a helpfulness model judges: the text after the last </think>,
// or the whole completion when it has none.
std::string_view completion_summary(std::string_view completion);

class GeneralReward : public Reward {
 public:
  // Either model may be null, not both. `prompt_template` null: raw prompts.
  GeneralReward(std::shared_ptr<const RewardModel> helpfulness,
                std::shared_ptr<const RewardModel> harmlessness,
                const PromptTemplate* prompt_template);
  std::string name() const override { return "general"; }
  RewardResult score(const RewardInput& input) const override;
  std::vector<RewardResult> score_batch(const std::vector<RewardInput>& inputs) const override;

 private:
  std::shared_ptr<const RewardModel> helpfulness_, harmlessness_;
  const PromptTemplate* template_;
};

std::unique_ptr<Reward> make_general_reward(const nlohmann::json& options);

}  // namespace r1
